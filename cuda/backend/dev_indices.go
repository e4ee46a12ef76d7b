package backend

import (
	"slices"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// What the index ops (dev_gather.go, dev_index_select.go) share: their
// host indices' upload and launch, and the gather form of an indexed
// addition.

// indexCache keeps the device copies of host index lists until the
// tensor.Scope around them closes (ScopeClosed), so that a step's labels,
// which every gather and scatter of its loss and of the doctor's
// gradients reads, cross once. A list is reused only when its values are
// still those uploaded — compared in full, so a caller refilling its
// slice never reads stale indices — and at most indexCacheSize lists are
// kept outside a scope.
type indexCache struct {
	entries []indexEntry // oldest first
}

type indexEntry struct {
	host []int // a copy of the values uploaded
	dev  ptx.Ptr
}

const indexCacheSize = 8

// indices returns a device buffer holding data as u32 words, uploading
// (and counting) it unless an identical list is cached; the cache owns it.
func (s *Device) indices(data []int) ptx.Ptr {
	for _, e := range s.idx.entries {
		if slices.Equal(e.host, data) {
			return e.dev
		}
	}
	w := make([]uint32, len(data))
	for i, v := range data {
		w[i] = uint32(v)
	}
	tensor.NoteUpload(len(w))
	p := s.m.AllocU32(w)
	if len(s.idx.entries) == indexCacheSize {
		s.m.Free(s.idx.entries[0].dev)
		s.idx.entries = s.idx.entries[1:]
	}
	s.idx.entries = append(s.idx.entries, indexEntry{host: slices.Clone(data), dev: p})
	return p
}

// ScopeClosed implements tensor.ScopeCloser: the step that used the
// cached indices is over.
func (s *Device) ScopeClosed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.idx.entries {
		s.m.Free(e.dev)
	}
	s.idx.entries = nil
}

// runIndexed runs k over total threads with params (ptrs…, idx, n, inner,
// xn, total), the host indices on the device (see indices).
func (s *Device) runIndexed(op string, k *ptx.Kernel, indices []int, n, inner, xn, total int, ptrs ...ptx.Ptr) {
	idx := s.indices(indices)
	args := make([]any, 0, len(ptrs)+5)
	for _, p := range ptrs {
		args = append(args, p)
	}
	args = append(args, idx, uint32(n), uint32(inner), uint32(xn), uint32(total))
	grid, block := launch3(total, 1, 1)
	s.be.run(op, k, s.m, grid, block, args...)
}

// buildIndexAdd builds an indexed addition as a gather: params (out, base,
// src, idx, n, inner, xn, total), total = base's length, one thread an
// output position (o, s, k) starting from base's value and adding
// src[(o·n + j)·inner + k] for each j, ascending, whose index is s — read
// at idx[(o·n + j)·inner + k] (perElement, ScatterAdd) or at idx[j]
// (IndexAdd). Those are the additions the host makes into that position,
// in its order, so the result is the host's bit for bit without atomics
// (n steps an output).
func buildIndexAdd(name string, perElement bool) *ptx.Kernel {
	b := ptx.New(name)
	out, base, srcp, idx := b.ParamPtr("out"), b.ParamPtr("base"), b.ParamPtr("src"), b.ParamPtr("idx")
	n, inner, xn, total := b.ParamU32("n"), b.ParamU32("inner"), b.ParamU32("xn"), b.ParamU32("total")
	grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(q, _, _ ptx.U32) {
		kk := b.RemU32(q, inner)
		t := b.DivU32(q, inner) // o·xn + s
		s, o := b.RemU32(t, xn), b.DivU32(t, xn)
		acc := b.NewF32()
		b.LdGlobalF32To(acc, b.Index4(base, q), 0)
		p := b.NewU32() // (o·n + j)·inner + k
		b.MovU32To(p, b.MadU32(b.MulU32(o, n), inner, kk))
		loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(j ptx.U32) {
			at := j
			if perElement {
				at = p
			}
			b.If(b.SetpU32(ptx.EQ, b.LdGlobalU32(b.Index4(idx, at), 0), s), func() {
				b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(srcp, p), 0))
			})
			b.AddU32To(p, p, inner)
		})
		b.StGlobalF32(b.Index4(out, q), 0, acc)
	})
	return b.Build()
}
