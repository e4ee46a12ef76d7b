//go:build !linux

package train

import "io"

// isTerminal is false where terminals cannot be detected: plain log lines.
func isTerminal(io.Writer) bool { return false }
