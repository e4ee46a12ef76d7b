package tensor

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Device says where a tensor's storage lives: Host, or the name a device
// backend registered, such as "cuda:0".
type Device string

// Host is main memory, where every tensor lives unless moved with To.
const Host Device = "cpu"

// DeviceBuffer addresses storage on a device: a device pointer, whose
// meaning only its backend knows.
type DeviceBuffer uint64

// DeviceBackend owns one device's memory and computes the ops of tensors
// stored there. Tensor validates every op (shapes, axes, parameters) and
// allocates its outputs on the device before it asks the backend, so a
// backend only computes.
type DeviceBackend interface {
	Device() Device
	// Alloc returns a buffer of n float32 values, all zero.
	Alloc(n int) DeviceBuffer
	// Free returns a buffer; tensor calls it once per storage, from
	// Release.
	Free(b DeviceBuffer)
	// Upload and Download copy whole buffers between host and device.
	Upload(dst DeviceBuffer, src []float32)
	Download(dst []float32, src DeviceBuffer)
	// Run computes op from in into out (both on this device; out zeroed),
	// or reports false when it has no kernel for op with these operands.
	// Tensor then computes op on host copies and counts the copies as a
	// fallback (see Transfers), or panics where fallbacks are refused.
	Run(op Op, in, out []*Tensor) bool
}

// devStorage is the header of a device allocation, shared by a tensor and
// its views (Reshape).
type devStorage struct {
	be       DeviceBackend
	buf      DeviceBuffer
	n        int
	seq      uint64      // allocation stamp, as host storage's (AllocMark)
	pinned   atomic.Bool // Pin: never released by those who recycle
	released atomic.Bool
}

var devices struct {
	sync.RWMutex
	m map[Device]DeviceBackend
}

// RegisterDevice makes b's device a target of To; it replaces a backend
// registered under the same name.
func RegisterDevice(b DeviceBackend) {
	d := b.Device()
	if d == Host || d == "" {
		panic(fmt.Sprintf("tensor.RegisterDevice: %q is not a device name", d))
	}
	devices.Lock()
	defer devices.Unlock()
	if devices.m == nil {
		devices.m = map[Device]DeviceBackend{}
	}
	devices.m[d] = b
}

// UnregisterDevice removes device d (tests that register their own).
func UnregisterDevice(d Device) {
	devices.Lock()
	defer devices.Unlock()
	delete(devices.m, d)
}

// DeviceBackendOf returns the backend registered for d.
func DeviceBackendOf(d Device) (DeviceBackend, bool) {
	devices.RLock()
	defer devices.RUnlock()
	b, ok := devices.m[d]
	return b, ok
}

// registered returns the registered backends.
func registered() []DeviceBackend {
	devices.RLock()
	defer devices.RUnlock()
	bs := make([]DeviceBackend, 0, len(devices.m))
	for _, b := range devices.m {
		bs = append(bs, b)
	}
	return bs
}

// Devices lists the registered devices.
func Devices() []Device {
	devices.RLock()
	defer devices.RUnlock()
	var ds []Device
	for d := range devices.m {
		ds = append(ds, d)
	}
	return ds
}

// Device returns where t's storage lives.
func (t *Tensor) Device() Device {
	if t.dev != nil {
		return t.dev.be.Device()
	}
	return Host
}

// OnDevice reports whether t's storage is on a device rather than the host.
func (t *Tensor) OnDevice() bool { return t.dev != nil }

// Buffer returns the device buffer holding t, for device backends; it
// panics for a host tensor.
func (t *Tensor) Buffer() DeviceBuffer {
	if t.dev == nil {
		panic(fmt.Sprintf("tensor.Buffer: tensor %v is on the host", t.shape))
	}
	if t.dev.released.Load() {
		panic(fmt.Sprintf("tensor.Buffer: tensor %v on %s used after Release", t.shape, t.Device()))
	}
	return t.dev.buf
}

// EmptyOn returns a zero-filled tensor on be's device: the outputs of a
// device op, made by tensor or by a backend for its own temporaries.
func EmptyOn(be DeviceBackend, shape ...int) *Tensor {
	n := Numel(shape)
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor.EmptyOn: negative dimension in shape %v", shape))
		}
	}
	t := &Tensor{shape: cloneInts(shape), dev: &devStorage{be: be, buf: be.Alloc(n), n: n, seq: allocClock.Add(1)}}
	track(t)
	return t
}

