package follow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// StateVersion is the version of the state file format this package
// writes. Version 1 files (without mtime_ns, btime_ns, in_line and done),
// version 2 files (without output), version 3 files (done instead of
// read), version 4 files (without mark_len and mark_sha256) and version 5
// files (without watched_ns) are read too.
const StateVersion = 6

// maxStateSize bounds the state file read: a state of tens of thousands of
// files is a few megabytes.
const maxStateSize = 64 << 20

// State is a --state file: for each followed file, the Position up to which
// its lines were written out. It is JSON, one file per line:
//
//	{"version": 6, "patterns": ["/var/log/containers/*.log"], "files": {
//	"/var/log/app.log": {"dev":2049,"ino":1835017,"btime_ns":1715670000123456789,"offset":52114,"head_len":1024,"head_sha256":"9f2c…","mark_len":64,"mark_sha256":"07d1…","mtime_ns":1715673600987654321,
//	 "read":[{"dev":2049,"ino":1835012,"btime_ns":1715583600123456789,"offset":48210,"head":"4be1…"}]}
//	}}
//
// Keys are absolute paths, so a run from another directory finds them.
// Output, when the caller writes to a file it can truncate, says which
// file and how long it was when the Positions saved with it were counted
// (see OutputMark).
// Patterns lists the patterns followed, so that a restart knows which new
// files appeared while it was stopped (Config.KnownPatterns).
// Entries of files not followed by the current run are kept; Forget drops
// the entry of a file that is gone for good.
//
// A state file that is a symbolic link is resolved: its target is locked
// and replaced, and the link stays a link, so two followers given two
// names of one state file are refused too.
//
// A State holds a lock on the state file (an flock on STATE.lock beside
// it, where the platform has one) from LoadState to Close: a second
// process given the same state file is refused, instead of the two
// overwriting each other's entries.
//
// Guarantees, given that the caller saves only Positions whose lines were
// written out (flushed) before the Save:
//   - Save replaces the file atomically: a temporary file in the same
//     directory is written, fsynced, renamed over the state file, and the
//     directory is fsynced. A crash leaves the old state or the new one,
//     never a mix.
//   - After a clean stop (the last Save follows the last write), a restart
//     with the same state file continues with the next line: none lost,
//     none repeated. See Position for how rotation and truncation while
//     stopped are recognised.
//   - After a crash, the state may be behind what was written (by at most
//     the caller's save interval): those lines are written again (at least
//     once, never lost, as long as the files still hold them).
type State struct {
	Version int                 `json:"version"`
	Files   map[string]Position `json:"files"`
	// Patterns are the patterns (absolute) the runs that kept this
	// state followed: see Config.KnownPatterns.
	Patterns []string `json:"patterns,omitempty"`
	// Output is where the output stood when Files were counted (nil if
	// the caller keeps none).
	Output *OutputMark `json:"output,omitempty"`
	// Watched is when the patterns have been watched from without a
	// gap, in nanoseconds since the epoch on the file system's clock:
	// the start of the last run that looked at every file (see
	// Follower.Watching; 0 for none). A file a known pattern matches that
	// has no entry in Files was created after it (Config.WatchedSince).
	Watched int64 `json:"watched_ns,omitempty"`
	path    string
	lock    *os.File
	saved   time.Time
}

// SavedAt is when the state file was last saved (its modification time
// when it was loaded; zero for a new state): what Config.StoppedAt wants.
func (s *State) SavedAt() time.Time { return s.saved }

// OutputMark is the output file that the lines counted in a State were
// written to, and its length once they were written (flushed and synced).
// Saved while running (Clean false), what lies beyond Size was written
// after the save, by the caller before a crash (its lines are written
// again) or by another program, so a restart truncates the file back to
// Size when it is still the same file (Dev and Ino, Path). Saved at a clean
// stop (Clean), Size is where the caller's last write ended: what lies
// beyond is another program's, and is kept.
type OutputMark struct {
	Path  string `json:"path"`
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	Size  int64  `json:"size"`
	Clean bool   `json:"clean,omitempty"`
}

// FileIdentity returns the device and inode number of the file fi
// describes (ok is false where the platform has none).
func FileIdentity(fi os.FileInfo) (dev, ino uint64, ok bool) {
	dev, ino, _, ok = statID(fi)
	return dev, ino, ok
}

// ErrStateLocked is wrapped by LoadState's error when another process holds
// the state file.
var ErrStateLocked = errors.New("in use by another process")

