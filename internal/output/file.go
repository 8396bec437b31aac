package output

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/errtag/errtag/internal/input"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// File is an output file, compressed or not. Close finishes the compressed
// stream and the file.
type File struct {
	io.Writer
	closers []func() error
}

// Close flushes and closes, reporting the first failure.
func (f *File) Close() error {
	var errs []error
	for i := len(f.closers) - 1; i >= 0; i-- {
		errs = append(errs, f.closers[i]())
	}
	return errors.Join(errs...)
}

// Create creates name and wraps it in an encoder for c.
func Create(name string, c input.Compression) (*File, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return Wrap(f, c)
}

// Wrap wraps f in an encoder for c; Close finishes the encoder, then closes
// f.
func Wrap(f *os.File, c input.Compression) (*File, error) {
	out := &File{Writer: f, closers: []func() error{f.Close}}
	switch c {
	case input.Gzip:
		zw := gzip.NewWriter(f)
		out.Writer = zw
		out.closers = append(out.closers, zw.Close)
	case input.Zstd:
		zw, err := zstd.NewWriter(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("zstd: %w", err)
		}
		out.Writer = zw
		out.closers = append(out.closers, zw.Close)
	}
	return out, nil
}
