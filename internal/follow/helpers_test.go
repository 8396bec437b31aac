package follow

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// deadline is how long a test waits for something that should happen at
// once: generous, so that a loaded machine does not fail a test.
const deadline = 10 * time.Second

// collector receives everything a Follower delivers.
type collector struct {
	fl     *Follower
	mu     sync.Mutex
	data   map[string]*strings.Builder
	chunks []Chunk
	closed chan struct{}
}

// start begins following cfg and collecting; the follower is closed at the
// end of the test.
func start(t *testing.T, cfg Config) *collector {
	t.Helper()
	fl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{fl: fl, data: map[string]*strings.Builder{}, closed: make(chan struct{})}
	go func() {
		defer close(c.closed)
		for ch := range fl.Chunks() {
			c.mu.Lock()
			c.chunks = append(c.chunks, ch)
			if len(ch.Data) > 0 {
				b := c.data[ch.Source]
				if b == nil {
					b = &strings.Builder{}
					c.data[ch.Source] = b
				}
				b.Write(ch.Data)
			}
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() { fl.Close(); <-c.closed })
	return c
}

// stepper drives a follower that looks at its files only when told to,
// so that a test can change files "behind its back" and then let it look.
type stepper struct {
	fl     *Follower
	poke   chan struct{}
	parked chan struct{}
}

func startManual(t *testing.T, cfg Config) *stepper {
	t.Helper()
	return startManualHook(t, cfg, nil)
}

// startManualHook is startManual with Follower.atEOF set to hook.
func startManualHook(t *testing.T, cfg Config, hook func(string)) *stepper {
	t.Helper()
	s := &stepper{poke: make(chan struct{}), parked: make(chan struct{})}
	cfg.manual, cfg.parked, cfg.atEOF = s.poke, s.parked, hook
	fl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.fl = fl
	t.Cleanup(fl.Close)
	return s
}

// settle lets the follower look until it is idle and returns what it
// delivered. A poke is taken only when the follower waits, so once the
// second is taken everything the first led to was sent; the follower is
// then parked: once that is taken, the turn the second poke started is
// over too, and the follower does not look again until the next settle
// (what the test changes meanwhile happens behind its back).
func (s *stepper) settle(t *testing.T) []Chunk {
	t.Helper()
	var got []Chunk
	timeout := time.After(deadline)
	for pokes := 0; pokes < 3; {
		poke := s.poke
		if pokes == 2 {
			poke = s.parked
		}
		select {
		case poke <- struct{}{}:
			pokes++
		case c := <-s.fl.Chunks():
			got = append(got, c)
		case <-timeout:
			t.Fatal("follower did not become idle")
		}
	}
	for {
		select {
		case c := <-s.fl.Chunks():
			got = append(got, c)
		default:
			return got
		}
	}
}

// text joins the data of chunks (of any source).
func text(chunks []Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		b.Write(c.Data)
	}
	return b.String()
}

// notesOf lists the notes among chunks, in order.
func notesOf(chunks []Chunk) []Note {
	var n []Note
	for _, c := range chunks {
		if c.Note != NoNote {
			n = append(n, c.Note)
		}
	}
	return n
}

func (c *collector) text(source string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.data[source]; b != nil {
		return b.String()
	}
	return ""
}

func (c *collector) all() []Chunk {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Chunk(nil), c.chunks...)
}

func (c *collector) notes(source string) []Note {
	var n []Note
	for _, ch := range c.all() {
		if ch.Source == source && ch.Note != NoNote {
			n = append(n, ch.Note)
		}
	}
	return n
}

func (c *collector) errs() []error {
	var e []error
	for _, ch := range c.all() {
		if ch.Err != nil {
			e = append(e, ch.Err)
		}
	}
	return e
}

// waitText waits until source's text is want, and fails if it becomes
// something else that is not a prefix of want, or the deadline passes.
func (c *collector) waitText(t *testing.T, source, want string) {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		got := c.text(source)
		if got == want {
			return
		}
		if !strings.HasPrefix(want, got) {
			t.Fatalf("%s: got %q, want %q", source, got, want)
		}
		if time.Now().After(end) {
			t.Fatalf("%s: after %v got %q, want %q", source, deadline, got, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func rename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}
