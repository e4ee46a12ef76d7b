package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// The safetensors format (huggingface/safetensors):
//
//	8 bytes   N, the header length, a little-endian uint64
//	N bytes   a JSON object, UTF-8, possibly padded with trailing spaces:
//	            {"__metadata__": {"key": "value", ...},
//	             "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//	the rest  the data buffer: each tensor's elements, row-major and
//	          little-endian, at [begin, end) relative to the buffer's start
//
// A valid file's tensors tile the buffer exactly: sorted by offsets they
// start at 0, follow one another without gap or overlap and end at the end
// of the file, and each one's byte length is its element count times its
// dtype's size. The reader enforces all of that (as the reference Rust
// implementation does), and also rejects duplicate names, invalid UTF-8,
// headers over 100 MB and trailing bytes after the JSON object.

// maxSafetensorsHeader is the reference implementation's header limit.
const maxSafetensorsHeader = 100_000_000

// safetensorsDTypes maps the dtypes this package reads to their element
// sizes. Everything is converted to float32 on reading.
var safetensorsDTypes = map[string]int{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2,
	"I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
}

// Known dtypes of the format that this package cannot convert.
var safetensorsUnsupported = map[string]bool{
	"U16": true, "U32": true, "U64": true, "F8_E5M2": true, "F8_E4M3": true,
	"F8_E8M0": true, "F6_E2M3": true, "F6_E3M2": true, "F4": true, "C64": true,
}

// SafetensorsTensor is one tensor read from a safetensors file.
type SafetensorsTensor struct {
	Name string
	// DType is the stored type ("F32", "I64", ...); Tensor holds the values
	// converted to float32 (integers above 2²⁴ lose precision).
	DType  string
	Tensor *tensor.Tensor
}

// SafetensorsFile is a parsed safetensors file: its tensors in the order
// of the JSON header (for files written by the reference implementation,
// also the order of their data) and its free-form metadata.
type SafetensorsFile struct {
	Tensors  []SafetensorsTensor
	Metadata map[string]string
}

// Map returns the tensors by name.
func (f *SafetensorsFile) Map() map[string]*tensor.Tensor {
	m := make(map[string]*tensor.Tensor, len(f.Tensors))
	for _, t := range f.Tensors {
		m[t.Name] = t.Tensor
	}
	return m
}

// ReadSafetensors reads a safetensors file into float32 tensors by name and
// its metadata. Any malformation (truncation, a bad header length, invalid
// JSON, offsets out of range, overlapping or leaving holes, an unknown
// dtype, a size that does not match the shape) is an error that names the
// file and the problem.
func ReadSafetensors(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	f, err := ReadSafetensorsFile(path)
	if err != nil {
		return nil, nil, err
	}
	return f.Map(), f.Metadata, nil
}

// ReadSafetensorsFile is ReadSafetensors keeping the header's order and the
// stored dtypes.
func ReadSafetensorsFile(path string) (*SafetensorsFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := ParseSafetensors(data)
	if err != nil {
		return nil, fmt.Errorf("safetensors file %s: %w", path, err)
	}
	return f, nil
}

// stInfo is a header entry before validation.
type stInfo struct {
	name       string
	dtype      string
	shape      []int
	begin, end uint64
}

