package follow

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// watcher wakes the follower when something happens in the directories of
// the followed files. It belongs to one Follower (no process-wide state) and
// only ever shortens a wait: every decision is taken by looking at the
// files, so a lost or spurious event costs at most one poll interval or one
// needless look.
type watcher struct {
	w     *fsnotify.Watcher
	err   error           // why there are no notifications at all
	dirs  map[string]bool // directory -> watch in place
	names []string        // followed paths (and their symlink targets)
}

func newWatcher(files []*file) *watcher {
	wt := &watcher{dirs: map[string]bool{}}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		wt.err = fmt.Errorf("file change notification unavailable (%v): checking the files every %v", err, fallbackPoll)
		return wt
	}
	wt.w = w
	for _, f := range files {
		wt.dirs[f.dir] = false
		wt.names = append(wt.names, f.path)
		// A symlinked log is written in its target's directory.
		if r, err := filepath.EvalSymlinks(f.path); err == nil && r != f.path {
			wt.dirs[filepath.Dir(r)] = false
			wt.names = append(wt.names, r)
		}
	}
	wt.rewatch()
	return wt
}

// complete reports whether every directory is watched.
func (wt *watcher) complete() bool {
	if wt.w == nil {
		return false
	}
	for _, ok := range wt.dirs {
		if !ok {
			return false
		}
	}
	return true
}

// rewatch adds the watches that are missing (a directory that did not exist
// yet, or was removed and created again).
func (wt *watcher) rewatch() {
	if wt.w == nil {
		return
	}
	for dir, ok := range wt.dirs {
		if !ok && wt.w.Add(dir) == nil {
			wt.dirs[dir] = true
		}
	}
}

// relevant reports whether ev concerns a followed name, a file rotated from
// one (NAME.1), or a watched directory itself.
func (wt *watcher) relevant(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	if _, ok := wt.dirs[name]; ok {
		if ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
			// The directory went away: its watch is gone (or
			// follows it elsewhere). Watch the name again later.
			wt.w.Remove(name)
			wt.dirs[name] = false
		}
		return true
	}
	for _, n := range wt.names {
		if strings.HasPrefix(name, n) {
			return true
		}
	}
	return false
}

// drain takes the events already queued, so that one look serves them all.
func (wt *watcher) drain() {
	for {
		select {
		case ev, ok := <-wt.w.Events:
			if !ok {
				wt.lost()
				return
			}
			wt.relevant(ev)
		default:
			return
		}
	}
}

// lost gives up on notifications after the watcher failed.
func (wt *watcher) lost() {
	if wt.w != nil {
		wt.w.Close()
		wt.w = nil
	}
	for d := range wt.dirs {
		wt.dirs[d] = false
	}
}

func (wt *watcher) close() {
	if wt.w != nil {
		wt.w.Close()
		wt.w = nil
	}
}