// ZerosOn returns zeros of the given shape on device d.
func ZerosOn(d Device, shape ...int) *Tensor {
	if d == Host {
		return Zeros(shape...)
	}
	return EmptyOn(mustBackend("ZerosOn", d), shape...)
}

// FullOn returns a tensor of v on device d; on a device the backend fills
// it (Op "Fill"), so seeding a gradient with ones copies nothing.
func FullOn(d Device, v float32, shape ...int) *Tensor {
	if d == Host {
		return Full(v, shape...)
	}
	out := EmptyOn(mustBackend("FullOn", d), shape...)
	if v != 0 && out.Len() > 0 {
		onDevice(out.dev.be, Op{Name: "Fill", Args: FillArgs{v}}, nil, []*Tensor{out}, func(_, out []*Tensor) { fill(out[0].data, v) })
	}
	return out
}

// To returns t's values on device d: t itself when it is there already,
// otherwise a copy. Every copy between host and device is explicit, here
// or in Item, and counted (see Transfers).
func (t *Tensor) To(d Device) *Tensor {
	from := t.Device()
	if from == d {
		return t
	}
	if from != Host { // device → host (→ another device)
		h := newTensor(t.shape)
		t.dev.be.Download(h.data, t.Buffer())
		noteTransfer(&transfers.downloads, t.Len())
		if d == Host {
			return h
		}
		t = h
	}
	be := mustBackend("To", d)
	out := EmptyOn(be, t.shape...)
	be.Upload(out.dev.buf, t.data)
	noteTransfer(&transfers.uploads, t.Len())
	return out
}

func mustBackend(op string, d Device) DeviceBackend {
	be, ok := DeviceBackendOf(d)
	if !ok {
		panic(fmt.Sprintf("tensor.%s: no device %q (registered: %v)", op, d, Devices()))
	}
	return be
}

// deviceOf returns the backend of the operands' device, or nil when all
// are on the host; operands on different devices are a programming error.
// Nil operands (optional ones) are skipped.
func deviceOf(op string, ts ...*Tensor) DeviceBackend {
	var be DeviceBackend
	host, mixed := false, false
	for _, t := range ts {
		switch {
		case t == nil:
		case t.dev == nil:
			host = true
		case be == nil:
			be = t.dev.be
		case t.dev.be != be:
			mixed = true
		}
	}
	if be == nil {
		return nil
	}
	if host || mixed {
		var ds []string
		for _, t := range ts {
			if t != nil {
				ds = append(ds, string(t.Device()))
			}
		}
		panic(fmt.Sprintf("tensor.%s: operands on different devices (%s); move them with To first", op, strings.Join(ds, ", ")))
	}
	return be
}

// onDevice runs op on be: its kernel when it has one, otherwise host runs
// the CPU implementation on downloaded copies of in into host tensors
// shaped as out, whose values are then uploaded into out.
func onDevice(be DeviceBackend, op Op, in, out []*Tensor, host func(in, out []*Tensor)) {
	if be.Run(op, in, out) {
		return
	}
	if !fallbackAllowed.Load() {
		panic(fmt.Sprintf("tensor.%s: %s has no kernel for it (%s), and host fallbacks are off", op.Name, be.Device(), describe(in)))
	}
	hin := make([]*Tensor, len(in))
	for i, t := range in {
		if t != nil && t.dev != nil {
			hin[i] = newTensor(t.shape)
			be.Download(hin[i].data, t.Buffer())
			noteTransfer(&transfers.fallbackCopies, t.Len())
		} else {
			hin[i] = t
		}
	}
	hout := make([]*Tensor, len(out))
	for i, t := range out {
		hout[i] = newZeros(t.shape)
	}
	host(hin, hout)
	for i, t := range out {
		be.Upload(t.Buffer(), hout[i].data)
		noteTransfer(&transfers.fallbackCopies, t.Len())
	}
	transfers.Lock()
	if transfers.fallbacks == nil {
		transfers.fallbacks = map[string]int64{}
	}
	transfers.fallbacks[op.Name]++
	transfers.Unlock()
}

