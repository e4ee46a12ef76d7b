//go:build !linux

package tensor

// physicalMemory returns 0 (unknown) outside Linux.
func physicalMemory() int64 { return 0 }
