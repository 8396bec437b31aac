// Command decompress only decompresses FILE (gzip or zstd, told by its first
// bytes) with klauspost/compress, with the same decoder settings as errtag's
// input package, and discards the result: the floor for errtag on
// compressed input. It prints the decoded size to standard error.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: decompress FILE.gz|FILE.zst")
		os.Exit(2)
	}
	n, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "decompress:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "decoded %d bytes\n", n)
}

func run(name string) (int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(4)
	var r io.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		r = zr
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<30))
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		r = zr
	default:
		return 0, fmt.Errorf("%s: neither gzip nor zstd", name)
	}
	return io.Copy(io.Discard, r)
}
