package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// pattern is an entry of Config.Files with pattern characters.
type pattern struct {
	glob string // cleaned, as given
	abs  string // absolute, to match the keys of Config.Resume
	rel  bool
	// dirCache is where it looks (its directory part, expanded).
	dirCache []string
}

// isPattern reports whether name is a pattern: it has pattern characters
// and no file is named so.
func isPattern(name string) bool {
	if !hasMeta(name) {
		return false
	}
	_, err := os.Lstat(name)
	return err != nil
}

func hasMeta(s string) bool { return strings.ContainsAny(s, `*?[`) }

func newPattern(name, cwd string) (pattern, error) {
	g := filepath.Clean(name)
	if _, err := filepath.Match(g, ""); err != nil {
		return pattern{}, fmt.Errorf("pattern %q: %w", name, err)
	}
	p := pattern{glob: g, abs: g, rel: !filepath.IsAbs(g)}
	if p.rel {
		p.abs = filepath.Join(cwd, g)
	}
	p.dirCache = p.expandDirs()
	return p, nil
}

// expandDirs lists the directories the pattern looks in.
func (p *pattern) expandDirs() []string {
	d := filepath.Dir(p.glob)
	if !hasMeta(d) {
		return []string{d}
	}
	ms, _ := filepath.Glob(d)
	var out []string
	for _, m := range ms {
		if fi, err := os.Stat(m); err == nil && fi.IsDir() {
			out = append(out, m)
		}
	}
	return out
}

func (p *pattern) dirs() []string { return p.dirCache }

// Watching returns when the follower started, on the file system's clock,
// and, once it has looked at every file, the keys (Key of Chunk.Source) of
// the files it follows. When a saved state has a Position for each of
// them, a file matching a pattern that has none was created after that
// time (what State.Watched records); ok is false before the first look.
func (fl *Follower) Watching() (started time.Time, keys []string, ok bool) {
	select {
	case <-fl.looked:
		return fl.started, *fl.followed.Load(), true
	default:
		return fl.started, nil, false
	}
}

// Patterns returns the patterns among Config.Files, as absolute paths: what
// State.Patterns records for the next run's Config.KnownPatterns.
func (fl *Follower) Patterns() []string {
	var out []string
	for _, p := range fl.pats {
		out = append(out, p.abs)
	}
	return out
}

// matched reports whether a pattern matches path.
func (fl *Follower) matched(path string) bool {
	for i := range fl.pats {
		if fl.pats[i].matches(path) {
			return true
		}
	}
	return false
}

// matches reports whether path (as a notification names it) matches.
func (p *pattern) matches(path string) bool {
	ok, _ := filepath.Match(p.glob, path)
	return ok
}

// excluded reports whether path is left out by Config.Exclude.
func (fl *Follower) excluded(path string) bool {
	base := filepath.Base(path)
	for _, x := range fl.cfg.Exclude {
		if ok, _ := filepath.Match(x, path); ok {
			return true
		}
		if ok, _ := filepath.Match(x, base); ok {
			return true
		}
		if ok, _ := filepath.Match(x, Key(path)); ok {
			return true
		}
	}
	return false
}

// globStart expands the patterns at start. Files of the saved state that
// match a pattern are followed even if their name has no file now: they
// may have been rotated while errtag was stopped.
func (fl *Follower) globStart() {
	if len(fl.pats) == 0 {
		return
	}
	fl.lastGlob = time.Now()
	// The files of the saved state first: their rotated generations that
	// the pattern matches too (app.1.log for *.log) are then taken for
	// theirs, not for files that appeared while errtag was stopped (read
	// again from their start when the name had no file at the restart).
	keys := make([]string, 0, len(fl.cfg.Resume))
	for k := range fl.cfg.Resume {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if fl.byKey[key] != nil || fl.excluded(key) {
			continue
		}
		for i := range fl.pats {
			p := &fl.pats[i]
			if ok, _ := filepath.Match(p.abs, key); !ok {
				continue
			}
			if _, err := os.Stat(key); err == nil {
				break // there, and not followed: a rotated copy or compressed
			}
			name := key
			if p.rel {
				if r, err := filepath.Rel(fl.cwd, key); err == nil {
					name = r
				}
			}
			fl.add(newFile(name, filepath.Clean(key), true))
			break
		}
	}
	for i := range fl.pats {
		p := &fl.pats[i]
		ms, _ := filepath.Glob(p.glob)
		before := len(fl.files)
		// A pattern a previous run followed: the files it matches that
		// have no saved Position appeared while errtag was stopped, and
		// are read from their start.
		known := slices.Contains(fl.cfg.KnownPatterns, p.abs)
		for _, f := range fl.consider(ms, !known) {
			f.whileStopped = known
		}
		if len(fl.files) == before && !fl.resumeMatches(p) && !fl.anyFollowedMatch(p, ms) {
			fl.note(Chunk{Source: p.glob, Note: NoMatch})
		}
	}
}

