package objectcopy

import (
	"sync"
	"time"
)

// progressInterval is the least time between two progress lines at Info, so
// that a long copy shows it is alive without flooding the log.
const progressInterval = 5 * time.Second

// Logger receives the engine's log lines. Info carries progress of long
// copies; Debug carries every request-level step.
type Logger interface {
	Info(msg string, fields map[string]any)
	Debug(msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Info(string, map[string]any)  {}
func (nopLogger) Debug(string, map[string]any) {}

// progress counts the parts and bytes copied so far and logs them.
type progress struct {
	log        Logger
	bucket     string
	key        string
	totalParts int
	totalBytes int64
	now        func() time.Time // time.Now, or a test's clock

	mu        sync.Mutex
	doneParts int
	doneBytes int64
	lastInfo  time.Time
}

func newProgress(log Logger, now func() time.Time, bucket, key string, parts []Part, size int64) *progress {
	return &progress{
		log: log, now: now, bucket: bucket, key: key, totalParts: len(parts), totalBytes: size, lastInfo: now(),
	}
}

func (p *progress) partDone(part Part) {
	p.mu.Lock()
	p.doneParts++
	p.doneBytes += part.Size()
	fields := map[string]any{
		"bucket":      p.bucket,
		"key":         p.key,
		"parts_done":  p.doneParts,
		"parts_total": p.totalParts,
		"bytes_done":  p.doneBytes,
		"bytes_total": p.totalBytes,
	}
	now := p.now()
	info := now.Sub(p.lastInfo) >= progressInterval
	if info {
		p.lastInfo = now
	}
	p.mu.Unlock()

	if info {
		p.log.Info("copy progress", fields)
		return
	}
	fields["part_number"] = part.Number
	p.log.Debug("part copied", fields)
}