// ParseSafetensors parses a whole safetensors file held in memory. It
// validates everything before converting anything and never panics on
// malformed input.
func ParseSafetensors(data []byte) (*SafetensorsFile, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxSafetensorsHeader {
		return nil, fmt.Errorf("header length %d exceeds the limit of %d bytes", n, maxSafetensorsHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("truncated: header length %d but only %d bytes follow the length", n, len(data)-8)
	}
	header := data[8 : 8+n]
	buf := data[8+n:]
	if !utf8.Valid(header) {
		return nil, errors.New("header is not valid UTF-8")
	}
	if len(header) == 0 || header[0] != '{' {
		return nil, errors.New("header does not start with '{'")
	}
	infos, meta, err := parseSafetensorsHeader(header)
	if err != nil {
		return nil, err
	}
	if err := validateSafetensorsLayout(infos, uint64(len(buf))); err != nil {
		return nil, err
	}
	out := &SafetensorsFile{Tensors: make([]SafetensorsTensor, len(infos)), Metadata: meta}
	for i, in := range infos {
		out.Tensors[i] = SafetensorsTensor{Name: in.name, DType: in.dtype, Tensor: decodeSafetensors(in, buf[in.begin:in.end])}
	}
	return out, nil
}

// parseSafetensorsHeader reads the JSON header token by token, keeping the
// keys' order and rejecting duplicates.
func parseSafetensorsHeader(header []byte) ([]stInfo, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("header is not a JSON object: %v", jsonErr(err, tok))
	}
	var infos []stInfo
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("invalid JSON header: %w", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("invalid JSON header: key %v is not a string", tok)
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("header names %q twice", name)
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("invalid JSON header at %q: %w", name, err)
		}
		if name == "__metadata__" {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ is not an object of strings: %w", err)
			}
			continue
		}
		in, err := parseSafetensorsInfo(name, raw)
		if err != nil {
			return nil, nil, err
		}
		infos = append(infos, in)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, nil, fmt.Errorf("invalid JSON header: %v", jsonErr(err, tok))
	}
	// Only padding may follow the object.
	if len(bytes.TrimLeft(header[dec.InputOffset():], " \t\r\n")) != 0 {
		return nil, nil, errors.New("invalid JSON header: data after the closing brace")
	}
	if meta == nil {
		meta = map[string]string{}
	}
	return infos, meta, nil
}

func jsonErr(err error, tok json.Token) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("unexpected %v", tok)
}

