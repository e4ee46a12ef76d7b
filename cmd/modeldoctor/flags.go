package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// errHelp is returned by parse after printing a command's usage for -h or
// --help: main exits 0 on it.
var errHelp = errors.New("help requested")

// newFlagSet returns a flag set whose usage names the command and says
// what it does (the summary registered in commands).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: modeldoctor %s [flags]\n\n%s\n\nFlags:\n", name, commands[name].summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs. The flag package's own report (its message
// followed by the whole usage) is replaced by one line; -h and --help print
// the usage on standard output and return errHelp. Commands take no
// positional arguments: a stray word (a misspelt flag without its dash, a
// value that lost its flag) is an error rather than silently ignored.
func parse(fs *flag.FlagSet, args []string) error {
	return parseWith(fs, args, false)
}

// parseWith is parse, allowing positional arguments when positional is
// true (the caller checks them).
func parseWith(fs *flag.FlagSet, args []string, positional bool) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(os.Stdout)
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return fmt.Errorf("%v (see \"modeldoctor %s -h\")", err, fs.Name())
	}
	if !positional && fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %s takes only flags (see \"modeldoctor %s -h\")", fs.Arg(0), fs.Name(), fs.Name())
	}
	return nil
}

// settings maps every flag of fs (given or defaulted) to its value, except
// those named in skip: the record of what decided a command's result.
func settings(fs *flag.FlagSet, skip ...string) map[string]string {
	out := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { out[f.Name] = f.Value.String() })
	for _, k := range skip {
		delete(out, k)
	}
	return out
}

// only keeps the keys of m named in keep.
func only(m map[string]string, keep ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keep {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// without returns m less the keys named in drop.
func without(m map[string]string, drop ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

func sortedNames(m map[string]command) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