// LoadState locks and reads the state file at path (the target of path,
// when it is a symbolic link). A file that does not exist is an empty
// state (the first run). A file that is not a valid state is an error that
// says what is wrong, never a panic.
func LoadState(path string) (*State, error) {
	path, err := resolveLink(path)
	if err != nil {
		return nil, err
	}
	lock, err := lockState(path)
	if err != nil {
		return nil, err
	}
	s, err := readState(path)
	if err != nil {
		unlockState(lock)
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func readState(path string) (*State, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: StateVersion, Files: map[string]Position{}, path: path}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: empty (0 bytes), not a state errtag wrote: errtag replaces its state file whole, "+
			"so a crash of the machine (a power loss before the file system wrote it) or another program left it empty; "+
			"the positions it held are lost. Remove it to start again: the files are then followed as on a first run "+
			"(from their end; with --from-start, from their start, writing again what was written before)", path)
	}
	if len(b) > maxStateSize {
		return nil, fmt.Errorf("%s: state file larger than %d MiB: not an errtag state file", path, maxStateSize>>20)
	}
	s, err := ParseState(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.path = path
	if fi, err := f.Stat(); err == nil {
		s.saved = fi.ModTime()
	}
	return s, nil
}

// ParseState parses the bytes of a state file and checks every entry.
func ParseState(b []byte) (*State, error) {
	var v struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("not an errtag state file: %w", err)
	}
	if v.Version == nil {
		return nil, errors.New("not an errtag state file: no version")
	}
	if *v.Version < 1 || *v.Version > StateVersion {
		return nil, fmt.Errorf("state file version %d, this errtag reads versions 1 to %d", *v.Version, StateVersion)
	}
	s := &State{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("not an errtag state file: %w", err)
	}
	if s.Files == nil {
		s.Files = map[string]Position{}
	}
	if len(s.Patterns) > 4096 {
		return nil, fmt.Errorf("%d patterns (at most 4096)", len(s.Patterns))
	}
	for _, p := range s.Patterns {
		if _, err := filepath.Match(p, ""); err != nil || !filepath.IsAbs(p) {
			return nil, fmt.Errorf("pattern %q: not an absolute pattern", p)
		}
	}
	if s.Watched < 0 {
		return nil, fmt.Errorf("watched_ns %d: not a time", s.Watched)
	}
	if o := s.Output; o != nil && (!filepath.IsAbs(o.Path) || o.Size < 0) {
		return nil, fmt.Errorf("output %q of size %d: not an absolute path and a size", o.Path, o.Size)
	}
	for k, p := range s.Files {
		if !filepath.IsAbs(k) {
			return nil, fmt.Errorf("entry %q: not an absolute path", k)
		}
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("entry %q: %w", k, err)
		}
	}
	s.Version = StateVersion
	return s, nil
}

// resolveLink returns path with symbolic links at its end followed (also
// to a target that does not exist yet), so that the file is locked and
// replaced where it really is.
func resolveLink(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// AddPatterns records patterns followed (see Config.KnownPatterns).
func (s *State) AddPatterns(patterns []string) {
	for _, p := range patterns {
		if !slices.Contains(s.Patterns, p) {
			s.Patterns = append(s.Patterns, p)
		}
	}
}

// Forget drops the entry of the file name.
func (s *State) Forget(name string) { delete(s.Files, Key(name)) }

// Close releases the lock on the state file.
func (s *State) Close() error {
	err := unlockState(s.lock)
	s.lock = nil
	return err
}

// Marshal is the state file's content: one entry per line, keys sorted.
func (s *State) Marshal() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\"version\": %d,", StateVersion)
	if len(s.Patterns) > 0 {
		pb, err := json.Marshal(s.Patterns)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, " \"patterns\": %s,", pb)
	}
	if s.Watched != 0 {
		fmt.Fprintf(&b, " \"watched_ns\": %d,", s.Watched)
	}
	if s.Output != nil {
		ob, err := json.Marshal(s.Output)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\n\"output\": %s,", ob)
	}
	b.WriteString(" \"files\": {")
	keys := make([]string, 0, len(s.Files))
	for k := range s.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		pb, err := json.Marshal(s.Files[k])
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		b.Write(kb)
		b.WriteString(": ")
		b.Write(pb)
	}
	b.WriteString("\n}}\n")
	return b.Bytes(), nil
}

// Save writes the state atomically (see State).
func (s *State) Save() error {
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	dir, base := filepath.Split(s.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
