//go:build !amd64 || purego

package prefilter

// cpuKernels are the kernels this CPU runs: none without amd64 assembly.
var cpuKernels []kernel

// scan is never called: no Set is built with a kernel here.
func (t *teddy) scan(b []byte) (int, uint64) {
	panic("prefilter: no SIMD kernel on this platform")
}
