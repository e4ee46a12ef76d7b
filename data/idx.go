package data

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// IDX is the format of MNIST and Fashion-MNIST: a 4-byte magic
// (0, 0, element type, number of dimensions), one big-endian uint32 per
// dimension, then the elements in row-major order. Only unsigned-byte
// elements (type 0x08) occur in these data sets, so only they are read.

const (
	idxUbyte      = 0x08
	idxImageMagic = 0x00000803 // ubyte, 3 dims: N×H×W
	idxLabelMagic = 0x00000801 // ubyte, 1 dim: N
	// maxIDXBytes bounds the element count a header may declare, so a
	// corrupted header is reported instead of overflowing int.
	maxIDXBytes = 1 << 36
)

// IDX is a parsed IDX array of unsigned bytes.
type IDX struct {
	Dims []int
	Data []byte
}

// openMaybeGzip wraps r in a gzip reader when it starts with the gzip magic
// (1f 8b), so callers accept .gz and raw files alike whatever their names.
func openMaybeGzip(r io.Reader, name string) (io.Reader, func() error, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &FormatError{name, "bad gzip header: " + err.Error()}
		}
		return zr, zr.Close, nil
	}
	return br, func() error { return nil }, nil
}

// ParseIDX reads one IDX array (gzip-compressed or raw) from r; name is used
// in error messages. It checks the header against the data length exactly:
// short data is "truncated", extra bytes are "trailing".
func ParseIDX(r io.Reader, name string) (*IDX, error) {
	r, closeFn, err := openMaybeGzip(r, name)
	if err != nil {
		return nil, err
	}
	defer closeFn()

	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, readErr(name, "truncated: no 4-byte IDX magic", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, &FormatError{name, fmt.Sprintf("bad magic 0x%08x: not an IDX file (first two bytes must be zero)", binary.BigEndian.Uint32(hdr[:]))}
	}
	if hdr[2] != idxUbyte {
		return nil, &FormatError{name, fmt.Sprintf("unsupported IDX element type 0x%02x (only unsigned bytes, 0x08, are supported)", hdr[2])}
	}
	ndim := int(hdr[3])
	if ndim == 0 {
		return nil, &FormatError{name, "bad dims: IDX header declares 0 dimensions"}
	}
	dimBytes := make([]byte, 4*ndim)
	if _, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, readErr(name, fmt.Sprintf("truncated: header declares %d dimensions but ends early", ndim), err)
	}
	dims := make([]int, ndim)
	total := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(dimBytes[4*i:])
		if d == 0 {
			return nil, &FormatError{name, "bad dims: dimension of size 0 in " + fmtDims(dimsSoFar(dimBytes, ndim))}
		}
		dims[i] = int(d)
		if total > maxIDXBytes/dims[i] {
			return nil, &FormatError{name, "bad dims: " + fmtDims(dimsSoFar(dimBytes, ndim)) + " is too large"}
		}
		total *= dims[i]
	}
	// ReadAll on a LimitReader grows as data arrives, so a lying header
	// cannot make us allocate more than the file really holds.
	buf, err := io.ReadAll(io.LimitReader(r, int64(total)))
	if len(buf) < total && (err == nil || errors.Is(err, io.ErrUnexpectedEOF)) {
		return nil, &FormatError{name, fmt.Sprintf("truncated: header declares %s = %d bytes of data, file has %d", fmtDims(dims), total, len(buf))}
	}
	if err != nil {
		return nil, readErr(name, "read error", err)
	}
	// Reading past the end also makes gzip verify its checksum.
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, readErr(name, "read error after data", err)
	}
	if extra > 0 {
		return nil, &FormatError{name, fmt.Sprintf("%d trailing bytes after the %s data declared by the header", extra, fmtDims(dims))}
	}
	return &IDX{Dims: dims, Data: buf}, nil
}

// readErr turns an I/O error while parsing into a FormatError when it means
// the data ended early or gzip is corrupt, and wraps it otherwise.
func readErr(name, what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FormatError{name, what}
	}
	var corrupt flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt) {
		return &FormatError{name, "corrupt gzip data: " + err.Error()}
	}
	return fmt.Errorf("data: %s: %s: %w", name, what, err)
}

func dimsSoFar(b []byte, n int) []int {
	d := make([]int, n)
	for i := range d {
		d[i] = int(binary.BigEndian.Uint32(b[4*i:]))
	}
	return d
}

func fmtDims(d []int) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "×")
}

// ParseIDXImages reads an IDX image array (magic 0x00000803, N×H×W bytes)
// as a one-channel Dataset without labels, keeping the bytes as Pixels.
func ParseIDXImages(r io.Reader, name string) (*Dataset, error) {
	a, err := ParseIDX(r, name)
	if err != nil {
		return nil, err
	}
	if len(a.Dims) != 3 {
		return nil, &FormatError{name, fmt.Sprintf("bad magic 0x%08x: IDX images need magic 0x%08x (3 dims N×H×W), this file has %d dims %s", 0x800+len(a.Dims), idxImageMagic, len(a.Dims), fmtDims(a.Dims))}
	}
	return &Dataset{Name: name, Pixels: a.Data, N: a.Dims[0], C: 1, H: a.Dims[1], W: a.Dims[2]}, nil
}

// ParseIDXLabels reads an IDX label array (magic 0x00000801, N bytes).
func ParseIDXLabels(r io.Reader, name string) ([]int, error) {
	a, err := ParseIDX(r, name)
	if err != nil {
		return nil, err
	}
	if len(a.Dims) != 1 {
		return nil, &FormatError{name, fmt.Sprintf("bad magic 0x%08x: IDX labels need magic 0x%08x (1 dim), this file has %d dims %s", 0x800+len(a.Dims), idxLabelMagic, len(a.Dims), fmtDims(a.Dims))}
	}
	labels := make([]int, len(a.Data))
	for i, b := range a.Data {
		labels[i] = int(b)
	}
	return labels, nil
}

// ReadIDXImages reads an IDX image file, gzip-compressed or raw.
func ReadIDXImages(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ParseIDXImages(f, path)
}

// ReadIDXLabels reads an IDX label file, gzip-compressed or raw.
func ReadIDXLabels(path string) ([]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ParseIDXLabels(f, path)
}

// ReadIDXPair loads an images file and a labels file into one Dataset and
// checks that they agree and that labels are below len(classes) when given.
func ReadIDXPair(name, imagesPath, labelsPath string, classes []string) (*Dataset, error) {
	ds, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != ds.N {
		return nil, &FormatError{imagesPath + " and " + labelsPath, fmt.Sprintf("count mismatch: %d images but %d labels", ds.N, len(labels))}
	}
	for i, l := range labels {
		if len(classes) > 0 && l >= len(classes) {
			return nil, &FormatError{labelsPath, fmt.Sprintf("label %d of sample %d is outside [0,%d)", l, i, len(classes))}
		}
	}
	ds.Name, ds.Labels, ds.Classes = name, labels, classes
	return ds, ds.Validate()
}
