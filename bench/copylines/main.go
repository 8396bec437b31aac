// Command copylines is the throughput ceiling for a line filter: it copies
// its input (FILE or standard input) to standard output line by line through
// a bufio.Reader and a bufio.Writer, and does nothing else.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 && os.Args[1] != "-" {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "copylines:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	r := bufio.NewReaderSize(in, 256<<10)
	w := bufio.NewWriterSize(os.Stdout, 256<<10)
	for {
		// ReadSlice returns one line (or a buffer-full piece of a longer
		// one) without copying it.
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			if _, werr := w.Write(line); werr != nil {
				fmt.Fprintln(os.Stderr, "copylines:", werr)
				os.Exit(1)
			}
		}
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "copylines:", err)
				os.Exit(1)
			}
			break
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "copylines:", err)
		os.Exit(1)
	}
}
