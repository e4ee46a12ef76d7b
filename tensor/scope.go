package tensor

import (
	"fmt"
	"sync"
)

// Scope collects the device tensors allocated while it is the innermost
// open scope, so that a training step can hand its device memory back in
// one place. Host memory is the garbage collector's; device memory is
// freed only by Release, never by a finalizer (the collector does not see
// device pressure, and a finalizer runs on an arbitrary thread), and the
// temporaries inside ops' backward functions have no owner who could
// release them one by one. A loop therefore opens a scope before the
// forward pass and closes it after the backward pass, keeping what it
// still needs (the gradients, the logits it reads). Scopes nest; like
// autograd's graphs they are process-wide, so open them from one
// goroutine at a time.
type Scope struct {
	parent *Scope
	ts     []*Tensor
	closed bool
}

var scopes struct {
	sync.Mutex
	top *Scope
}

// OpenScope starts collecting device allocations.
func OpenScope() *Scope {
	scopes.Lock()
	defer scopes.Unlock()
	s := &Scope{parent: scopes.top}
	scopes.top = s
	return s
}

// track records a fresh device tensor in the innermost open scope.
func track(t *Tensor) {
	scopes.Lock()
	if s := scopes.top; s != nil {
		s.ts = append(s.ts, t)
	}
	scopes.Unlock()
}

// Close releases every device tensor the scope collected except those
// sharing storage with keep (and pinned ones, which Release spares), and
// returns how many storages it freed. Kept tensors pass to the enclosing
// scope, if any. Closing a scope that is not the innermost open one is a
// programming error.
func (s *Scope) Close(keep ...*Tensor) int {
	scopes.Lock()
	if s.closed || scopes.top != s {
		scopes.Unlock()
		panic(fmt.Sprintf("tensor.Scope.Close: not the innermost open scope (closed %v)", s.closed))
	}
	s.closed = true
	scopes.top = s.parent
	scopes.Unlock()
	kept := map[uintptr]bool{}
	for _, t := range keep {
		if t != nil && t.dev != nil {
			kept[t.StorageID()] = true
		}
	}
	freed := 0
	for _, t := range s.ts {
		if kept[t.StorageID()] {
			if s.parent != nil {
				track(t)
			}
			continue
		}
		if Release(t) {
			freed++
		}
	}
	s.ts = nil
	for _, be := range registered() {
		if c, ok := be.(ScopeCloser); ok {
			c.ScopeClosed()
		}
	}
	return freed
}

// ScopeCloser is a DeviceBackend that keeps per-step state of its own (a
// cache of uploaded indices, say) and drops it when a scope closes.
type ScopeCloser interface{ ScopeClosed() }
