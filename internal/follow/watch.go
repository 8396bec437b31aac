package follow

import (
	"fmt"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// watcher wakes the follower when something happens in the directories of
// the followed files and patterns. It belongs to one Follower (no
// process-wide state) and only ever shortens a wait: every decision is
// taken by looking at the files, so a lost or spurious event costs at most
// one poll interval or one needless look.
type watcher struct {
	w    *fsnotify.Watcher
	err  error           // why there are no notifications at all
	dirs map[string]bool // wanted directory -> watch in place
}

func newWatcher() *watcher {
	wt := &watcher{dirs: map[string]bool{}}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		wt.err = fmt.Errorf("file change notification unavailable (%v): checking the files every %v", err, fallbackPoll)
		return wt
	}
	wt.w = w
	return wt
}

// events and errors are the watcher's channels (nil without notifications:
// a nil channel is never ready).
func (wt *watcher) events() <-chan fsnotify.Event {
	if wt == nil || wt.w == nil {
		return nil
	}
	return wt.w.Events
}

func (wt *watcher) errors() <-chan error {
	if wt == nil || wt.w == nil {
		return nil
	}
	return wt.w.Errors
}

// want makes the watched directories be dirs: watches no longer needed are
// removed (a pod's directory, gone with its files), new ones added.
func (wt *watcher) want(dirs map[string]bool) {
	for d, on := range wt.dirs {
		if !dirs[d] {
			if on && wt.w != nil {
				wt.w.Remove(d)
			}
			delete(wt.dirs, d)
		}
	}
	for d := range dirs {
		if _, ok := wt.dirs[d]; !ok {
			wt.dirs[d] = false
		}
	}
	wt.rewatch()
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

// watched reports whether changes in dir are notified.
func (wt *watcher) watched(dir string) bool { return wt != nil && wt.w != nil && wt.dirs[dir] }

// dirGone notes that the watched directory dir was removed or renamed: its
// watch is gone (or follows it elsewhere), so it is watched again later.
func (wt *watcher) dirGone(dir string) {
	if on, ok := wt.dirs[dir]; ok && on {
		wt.w.Remove(dir)
		wt.dirs[dir] = false
	}
}

// isDir reports whether name is a wanted directory.
func (wt *watcher) isDir(name string) bool {
	_, ok := wt.dirs[filepath.Clean(name)]
	return ok
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
	if wt != nil && wt.w != nil {
		wt.w.Close()
		wt.w = nil
	}
}
