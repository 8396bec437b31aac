package follow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StateVersion is the version of the state file format.
const StateVersion = 1

// State is a --state file: for each followed file, the Position up to which
// its lines were written out. It is JSON:
//
//	{
//	  "version": 1,
//	  "files": {
//	    "/var/log/app.log": {"dev": 2049, "ino": 1835017, "offset": 52114,
//	                         "head_len": 1024, "head_sha256": "9f2c…"}
//	  }
//	}
//
// Keys are absolute paths, so a run from another directory finds them.
// Entries of files not followed by the current run are kept.
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
	path    string
}

// LoadState reads the state file at path. A file that does not exist is an
// empty state (the first run).
func LoadState(path string) (*State, error) {
	s := &State{Version: StateVersion, Files: map[string]Position{}, path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%s: not an errtag state file: %w", path, err)
	}
	if s.Version != StateVersion {
		return nil, fmt.Errorf("%s: state file version %d, this errtag reads version %d", path, s.Version, StateVersion)
	}
	if s.Files == nil {
		s.Files = map[string]Position{}
	}
	return s, nil
}

// Key is the key under which the file name is kept: its absolute path.
func Key(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// Save writes the state atomically (see State).
func (s *State) Save() error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
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
