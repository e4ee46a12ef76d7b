//go:build !linux || nocuda

package cuda

import "errors"

// loadDriver refuses: this build has no driver loader.
func loadDriver(string) (*driverAPI, error) {
	return nil, errors.New("cuda: built without CUDA support (the nocuda build tag, or not Linux)")
}
