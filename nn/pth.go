package nn

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// PyTorch's .pth files, as torch.save(model.state_dict(), f) writes them
// since PyTorch 1.6: a zip archive whose records sit under one top-level
// folder (named after the file, or "archive"):
//
//	<folder>/data.pkl     the state dict, pickled (protocol 2 by default);
//	                      each tensor is torch._utils._rebuild_tensor_v2
//	                      (storage, offset, size, stride, ...) and each
//	                      storage a persistent id ("storage", torch.FloatStorage,
//	                      key, location, element count)
//	<folder>/data/<key>   a storage's elements, raw, little-endian
//	<folder>/byteorder    "little" or "big" (newer PyTorch only)
//	<folder>/version      the archive format version
//
// The pickle is read by a minimal unpickler (pth_pickle.go) that accepts
// only what a state dict contains. Tensors may be views: any offset and
// strides within their storage, storages shared between tensors.

// maxPthPickle bounds data.pkl; a state dict's pickle is kilobytes.
const maxPthPickle = 64 << 20

// maxPthExpanded bounds the elements of views larger than their storage
// (stride 0, from expand()), summed over the file: without it a few bytes
// could ask for gigabytes.
const maxPthExpanded = 1 << 24

// PthFile is a state dict read from a .pth file.
type PthFile struct {
	// Tensors in the state dict's order; DType uses safetensors' names
	// ("F32", "I64", ...) and Tensor holds the values as float32.
	Tensors []SafetensorsTensor
	// ModuleVersions is the state dict's _metadata attribute: each
	// module's version by prefix ("" for the root), nil when absent.
	ModuleVersions map[string]int
}

// ReadPth reads a torch.save(state_dict) zip file. Errors name the file.
func ReadPth(path string) (*PthFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pth: %w", err)
	}
	f, err := ParsePth(data)
	if err != nil {
		return nil, fmt.Errorf("pth file %s: %w", path, err)
	}
	return f, nil
}

// ParsePth parses a .pth zip archive held in memory. Malformed input is
// an error, never a panic.
func ParsePth(data []byte) (*PthFile, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a readable zip archive (truncated?): %w", err)
	}
	records, folder, err := pthRecords(zr)
	if err != nil {
		return nil, err
	}
	if bo, ok := records[folder+"byteorder"]; ok {
		b, err := readRecord(bo, 16)
		if err != nil {
			return nil, err
		}
		if s := strings.TrimSpace(string(b)); s != "little" {
			return nil, fmt.Errorf("byte order %q: only little-endian archives are read", s)
		}
	}
	pkl, err := readRecord(records[folder+"data.pkl"], maxPthPickle)
	if err != nil {
		return nil, err
	}
	storages := map[string]*pyStorage{}
	persistent := func(pid pyTuple) (any, error) {
		return pthStorage(pid, storages, records, folder)
	}
	v, err := unpickle(pkl, persistent)
	if err != nil {
		return nil, fmt.Errorf("%sdata.pkl: %w", folder, err)
	}
	sd, ok := v.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("the pickle holds a %T, not a state dict (save model.state_dict())", v)
	}
	return pthStateDict(sd, records, folder)
}

// pthRecords indexes the archive by name and finds the folder holding
// data.pkl.
func pthRecords(zr *zip.Reader) (map[string]*zip.File, string, error) {
	records := make(map[string]*zip.File, len(zr.File))
	folder := ""
	for _, f := range zr.File {
		if _, dup := records[f.Name]; dup {
			return nil, "", fmt.Errorf("the archive holds %q twice", f.Name)
		}
		records[f.Name] = f
		dir, base, _ := strings.Cut(f.Name, "/")
		if base == "constants.pkl" {
			return nil, "", errors.New("a TorchScript archive (torch.jit.save), not a state dict; save model.state_dict() with torch.save")
		}
		if base == "data.pkl" {
			if folder != "" {
				return nil, "", errors.New("the archive holds more than one data.pkl")
			}
			folder = dir + "/"
		}
	}
	if folder == "" {
		return nil, "", errors.New("a zip archive without <folder>/data.pkl, so not a torch.save file")
	}
	return records, folder, nil
}

// readRecord reads a whole record, refusing more than limit bytes.
func readRecord(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("record %s: %d bytes, more than the %d expected", f.Name, f.UncompressedSize64, limit)
	}
	r, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", f.Name, err)
	}
	defer r.Close()
	// ReadAll grows with the bytes actually read, so a lying size in a
	// crafted archive cannot make it allocate more.
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("record %s: %w (truncated or corrupt archive)", f.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("record %s: more than the %d bytes expected", f.Name, limit)
	}
	return b, nil
}

// pthStorage resolves ("storage", torch.<Type>Storage, key, location,
// numel), reading each storage's record once.
func pthStorage(pid pyTuple, cache map[string]*pyStorage, records map[string]*zip.File, folder string) (any, error) {
	if len(pid) != 5 || pid[0] != "storage" {
		return nil, fmt.Errorf("persistent id %v is not a storage", pid)
	}
	g, ok1 := pid[1].(pyGlobal)
	key, ok2 := pid[2].(string)
	numel, ok3 := pid[4].(int64)
	if !ok1 || !ok2 || !ok3 || g.module != "torch" || numel < 0 {
		return nil, fmt.Errorf("malformed storage id %v", pid)
	}
	dtype := pthStorageTypes[g.name]
	if s, ok := cache[key]; ok {
		if s.dtype != dtype || s.numel != numel {
			return nil, fmt.Errorf("storage %q is named as both %s[%d] and %s[%d]", key, s.dtype, s.numel, dtype, numel)
		}
		return s, nil
	}
	if _, ok := records[folder+"data/"+key]; !ok {
		return nil, fmt.Errorf("storage %q has no record %sdata/%s", key, folder, key)
	}
	s := &pyStorage{dtype: dtype, key: key, numel: numel}
	cache[key] = s
	return s, nil
}

