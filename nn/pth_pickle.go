package nn

import (
	"bytes"
	"errors"
	"fmt"
)

// A minimal, safe unpickler for the data.pkl of a torch.save(state_dict)
// archive. It knows only the opcodes such a pickle uses (protocols 2 to 5)
// and only the globals pthGlobalAllowed lists; nothing is ever "called" beyond
// building the few values below, so a crafted pickle can at worst be
// refused. Every read is bounds-checked: malformed input is an error, never
// a panic.

// pyGlobal is a class or function named by GLOBAL or STACK_GLOBAL.
type pyGlobal struct{ module, name string }

func (g pyGlobal) String() string { return g.module + "." + g.name }

// pyTuple is a Python tuple.
type pyTuple []any

// pyDict is a dict or OrderedDict with string keys, keeping their order.
// attrs holds what BUILD sets on it (an OrderedDict's __dict__, where
// state dicts keep _metadata).
type pyDict struct {
	keys  []string
	vals  map[string]any
	attrs *pyDict
}

func newPyDict() *pyDict { return &pyDict{vals: map[string]any{}} }

func (d *pyDict) set(k, v any) error {
	s, ok := k.(string)
	if !ok {
		return fmt.Errorf("dict key %v (%T) is not a string", k, k)
	}
	if _, dup := d.vals[s]; !dup {
		d.keys = append(d.keys, s)
	}
	d.vals[s] = v
	return nil
}

// pyStorage is a storage a BINPERSID names: dtype in safetensors' names,
// the zip record's key and the element count.
type pyStorage struct {
	dtype string
	key   string
	numel int64
}

// pthTensor is a view of a storage, as _rebuild_tensor_v2 describes it.
type pthTensor struct {
	storage      *pyStorage
	offset       int64
	size, stride []int64
}

type pyMark struct{}

// pthStorageTypes maps torch's storage classes to safetensors dtypes.
var pthStorageTypes = map[string]string{
	"FloatStorage": "F32", "DoubleStorage": "F64", "HalfStorage": "F16",
	"BFloat16Storage": "BF16", "LongStorage": "I64", "IntStorage": "I32",
	"ShortStorage": "I16", "CharStorage": "I8", "ByteStorage": "U8",
	"BoolStorage": "BOOL",
}

// pthGlobalAllowed reports whether a pickle may name g.
func pthGlobalAllowed(g pyGlobal) bool {
	switch g.module {
	case "collections":
		return g.name == "OrderedDict"
	case "torch._utils":
		return g.name == "_rebuild_tensor_v2" || g.name == "_rebuild_parameter"
	case "torch":
		_, ok := pthStorageTypes[g.name]
		return ok
	}
	return false
}

// unpickler holds one pickle's state. persistent resolves BINPERSID ids.
type unpickler struct {
	b          []byte
	pos        int
	stack      []any
	marks      []int
	memo       map[uint32]any
	persistent func(pid pyTuple) (any, error)
}

// unpickle runs the pickle in b and returns its value.
func unpickle(b []byte, persistent func(pyTuple) (any, error)) (any, error) {
	u := &unpickler{b: b, memo: map[uint32]any{}, persistent: persistent}
	for {
		at := u.pos
		op, err := u.read(1)
		if err != nil {
			return nil, errors.New("pickle ends without STOP (truncated?)")
		}
		done, err := u.step(op[0])
		if err != nil {
			return nil, fmt.Errorf("pickle byte %d (opcode 0x%02x): %w", at, op[0], err)
		}
		if done {
			if len(u.stack) != 1 || len(u.marks) != 0 {
				return nil, fmt.Errorf("pickle stops with %d values and %d marks on the stack, want one value", len(u.stack), len(u.marks))
			}
			return u.stack[0], nil
		}
	}
}

func (u *unpickler) read(n int) ([]byte, error) {
	if n < 0 || n > len(u.b)-u.pos {
		return nil, errors.New("truncated")
	}
	s := u.b[u.pos : u.pos+n]
	u.pos += n
	return s, nil
}

