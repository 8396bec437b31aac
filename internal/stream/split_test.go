package stream

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// chunkedReader hands out data in reads of the sizes it is given, in turn.
type chunkedReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n = r.sizes[r.i%len(r.sizes)]
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// TestSplitterUnits checks the engine's units against the input, for many
// MaxLine values, buffer sizes and read sizes, with fill mode on and off:
// the units put together are the input; a lines unit is complete lines; a
// line is cut into long pieces only when it is longer than MaxLine, and
// then from its start to its end; the last line comes last; and no unit is
// larger than the buffer may grow (memory stays bounded).
func TestSplitterUnits(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 400; round++ {
		maxLine := []int{1, 2, 5, 16, 100, 1000}[rng.IntN(6)]
		size := []int{64, 100, 1000, 4096}[rng.IntN(4)]
		var in bytes.Buffer
		for i, n := 0, rng.IntN(80); i < n; i++ {
			l := rng.IntN(3 * maxLine)
			if rng.IntN(10) == 0 {
				l = rng.IntN(3 * size)
			}
			for j := 0; j < l; j++ {
				in.WriteByte("ab\rc\x00"[rng.IntN(5)])
			}
			in.WriteString([]string{"\n", "\r\n"}[rng.IntN(2)])
		}
		if rng.IntN(2) == 0 {
			in.WriteString("tail\r"[:rng.IntN(6)])
		}
		var sizes []int
		for i := rng.IntN(4); i > 0; i-- {
			sizes = append(sizes, 1+rng.IntN(2*size))
		}
		fill := rng.IntN(2) == 0
		name := fmt.Sprintf("round %d: maxLine %d, size %d, reads %v, fill %v", round, maxLine, size, sizes, fill)

		var got bytes.Buffer
		var kinds []unit
		inLong := false
		sp := &splitter{r: &chunkedReader{data: in.Bytes(), sizes: sizes}, maxLine: maxLine, size: size, fill: fill}
		sp.emit = func(u unit, b []byte) error {
			if len(b) > max(size, 2*(maxLine+2)) {
				t.Fatalf("%s: a unit of %d bytes", name, len(b))
			}
			switch u {
			case unitLines:
				if inLong || len(b) == 0 || b[len(b)-1] != '\n' {
					t.Fatalf("%s: lines unit %q (inside a long line: %v)", name, b, inLong)
				}
			case unitLast:
				if inLong || len(b) == 0 || bytes.IndexByte(b, '\n') >= 0 {
					t.Fatalf("%s: last unit %q", name, b)
				}
			case unitLongStart:
				// Begun once more than maxLine bytes of it are in.
				if inLong || len(b) <= maxLine || bytes.IndexByte(b, '\n') >= 0 {
					t.Fatalf("%s: a long line starts with %q", name, b)
				}
				inLong = true
			case unitLongMore:
				if !inLong || bytes.IndexByte(b, '\n') >= 0 {
					t.Fatalf("%s: long piece %q", name, b)
				}
			case unitLongEnd:
				if i := bytes.IndexByte(b, '\n'); !inLong || i >= 0 && i != len(b)-1 {
					t.Fatalf("%s: long end %q", name, b)
				}
				inLong = false
			}
			if len(kinds) > 0 && kinds[len(kinds)-1] == unitLast {
				t.Fatalf("%s: a unit after the last line", name)
			}
			kinds = append(kinds, u)
			got.Write(b)
			return nil
		}
		if err := sp.run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if inLong {
			t.Fatalf("%s: a long line without its end", name)
		}
		if !bytes.Equal(got.Bytes(), in.Bytes()) || sp.bytes != int64(in.Len()) {
			t.Fatalf("%s: units put together differ from the input (%d bytes counted)\n got %q\nwant %q", name, sp.bytes, got.Bytes(), in.Bytes())
		}
	}
}

// TestFindLong compares findLong with a plain walk over the lines.
func TestFindLong(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 3000; round++ {
		max := 1 + rng.IntN(20)
		var region bytes.Buffer
		for i, n := 0, 1+rng.IntN(12); i < n; i++ {
			region.Write(bytes.Repeat([]byte{'x'}, rng.IntN(2*max+3)))
			region.WriteString([]string{"\n", "\r\n", "\r\r\n"}[rng.IntN(3)])
		}
		b := region.Bytes()
		ws, we := -1, -1
		for s := 0; s < len(b); {
			e := s + bytes.IndexByte(b[s:], '\n') + 1
			if line, _ := split(b[s:e]); len(line) > max {
				ws, we = s, e
				break
			}
			s = e
		}
		if s, e := findLong(b, max); s != ws || e != we {
			t.Fatalf("findLong(%q, %d) = %d, %d; want %d, %d", b, max, s, e, ws, we)
		}
	}
}

// TestFillModeGathersChunks: from a source that never waits but hands out
// little per read (a decoder), fill mode still gathers units of about size
// bytes: one job per read would cost more than the matching in it.
func TestFillModeGathersChunks(t *testing.T) {
	t.Parallel()
	var in bytes.Buffer
	for in.Len() < 4<<20 {
		in.WriteString("a short line of log text\n")
	}
	const size = 1 << 20
	var units []int
	sp := &splitter{r: &chunkedReader{data: in.Bytes(), sizes: []int{16 << 10, 9000}}, maxLine: 1000, size: size, fill: true}
	sp.emit = func(u unit, b []byte) error {
		units = append(units, len(b))
		return nil
	}
	if err := sp.run(); err != nil {
		t.Fatal(err)
	}
	for i, n := range units[:len(units)-1] {
		if n < size*3/4-1000 {
			t.Fatalf("unit %d of %d is %d bytes, want about %d (units %v)", i, len(units), n, size, units)
		}
	}
}
