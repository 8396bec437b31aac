package compress

import (
	"errors"
	"io"
	"os"
)

// File is an output file, compressed or not.
type File struct {
	w       io.Writer
	closers []func() error
}

// Write writes (compressed) to the file.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// Close ends the compressed stream, then closes the file, and reports the
// first failure.
func (f *File) Close() error {
	var errs []error
	for i := len(f.closers) - 1; i >= 0; i-- {
		errs = append(errs, f.closers[i]())
	}
	return errors.Join(errs...)
}

// Create creates name and wraps it in an encoder for c.
func Create(name string, c Compression) (*File, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return Wrap(f, c)
}

// Wrap wraps f in an encoder for c; Close ends the encoder, then closes f.
func Wrap(f *os.File, c Compression) (*File, error) {
	out := &File{w: f, closers: []func() error{f.Close}}
	if c != None {
		zw, err := NewWriter(f, c)
		if err != nil {
			f.Close()
			return nil, err
		}
		out.w = zw
		out.closers = append(out.closers, zw.Close)
	}
	return out, nil
}
