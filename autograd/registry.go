package autograd

import (
	"fmt"
	"sort"
)

// OpInfo describes a primitive differentiable op. Every primitive is
// registered once; the gradient-check test fails for a registered op that
// has no first- and second-order check.
type OpInfo struct {
	Name string
}

var registry = map[string]*OpInfo{}

func register(name string) *OpInfo {
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("autograd: op %q registered twice", name))
	}
	op := &OpInfo{Name: name}
	registry[name] = op
	return op
}

// RegisteredOps lists the names of all primitive differentiable ops.
func RegisteredOps() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
