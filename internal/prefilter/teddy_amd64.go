//go:build amd64 && !purego

package prefilter

import "golang.org/x/sys/cpu"

// The kernels, in teddy_amd64.s. Each scans p[:n] (n >= minKernelLen) in
// steps of 64 positions, a step reading 67 bytes, and returns the offset of
// the first step with a candidate and its candidates (bit j: position
// off+j), or, if there is none, the offset where it stopped (fewer than
// minKernelLen bytes left) and 0.

//go:noescape
func teddySlimAVX2(m *nibbleMasks, p *byte, n int) (off int, cand uint64)

//go:noescape
func teddyFatAVX2(m *nibbleMasks, p *byte, n int) (off int, cand uint64)

// The AVX2 kernels for tables that accept no byte >= 0x80 (t.ascii), which
// need one instruction less per window byte.

//go:noescape
func teddySlimAVX2ASCII(m *nibbleMasks, p *byte, n int) (off int, cand uint64)

//go:noescape
func teddyFatAVX2ASCII(m *nibbleMasks, p *byte, n int) (off int, cand uint64)

//go:noescape
func teddySlimVBMI(m *byteMasks, p *byte, n int) (off int, cand uint64)

//go:noescape
func teddyFatVBMI(m *byteMasks, p *byte, n int) (off int, cand uint64)

// cpuKernels are the kernels this CPU runs, best first.
var cpuKernels = func() []kernel {
	var ks []kernel
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI {
		ks = append(ks, kernelVBMI)
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, kernelAVX2)
	}
	return ks
}()

// scan runs t's kernel over b (len(b) >= minKernelLen).
func (t *teddy) scan(b []byte) (int, uint64) {
	switch {
	case t.kernel == kernelVBMI && t.buckets == 8:
		return teddySlimVBMI(t.byt, &b[0], len(b))
	case t.kernel == kernelVBMI:
		return teddyFatVBMI(t.byt, &b[0], len(b))
	case t.buckets == 8 && t.ascii:
		return teddySlimAVX2ASCII(t.nib, &b[0], len(b))
	case t.buckets == 8:
		return teddySlimAVX2(t.nib, &b[0], len(b))
	case t.ascii:
		return teddyFatAVX2ASCII(t.nib, &b[0], len(b))
	default:
		return teddyFatAVX2(t.nib, &b[0], len(b))
	}
}