func parseSafetensorsInfo(name string, raw json.RawMessage) (stInfo, error) {
	var h struct {
		DType       *string           `json:"dtype"`
		Shape       []json.RawMessage `json:"shape"`
		DataOffsets []json.RawMessage `json:"data_offsets"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return stInfo{}, fmt.Errorf("tensor %q: invalid entry: %w", name, err)
	}
	switch {
	case h.DType == nil:
		return stInfo{}, fmt.Errorf("tensor %q: no dtype", name)
	case h.Shape == nil:
		return stInfo{}, fmt.Errorf("tensor %q: no shape", name)
	case len(h.DataOffsets) != 2:
		return stInfo{}, fmt.Errorf("tensor %q: data_offsets must be [begin, end], got %d numbers", name, len(h.DataOffsets))
	}
	in := stInfo{name: name, dtype: *h.DType, shape: make([]int, len(h.Shape))}
	if _, ok := safetensorsDTypes[in.dtype]; !ok {
		if safetensorsUnsupported[in.dtype] {
			return stInfo{}, fmt.Errorf("tensor %q: dtype %s is not supported", name, in.dtype)
		}
		return stInfo{}, fmt.Errorf("tensor %q: unknown dtype %q", name, in.dtype)
	}
	for i, d := range h.Shape {
		v, err := parseUint(d)
		if err != nil || v > math.MaxInt32 {
			return stInfo{}, fmt.Errorf("tensor %q: dimension %d of shape is %s, not a size", name, i, d)
		}
		in.shape[i] = int(v)
	}
	var err error
	if in.begin, err = parseUint(h.DataOffsets[0]); err != nil {
		return stInfo{}, fmt.Errorf("tensor %q: data offset %s is not a byte position", name, h.DataOffsets[0])
	}
	if in.end, err = parseUint(h.DataOffsets[1]); err != nil {
		return stInfo{}, fmt.Errorf("tensor %q: data offset %s is not a byte position", name, h.DataOffsets[1])
	}
	return in, nil
}

// parseUint accepts only non-negative JSON integers written as digits.
func parseUint(raw json.RawMessage) (uint64, error) {
	s := string(raw)
	if s == "" {
		return 0, errors.New("empty number")
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' || v > (math.MaxUint64-9)/10 {
			return 0, fmt.Errorf("%q is not a non-negative integer", s)
		}
		v = v*10 + uint64(c-'0')
	}
	return v, nil
}

// validateSafetensorsLayout checks that the tensors tile the buffer of
// length size exactly and that each one's length matches its shape.
func validateSafetensorsLayout(infos []stInfo, size uint64) error {
	order := make([]int, len(infos))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ia, ib := infos[order[a]], infos[order[b]]
		if ia.begin != ib.begin {
			return ia.begin < ib.begin
		}
		return ia.end < ib.end
	})
	var pos uint64
	prev := ""
	for _, i := range order {
		in := infos[i]
		if in.end < in.begin {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] end before they begin", in.name, in.begin, in.end)
		}
		if in.end > size {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] run past the %d-byte data buffer (file truncated?)", in.name, in.begin, in.end, size)
		}
		if in.begin < pos {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q, which ends at %d", in.name, in.begin, in.end, prev, pos)
		}
		if in.begin > pos {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] leave a gap after byte %d", in.name, in.begin, in.end, pos)
		}
		elems := uint64(1)
		for _, d := range in.shape {
			if d != 0 && elems > math.MaxInt32/uint64(d) {
				return fmt.Errorf("tensor %q: shape %v is too large", in.name, in.shape)
			}
			elems *= uint64(d)
		}
		if want := elems * uint64(safetensorsDTypes[in.dtype]); in.end-in.begin != want {
			return fmt.Errorf("tensor %q: %d bytes of data for %s shape %v, which needs %d", in.name, in.end-in.begin, in.dtype, in.shape, want)
		}
		pos, prev = in.end, in.name
	}
	if pos != size {
		return fmt.Errorf("data buffer has %d bytes but the tensors cover %d (trailing bytes or a missing tensor)", size, pos)
	}
	return nil
}

// decodeSafetensors converts one validated tensor's bytes to float32.
func decodeSafetensors(in stInfo, b []byte) *tensor.Tensor {
	t := tensor.Zeros(in.shape...)
	d := t.Data()
	le := binary.LittleEndian
	switch in.dtype {
	case "F32":
		for i := range d {
			d[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
	case "F64":
		for i := range d {
			d[i] = float32(math.Float64frombits(le.Uint64(b[8*i:])))
		}
	case "F16":
		for i := range d {
			d[i] = halfToFloat32(le.Uint16(b[2*i:]))
		}
	case "BF16":
		for i := range d {
			d[i] = math.Float32frombits(uint32(le.Uint16(b[2*i:])) << 16)
		}
	case "I64":
		for i := range d {
			d[i] = float32(int64(le.Uint64(b[8*i:])))
		}
	case "I32":
		for i := range d {
			d[i] = float32(int32(le.Uint32(b[4*i:])))
		}
	case "I16":
		for i := range d {
			d[i] = float32(int16(le.Uint16(b[2*i:])))
		}
	case "I8":
		for i := range d {
			d[i] = float32(int8(b[i]))
		}
	case "U8":
		for i := range d {
			d[i] = float32(b[i])
		}
	case "BOOL":
		for i := range d {
			if b[i] != 0 {
				d[i] = 1
			}
		}
	}
	return t
}

// halfToFloat32 converts an IEEE 754 binary16 number (subnormals,
// infinities and NaNs included).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // ±0
		return math.Float32frombits(sign)
	default: // subnormal: frac·2⁻²⁴
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
}

// SaveSafetensors writes entries to path as a safetensors file: float
// entries as F32, integer buffers (Int) as I64. The header lists the
// entries in the given order; the data puts the 8-byte I64 values first so
// that every tensor is aligned to its element size, as the reference
// writer does. metadata (may be nil) goes to "__metadata__".
//
// The write is atomic: the bytes go to a temporary file in the same
// directory, which is synced, renamed over path, and the directory synced,
// so a crash leaves either the old file or the new one.
func SaveSafetensors(path string, entries []StateEntry, metadata map[string]string) error {
	b, err := EncodeSafetensors(entries, metadata)
	if err != nil {
		return fmt.Errorf("safetensors file %s: %w", path, err)
	}
	if err := WriteFileAtomic(path, b); err != nil {
		return fmt.Errorf("safetensors file %s: %w", path, err)
	}
	return nil
}

// EncodeSafetensors returns the bytes SaveSafetensors writes.
func EncodeSafetensors(entries []StateEntry, metadata map[string]string) ([]byte, error) {
	seen := map[string]bool{}
	for _, e := range entries {
		switch {
		case e.Tensor == nil:
			return nil, fmt.Errorf("entry %q has no tensor", e.Name)
		case e.Tensor.OnDevice():
			return nil, fmt.Errorf("entry %q is on %s: copy the state to the host first (nn.HostCopy, or nn.ToDevice(m, tensor.Host))", e.Name, e.Tensor.Device())
		case e.Name == "__metadata__":
			return nil, errors.New(`"__metadata__" cannot name a tensor`)
		case seen[e.Name]:
			return nil, fmt.Errorf("entry %q appears twice", e.Name)
		}
		seen[e.Name] = true
	}
	// Data layout: I64 entries first, then F32, each in the given order.
	begin := make([]uint64, len(entries))
	var off uint64
	for pass := 0; pass < 2; pass++ {
		for i, e := range entries {
			if e.Int == (pass == 0) {
				begin[i] = off
				off += uint64(e.Tensor.Len()) * stSize(e)
			}
		}
	}
	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, metadata[k])
		}
		h.WriteByte('}')
	}
	for i, e := range entries {
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		writeJSONString(&h, e.Name)
		dtype := "F32"
		if e.Int {
			dtype = "I64"
		}
		fmt.Fprintf(&h, `:{"dtype":"%s","shape":[`, dtype)
		for j, d := range e.Tensor.Shape() {
			if j > 0 {
				h.WriteByte(',')
			}
			fmt.Fprintf(&h, "%d", d)
		}
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, begin[i], begin[i]+uint64(e.Tensor.Len())*stSize(e))
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	out := make([]byte, 8, 8+uint64(h.Len())+off)
	binary.LittleEndian.PutUint64(out, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	out = out[:8+uint64(h.Len())+off]
	data := out[8+h.Len():]
	for i, e := range entries {
		b := data[begin[i]:]
		for j, v := range e.Tensor.Data() {
			if e.Int {
				binary.LittleEndian.PutUint64(b[8*j:], uint64(toInt64(v)))
			} else {
				binary.LittleEndian.PutUint32(b[4*j:], math.Float32bits(v))
			}
		}
	}
	return out, nil
}

// toInt64 rounds v to the nearest integer, saturating at the int64 range
// (NaN becomes 0).
func toInt64(v float32) int64 {
	f := math.Round(float64(v))
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func stSize(e StateEntry) uint64 {
	if e.Int {
		return 8
	}
	return 4
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// WriteFileAtomic writes data to a temporary file next to path, syncs it,
// renames it over path and syncs the directory: readers see the old file or
// the new one, never a partial one, and a crash loses nothing that was
// there before. The directory must exist.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			return fmt.Errorf("writing %s: %v", path, pe.Err)
		}
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		// The temporary file's name means nothing to the user.
		if le, ok := err.(*os.LinkError); ok {
			return fmt.Errorf("writing %s: %v", path, le.Err)
		}
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory,
// and some file systems report that they do not support it: neither is an
// error.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// SaveWeights writes m's state dict (parameters and buffers, PyTorch's
// names and order) to path as safetensors, atomically. The metadata says
// {"format": "pt"}, as PyTorch tools expect. A model on a device is copied
// to the host for the write (HostCopy).
func SaveWeights(path string, m Module) error {
	return SaveSafetensors(path, HostCopy(StateDict(m)), map[string]string{"format": "pt"})
}

// ShapeMismatch is a tensor whose shape in the file differs from the
// model's.
type ShapeMismatch struct {
	Name        string
	Model, File []int
}

// LoadReport says what a load did, by state-dict name.
type LoadReport struct {
	Loaded     []string        // copied into the model
	Missing    []string        // in the model, not in the file
	Unexpected []string        // in the file, not in the model
	Mismatched []ShapeMismatch // in both, with different shapes (not copied)
}

// Clean reports whether every tensor matched.
func (r LoadReport) Clean() bool {
	return len(r.Missing) == 0 && len(r.Unexpected) == 0 && len(r.Mismatched) == 0
}

// String summarises the problems ("" when clean), naming every tensor.
func (r LoadReport) String() string {
	var parts []string
	if len(r.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d missing from the file (%s)", len(r.Missing), strings.Join(r.Missing, ", ")))
	}
	if len(r.Unexpected) > 0 {
		parts = append(parts, fmt.Sprintf("%d not in the model (%s)", len(r.Unexpected), strings.Join(r.Unexpected, ", ")))
	}
	if len(r.Mismatched) > 0 {
		ms := make([]string, len(r.Mismatched))
		for i, m := range r.Mismatched {
			ms[i] = fmt.Sprintf("%s: model %v, file %v", m.Name, m.Model, m.File)
		}
		parts = append(parts, fmt.Sprintf("%d with the wrong shape (%s)", len(r.Mismatched), strings.Join(ms, "; ")))
	}
	return strings.Join(parts, "; ")
}

// LoadWeights copies the tensors of a weights file into m's parameters
// and buffers by state-dict name, so a PyTorch model's state dict loads
// into its Go twin. The file may be safetensors or a torch.save .pth zip
// archive, told apart by content (ReadWeightsFile). With strict, any
// missing, unexpected or mis-shaped tensor is an error and nothing is
// copied; otherwise the matching tensors are copied and the report lists
// the rest. A malformed file is always an error, and then nothing is
// copied either.
func LoadWeights(path string, m Module, strict bool) (LoadReport, error) {
	tensors, err := ReadWeightsFile(path)
	if err != nil {
		return LoadReport{}, err
	}
	names := make([]string, len(tensors))
	ts := make(map[string]*tensor.Tensor, len(tensors))
	for i, t := range tensors {
		names[i] = t.Name
		ts[t.Name] = t.Tensor
	}
	rep, err := loadState(m, names, ts, strict)
	if err != nil {
		return rep, fmt.Errorf("weights file %s: %w", path, err)
	}
	return rep, nil
}

// LoadStateDict copies tensors (by state-dict name) into m's parameters
// and buffers, as LoadState does, without the report: with strict, any
// missing, unexpected or mis-shaped tensor is an error naming them all, and
// nothing is copied.
func LoadStateDict(m Module, tensors map[string]*tensor.Tensor, strict bool) error {
	_, err := LoadState(m, tensors, strict)
	return err
}

// LoadState is LoadWeights from tensors already in memory (torch's
// load_state_dict): it reports loaded, missing, unexpected and mis-shaped
// tensors by name.
func LoadState(m Module, tensors map[string]*tensor.Tensor, strict bool) (LoadReport, error) {
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	return loadState(m, names, tensors, strict)
}

// loadState checks every entry first and copies only when allowed; names
// fixes the order of the unexpected ones in the report.
func loadState(m Module, names []string, tensors map[string]*tensor.Tensor, strict bool) (LoadReport, error) {
	var rep LoadReport
	state := StateDict(m)
	inModel := make(map[string]bool, len(state))
	var copies []StateEntry
	for _, e := range state {
		inModel[e.Name] = true
		t, ok := tensors[e.Name]
		switch {
		case !ok:
			rep.Missing = append(rep.Missing, e.Name)
		case !tensor.SameShape(t.Shape(), e.Tensor.Shape()):
			rep.Mismatched = append(rep.Mismatched, ShapeMismatch{Name: e.Name, Model: append([]int{}, e.Tensor.Shape()...), File: append([]int{}, t.Shape()...)})
		default:
			copies = append(copies, e)
		}
	}
	for _, n := range names {
		if !inModel[n] {
			rep.Unexpected = append(rep.Unexpected, n)
		}
	}
	if strict && !rep.Clean() {
		return rep, errors.New(rep.String())
	}
	for _, e := range copies {
		// Uploaded when the model is on a device (To is a no-op otherwise).
		e.Tensor.CopyFrom(tensors[e.Name].To(e.Tensor.Device()))
		rep.Loaded = append(rep.Loaded, e.Name)
	}
	return rep, nil
}
