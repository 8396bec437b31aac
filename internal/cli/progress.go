package cli

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows, on a terminal's stderr, how much of a batch run's input has
// been read: bytes done of total, rate and time left. On anything but a
// terminal it does nothing. schollz/progressbar draws it: it handles terminal
// width, throttling and the ETA, which are not worth writing again.
type progress struct {
	bar  *progressbar.ProgressBar
	done atomic.Int64
	stop chan struct{}
	wait chan struct{}
	once sync.Once
}

// newProgress starts a progress display for total bytes on e's standard
// error, or returns nil when that is not a terminal. Every method is safe
// on a nil *progress.
func newProgress(e *env, total int64, what string) *progress {
	stderr := e.stderr
	if !e.display(stderr).Terminal || total <= 0 {
		return nil
	}
	p := &progress{
		bar: progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionEnableColorCodes(false),
		),
		stop: make(chan struct{}),
		wait: make(chan struct{}),
	}
	go p.run()
	return p
}

// add records n more bytes done; safe from any goroutine.
func (p *progress) add(n int64) {
	if p != nil {
		p.done.Add(n)
	}
}

func (p *progress) run() {
	defer close(p.wait)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.bar.Set64(p.done.Load())
		case <-p.stop:
			p.bar.Set64(p.done.Load())
			p.bar.Finish()
			return
		}
	}
}

// finish removes the display; later calls do nothing.
func (p *progress) finish() {
	if p != nil {
		p.once.Do(func() {
			close(p.stop)
			<-p.wait
		})
	}
}