func (u *unpickler) line() (string, error) {
	i := bytes.IndexByte(u.b[u.pos:], '\n')
	if i < 0 {
		return "", errors.New("truncated GLOBAL")
	}
	s := string(u.b[u.pos : u.pos+i])
	u.pos += i + 1
	return s, nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	n := len(u.stack)
	if n == 0 || (len(u.marks) > 0 && u.marks[len(u.marks)-1] == n) {
		return nil, errors.New("stack underflow")
	}
	v := u.stack[n-1]
	u.stack = u.stack[:n-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, errors.New("memoising an empty stack")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the values above the last MARK and removes them.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, errors.New("no MARK to pop to")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	vals := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return vals, nil
}

func (u *unpickler) uint(n int) (uint64, error) {
	b, err := u.read(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// step runs one opcode; it reports true at STOP.
func (u *unpickler) step(op byte) (bool, error) {
	switch op {
	case 0x80: // PROTO
		v, err := u.uint(1)
		if err != nil {
			return false, err
		}
		if v < 2 || v > 5 {
			return false, fmt.Errorf("pickle protocol %d (torch.save writes 2; 2 to 5 are read)", v)
		}
	case 0x95: // FRAME: a length hint
		_, err := u.read(8)
		return false, err
	case '.': // STOP
		return true, nil
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
	case 'c': // GLOBAL
		mod, err := u.line()
		if err != nil {
			return false, err
		}
		name, err := u.line()
		if err != nil {
			return false, err
		}
		return false, u.global(mod, name)
	case 0x93: // STACK_GLOBAL
		name, err := u.pop()
		if err != nil {
			return false, err
		}
		mod, err := u.pop()
		if err != nil {
			return false, err
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			return false, errors.New("STACK_GLOBAL of non-strings")
		}
		return false, u.global(ms, ns)
	case 'q', 'r', 0x94: // BINPUT, LONG_BINPUT, MEMOIZE
		idx := uint64(len(u.memo))
		var err error
		if op == 'q' {
			idx, err = u.uint(1)
		} else if op == 'r' {
			idx, err = u.uint(4)
		}
		if err != nil {
			return false, err
		}
		v, err := u.top()
		if err != nil {
			return false, err
		}
		u.memo[uint32(idx)] = v
	case 'h', 'j': // BINGET, LONG_BINGET
		n := 1
		if op == 'j' {
			n = 4
		}
		idx, err := u.uint(n)
		if err != nil {
			return false, err
		}
		v, ok := u.memo[uint32(idx)]
		if !ok {
			return false, fmt.Errorf("memo entry %d was never stored", idx)
		}
		u.push(v)
	case ')': // EMPTY_TUPLE
		u.push(pyTuple{})
	case 't': // TUPLE
		vals, err := u.popMark()
		if err != nil {
			return false, err
		}
		u.push(pyTuple(vals))
	case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
		n := int(op - 0x84)
		t := make(pyTuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return false, err
			}
			t[i] = v
		}
		u.push(t)
	case 'X', 0x8c: // BINUNICODE, SHORT_BINUNICODE
		n := 4
		if op == 0x8c {
			n = 1
		}
		l, err := u.uint(n)
		if err != nil {
			return false, err
		}
		if l > uint64(len(u.b)) {
			return false, errors.New("truncated")
		}
		s, err := u.read(int(l))
		if err != nil {
			return false, err
		}
		u.push(string(s))
	case 'K', 'M': // BININT1, BININT2
		n := 1
		if op == 'M' {
			n = 2
		}
		v, err := u.uint(n)
		if err != nil {
			return false, err
		}
		u.push(int64(v))
	case 'J': // BININT
		v, err := u.uint(4)
		if err != nil {
			return false, err
		}
		u.push(int64(int32(uint32(v))))
	case 0x8a: // LONG1
		n, err := u.uint(1)
		if err != nil {
			return false, err
		}
		if n > 8 {
			return false, fmt.Errorf("%d-byte integer is out of range", n)
		}
		v, err := u.uint(int(n))
		if err != nil {
			return false, err
		}
		if n > 0 && n < 8 && v&(1<<(8*n-1)) != 0 { // sign-extend
			v |= ^uint64(0) << (8 * n)
		}
		u.push(int64(v))
	case 0x88, 0x89: // NEWTRUE, NEWFALSE
		u.push(op == 0x88)
	case 'N': // NONE
		u.push(nil)
	case '}': // EMPTY_DICT
		u.push(newPyDict())
	case 's', 'u': // SETITEM, SETITEMS
		return false, u.setItems(op == 'u')
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return false, err
		}
		t, ok := pid.(pyTuple)
		if !ok {
			return false, fmt.Errorf("persistent id is a %T, not a tuple", pid)
		}
		v, err := u.persistent(t)
		if err != nil {
			return false, err
		}
		u.push(v)
	case 'R': // REDUCE
		args, err := u.pop()
		if err != nil {
			return false, err
		}
		fn, err := u.pop()
		if err != nil {
			return false, err
		}
		g, ok1 := fn.(pyGlobal)
		a, ok2 := args.(pyTuple)
		if !ok1 || !ok2 {
			return false, fmt.Errorf("REDUCE of %T with %T arguments", fn, args)
		}
		v, err := pthCall(g, a)
		if err != nil {
			return false, err
		}
		u.push(v)
	case 'b': // BUILD: set an OrderedDict's attributes
		state, err := u.pop()
		if err != nil {
			return false, err
		}
		obj, err := u.top()
		if err != nil {
			return false, err
		}
		d, ok1 := obj.(*pyDict)
		s, ok2 := state.(*pyDict)
		if !ok1 || !ok2 {
			return false, fmt.Errorf("BUILD of a %T with a %T state; only an OrderedDict's attributes are read", obj, state)
		}
		d.attrs = s
	default:
		return false, fmt.Errorf("opcode not used by state dicts; refusing the pickle")
	}
	return false, nil
}

func (u *unpickler) global(mod, name string) error {
	g := pyGlobal{mod, name}
	if !pthGlobalAllowed(g) {
		return fmt.Errorf("the pickle names %s, which a state dict of tensors never does; refusing it", g)
	}
	u.push(g)
	return nil
}

func (u *unpickler) setItems(many bool) error {
	var kv []any
	var err error
	if many {
		kv, err = u.popMark()
	} else {
		kv = make([]any, 2)
		if kv[1], err = u.pop(); err == nil {
			kv[0], err = u.pop()
		}
	}
	if err != nil {
		return err
	}
	if len(kv)%2 != 0 {
		return errors.New("SETITEMS with an odd number of values")
	}
	obj, err := u.top()
	if err != nil {
		return err
	}
	d, ok := obj.(*pyDict)
	if !ok {
		return fmt.Errorf("SETITEM on a %T, not a dict", obj)
	}
	for i := 0; i < len(kv); i += 2 {
		if err := d.set(kv[i], kv[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// pthCall evaluates the allowed callables: an empty OrderedDict, a tensor
// view of a storage, or a parameter wrapping a tensor.
func pthCall(g pyGlobal, a pyTuple) (any, error) {
	switch g {
	case pyGlobal{"collections", "OrderedDict"}:
		if len(a) != 0 {
			return nil, errors.New("OrderedDict with arguments")
		}
		return newPyDict(), nil
	case pyGlobal{"torch._utils", "_rebuild_parameter"}:
		if len(a) != 3 {
			return nil, fmt.Errorf("_rebuild_parameter with %d arguments, want 3", len(a))
		}
		if _, ok := a[0].(*pthTensor); !ok {
			return nil, fmt.Errorf("_rebuild_parameter of a %T", a[0])
		}
		return a[0], nil
	case pyGlobal{"torch._utils", "_rebuild_tensor_v2"}:
		return rebuildTensorV2(a)
	}
	return nil, fmt.Errorf("%s is not callable", g)
}

// rebuildTensorV2 reads (storage, storage_offset, size, stride,
// requires_grad, backward_hooks[, metadata]).
func rebuildTensorV2(a pyTuple) (*pthTensor, error) {
	if len(a) != 6 && len(a) != 7 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 with %d arguments, want 6 or 7", len(a))
	}
	st, ok := a[0].(*pyStorage)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2 of a %T, not a storage", a[0])
	}
	off, ok := a[1].(int64)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: storage offset is a %T", a[1])
	}
	size, err := intTuple(a[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(a[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(size) != len(stride) {
		return nil, fmt.Errorf("_rebuild_tensor_v2: size %v and stride %v differ in length", size, stride)
	}
	return &pthTensor{storage: st, offset: off, size: size, stride: stride}, nil
}

func intTuple(v any, what string) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %s is a %T, not a tuple", what, v)
	}
	out := make([]int64, len(t))
	for i, e := range t {
		n, ok := e.(int64)
		if !ok {
			return nil, fmt.Errorf("_rebuild_tensor_v2: %s element %d is a %T", what, i, e)
		}
		out[i] = n
	}
	return out, nil
}
