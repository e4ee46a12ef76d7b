//go:build !unix

package main

// lockCell does nothing where flock(2) is missing: run each cell once.
func lockCell(path string) (func(), error) { return func() {}, nil }
