package data

import (
	"errors"
	"fmt"
)

// ErrNotFound is wrapped by the errors of loaders that could not find a
// data set on disk; its message says how to get the data.
var ErrNotFound = errors.New("data set not found")

// FormatError reports a malformed data file: which file and what is wrong
// with it, so a user can tell a truncated download from a wrong path.
type FormatError struct {
	Path    string // file (or reader name) that is malformed
	Problem string // what is wrong, e.g. "truncated: want 784 bytes of image data, got 12"
}

func (e *FormatError) Error() string { return "data: " + e.Path + ": " + e.Problem }

// notFoundError carries a how-to message and matches ErrNotFound with
// errors.Is, without appending ErrNotFound's text to the message.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

func notFound(format string, args ...any) error {
	return &notFoundError{"data: " + fmt.Sprintf(format, args...)}
}
