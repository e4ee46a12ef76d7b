package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
)

// stateFingerprint is the first 16 hex digits of a SHA-256 over m's state
// dict (names, shapes, values): the identity of the weights a stage
// started from. It hashes the values, not the file, so rewriting the same
// weights (a finished run resumed) keeps the identity.
func stateFingerprint(m nn.Module) string {
	h := sha256.New()
	var buf []byte
	for _, e := range nn.StateDict(m) {
		buf = append(buf[:0], e.Name...)
		buf = append(buf, 0)
		for _, d := range e.Tensor.Shape() {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
		}
		for _, v := range e.Tensor.Data() {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// trainedWith returns the provenance that train recorded in a safetensors
// weights file's metadata, or nil when there is none (a .pth file, weights
// from elsewhere). Only the header is read.
func trainedWith(path string) (*train.Provenance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	var size [8]byte
	if _, err := io.ReadFull(f, size[:]); err != nil {
		return nil, nil // too short for safetensors: LoadWeights will say what it is
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n > 100<<20 {
		return nil, nil
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(f, header); err != nil {
		return nil, nil
	}
	var h struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if json.Unmarshal(header, &h) != nil || h.Meta["provenance"] == "" {
		return nil, nil
	}
	var p train.Provenance
	if err := json.Unmarshal([]byte(h.Meta["provenance"]), &p); err != nil {
		return nil, fmt.Errorf("%s: bad provenance in its metadata: %v", path, err)
	}
	return &p, nil
}

// formatFloats writes values so that parseFloats reads them back exactly.
func formatFloats(xs []float32) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(float64(x), 'g', -1, 32)
	}
	return strings.Join(parts, ",")
}