func describe(ts []*Tensor) string {
	var parts []string
	for _, t := range ts {
		if t != nil {
			parts = append(parts, fmt.Sprintf("%v", t.shape))
		}
	}
	return "operands " + strings.Join(parts, ", ")
}

// devOut allocates the outputs of a device op.
func devOut(be DeviceBackend, shapes ...[]int) []*Tensor {
	out := make([]*Tensor, len(shapes))
	for i, s := range shapes {
		out[i] = EmptyOn(be, s...)
	}
	return out
}

var fallbackAllowed atomic.Bool

func init() { fallbackAllowed.Store(true) }

// AllowHostFallback sets whether a device op without a kernel may run on
// host copies (the default) or panics, and returns the previous setting.
// Tests turn fallbacks off to prove a step runs on the device alone.
func AllowHostFallback(allow bool) bool { return fallbackAllowed.Swap(allow) }

var transfers struct {
	uploads, downloads, fallbackCopies transferCounter
	sync.Mutex
	fallbacks map[string]int64
}

type transferCounter struct{ n, elems atomic.Int64 }

func noteTransfer(c *transferCounter, elems int) {
	c.n.Add(1)
	c.elems.Add(int64(elems))
}

// NoteUpload lets a device backend count a host → device copy it makes
// itself (an op's host-side indices, say), so that Transfers tells all.
func NoteUpload(elems int) { noteTransfer(&transfers.uploads, elems) }

// TransferStats counts copies between host and devices since the program
// started (or ResetTransfers).
type TransferStats struct {
	// Uploads and Downloads are the explicit copies: To, Item, and those
	// backends report with NoteUpload.
	Uploads, Downloads         int64
	UploadElems, DownloadElems int64
	// FallbackCopies are the copies of ops computed on the host for want
	// of a device kernel; Fallbacks counts those ops by name.
	FallbackCopies int64
	Fallbacks      map[string]int64
}

// Transfers returns the counts so far.
func Transfers() TransferStats {
	transfers.Lock()
	defer transfers.Unlock()
	s := TransferStats{
		Uploads: transfers.uploads.n.Load(), Downloads: transfers.downloads.n.Load(),
		UploadElems: transfers.uploads.elems.Load(), DownloadElems: transfers.downloads.elems.Load(),
		FallbackCopies: transfers.fallbackCopies.n.Load(), Fallbacks: map[string]int64{},
	}
	for k, v := range transfers.fallbacks {
		s.Fallbacks[k] = v
	}
	return s
}

// ResetTransfers zeroes the counts.
func ResetTransfers() {
	transfers.Lock()
	defer transfers.Unlock()
	for _, c := range []*transferCounter{&transfers.uploads, &transfers.downloads, &transfers.fallbackCopies} {
		c.n.Store(0)
		c.elems.Store(0)
	}
	transfers.fallbacks = nil
}

// hostOnly panics for accessors that hand out host memory.
func (t *Tensor) hostOnly(op string) {
	if t.dev != nil {
		panic(fmt.Sprintf("tensor.%s: tensor %v is on %s; copy it to the host with To(tensor.Host) first", op, t.shape, t.Device()))
	}
}

// dev1 and dev2 run a one- or two-operand op with one output of the given
// shape on be, with host as its CPU implementation.
func dev1(be DeviceBackend, name string, args any, x *Tensor, shape []int, host func(*Tensor) *Tensor) *Tensor {
	out := devOut(be, shape)
	onDevice(be, Op{Name: name, Args: args}, []*Tensor{x}, out, func(in, out []*Tensor) { out[0].CopyFrom(host(in[0])) })
	return out[0]
}

func dev2(be DeviceBackend, name string, args any, a, b *Tensor, shape []int, host func(a, b *Tensor) *Tensor) *Tensor {
	out := devOut(be, shape)
	onDevice(be, Op{Name: name, Args: args}, []*Tensor{a, b}, out, func(in, out []*Tensor) { out[0].CopyFrom(host(in[0], in[1])) })
	return out[0]
}
