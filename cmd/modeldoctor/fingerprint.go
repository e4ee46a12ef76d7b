package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// fileFingerprint is the first 16 hex digits of a file's SHA-256: enough
// to tell two weights files apart in a provenance record.
func fileFingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--weights: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("--weights %s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