// pthStateDict converts the unpickled dict, reading each storage once.
func pthStateDict(sd *pyDict, records map[string]*zip.File, folder string) (*PthFile, error) {
	out := &PthFile{Tensors: make([]SafetensorsTensor, 0, len(sd.keys))}
	decoded := map[*pyStorage][]float32{}
	expanded := int64(0)
	for _, name := range sd.keys {
		pt, ok := sd.vals[name].(*pthTensor)
		if !ok {
			return nil, fmt.Errorf("entry %q is a %T, not a tensor (a checkpoint dict? save model.state_dict())", name, sd.vals[name])
		}
		src, ok := decoded[pt.storage]
		if !ok {
			var err error
			if src, err = readStorage(pt.storage, records[folder+"data/"+pt.storage.key]); err != nil {
				return nil, err
			}
			decoded[pt.storage] = src
		}
		t, err := pthView(pt, src, &expanded)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		out.Tensors = append(out.Tensors, SafetensorsTensor{Name: name, DType: pt.storage.dtype, Tensor: t})
	}
	if sd.attrs != nil {
		if md, ok := sd.attrs.vals["_metadata"]; ok {
			v, err := pthVersions(md)
			if err != nil {
				return nil, err
			}
			out.ModuleVersions = v
		}
	}
	return out, nil
}

// readStorage reads and converts one storage; its record must hold exactly
// numel elements.
func readStorage(s *pyStorage, f *zip.File) ([]float32, error) {
	size := int64(safetensorsDTypes[s.dtype])
	if s.numel > math.MaxInt32 {
		return nil, fmt.Errorf("storage %q: %d elements, more than a tensor holds", s.key, s.numel)
	}
	want := s.numel * size
	if f.UncompressedSize64 != uint64(want) {
		return nil, fmt.Errorf("storage %q: record holds %d bytes, %d %s elements need %d", s.key, f.UncompressedSize64, s.numel, s.dtype, want)
	}
	b, err := readRecord(f, want)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != want {
		return nil, fmt.Errorf("storage %q: read %d bytes, want %d (truncated?)", s.key, len(b), want)
	}
	return decodeSafetensors(stInfo{dtype: s.dtype, shape: []int{int(s.numel)}}, b).Data(), nil
}

// pthView gathers a strided view of a storage into a new tensor, checking
// that every element it reads lies inside the storage and charging views
// larger than their storage to *expanded.
func pthView(pt *pthTensor, src []float32, expanded *int64) (*tensor.Tensor, error) {
	if pt.offset < 0 {
		return nil, fmt.Errorf("storage offset %d is negative", pt.offset)
	}
	shape := make([]int, len(pt.size))
	numel, last := int64(1), pt.offset
	for i, d := range pt.size {
		if d < 0 || pt.stride[i] < 0 {
			return nil, fmt.Errorf("size %v or stride %v is negative", pt.size, pt.stride)
		}
		if d != 0 && numel > math.MaxInt32/d {
			return nil, fmt.Errorf("size %v is too large", pt.size)
		}
		numel *= d
		shape[i] = int(d)
	}
	if numel > 0 {
		for i, d := range pt.size {
			if pt.stride[i] > 0 && (d-1) > (math.MaxInt64-last)/pt.stride[i] {
				return nil, fmt.Errorf("stride %v overflows", pt.stride)
			}
			last += (d - 1) * pt.stride[i]
		}
		if last >= int64(len(src)) {
			return nil, fmt.Errorf("offset %d, size %v and stride %v reach element %d of a %d-element storage", pt.offset, pt.size, pt.stride, last, len(src))
		}
	}
	if numel > int64(len(src)) {
		if *expanded += numel; *expanded > maxPthExpanded {
			return nil, fmt.Errorf("a %d-element view of a %d-element storage; expanded views of more than %d elements in all are refused", numel, len(src), maxPthExpanded)
		}
	}
	t := tensor.Zeros(shape...)
	dst := t.Data()
	idx := make([]int64, len(shape))
	pos := pt.offset
	for i := range dst {
		dst[i] = src[pos]
		// Advance the row-major index, carrying into earlier dimensions.
		for k := len(idx) - 1; k >= 0; k-- {
			idx[k]++
			pos += pt.stride[k]
			if idx[k] < pt.size[k] {
				break
			}
			pos -= idx[k] * pt.stride[k]
			idx[k] = 0
		}
	}
	return t, nil
}

// pthVersions reads _metadata: {prefix: {"version": n}, ...}.
func pthVersions(md any) (map[string]int, error) {
	d, ok := md.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("_metadata is a %T, not a dict", md)
	}
	out := make(map[string]int, len(d.keys))
	for _, k := range d.keys {
		m, ok := d.vals[k].(*pyDict)
		if !ok {
			return nil, fmt.Errorf("_metadata[%q] is a %T, not a dict", k, d.vals[k])
		}
		if v, ok := m.vals["version"].(int64); ok {
			out[k] = int(v)
		}
	}
	return out, nil
}