func (fl *Follower) resumeMatches(p *pattern) bool {
	for k := range fl.cfg.Resume {
		if ok, _ := filepath.Match(p.abs, k); ok {
			return true
		}
	}
	return false
}

func (fl *Follower) anyFollowedMatch(p *pattern, ms []string) bool {
	for _, m := range ms {
		if fl.byKey[Key(filepath.Clean(m))] != nil {
			return true
		}
	}
	return false
}

// globScan matches the patterns again.
func (fl *Follower) globScan() {
	if len(fl.pats) == 0 {
		return
	}
	fl.lastGlob = time.Now()
	matched := map[string]bool{}
	for i := range fl.pats {
		p := &fl.pats[i]
		if d := p.expandDirs(); !slices.Equal(d, p.dirCache) {
			p.dirCache = d
			fl.changed = true
		}
		ms, _ := filepath.Glob(p.glob)
		for _, m := range ms {
			matched[Key(filepath.Clean(m))] = true
		}
		fl.consider(ms, false)
	}
	// Forget the files left out that are gone (over days of churn).
	for k := range fl.ignored {
		if !matched[k] {
			delete(fl.ignored, k)
		}
	}
}

// globOne follows path, named by a notification, if a pattern matches it.
func (fl *Follower) globOne(path string) bool {
	for i := range fl.pats {
		if fl.pats[i].matches(path) {
			return len(fl.consider([]string{path}, false)) > 0
		}
	}
	return false
}

// consider starts following those of paths, matched by a pattern, that are
// not followed yet and are to be: not excluded, regular, not a rotated copy
// of another matched or followed file (app.log* matches app.log.1), not a
// file followed or read under another name, not compressed (reported
// once). It returns those it added.
func (fl *Follower) consider(paths []string, initial bool) []*file {
	var fresh []string
	bases := map[string][]string{} // dir -> bases of the files there
	for _, f := range fl.files {
		if !f.released {
			d := filepath.Dir(f.path)
			bases[d] = append(bases[d], filepath.Base(f.path))
		}
	}
	for _, m := range paths {
		m = filepath.Clean(m)
		if fl.byKey[Key(m)] != nil || fl.excluded(m) {
			continue
		}
		fresh = append(fresh, m)
		d := filepath.Dir(m)
		bases[d] = append(bases[d], filepath.Base(m))
	}
	var added []*file
	for _, m := range fresh {
		d, b := filepath.Dir(m), filepath.Base(m)
		if slices.ContainsFunc(bases[d], func(o string) bool { return o != b && rotatedName(o, b) }) {
			continue // a rotated generation of another file
		}
		fi, err := os.Stat(m)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		key := Key(m)
		if id, ok := fl.ignored[key]; ok {
			if k, ok2 := idOf(fi); ok2 && k.dev == id.Dev && k.ino == id.Ino {
				continue
			}
			delete(fl.ignored, key)
		}
		if o := fl.outputOf(fi); o != "" {
			if initial && fl.startErr == nil {
				fl.startErr = &OutputError{Name: m, Output: o}
			}
			if k, ok := idOf(fi); ok {
				fl.ignored[key] = FileID{Dev: k.dev, Ino: k.ino}
			}
			fl.note(Chunk{Source: m, Note: Output, Path: m})
			continue
		}
		if g, _ := fl.openOwner(fi); g != nil {
			continue // read under another name
		}
		g, err := openGen(m)
		if err != nil {
			continue
		}
		if fl.doneIDs[g.id] {
			g.close()
			continue
		}
		if c := compressionOf(g.f); c != "" {
			fl.ignored[key] = g.id
			g.close()
			fl.note(Chunk{Source: m, Note: Skipped, Path: m})
			continue
		}
		f := newFile(m, m, true)
		f.first, f.appeared = g, !initial
		fl.own(g, f)
		fl.add(f)
		added = append(added, f)
		// A file that is a rotated name of this one was followed on
		// its own until now: finish it, then forget it.
		for _, o := range fl.files {
			if o != f && o.glob && filepath.Dir(o.path) == d && rotatedName(b, filepath.Base(o.path)) {
				o.retiring = true
			}
		}
	}
	return added
}
