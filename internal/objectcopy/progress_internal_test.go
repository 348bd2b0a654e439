package objectcopy

import (
	"reflect"
	"sync"
	"testing"
	"time"
)

// logLine is one line the engine logged.
type logLine struct {
	level, msg string
	fields     map[string]any
}

// recordingLogger keeps every line logged through it.
type recordingLogger struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *recordingLogger) Info(msg string, fields map[string]any) { l.add("INFO", msg, fields) }

func (l *recordingLogger) Debug(msg string, fields map[string]any) { l.add("DEBUG", msg, fields) }

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

// TestProgress_InfoAtMostEvery5s checks what TF_LOG=INFO shows of a long
// copy: a "copy progress" line once 5 s have passed since the copy started
// or since the last such line, never more often, with the totals so far;
// every other part is a DEBUG line that names the part.
func TestProgress_InfoAtMostEvery5s(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	log := &recordingLogger{}
	parts, err := PlanParts(5*MinPartSize, MinPartSize)
	if err != nil {
		t.Fatal(err)
	}
	p := newProgress(log, func() time.Time { return clock }, "dst-bucket", "big.bin", parts, 5*MinPartSize)

	for i, after := range []time.Duration{4999 * time.Millisecond, time.Millisecond, time.Second, 4 * time.Second, 10 * time.Second} {
		clock = clock.Add(after)
		p.partDone(parts[i])
	}

	fields := func(done int, partNumber int32) map[string]any {
		f := map[string]any{
			"bucket": "dst-bucket", "key": "big.bin",
			"parts_done": done, "parts_total": 5,
			"bytes_done": int64(done) * MinPartSize, "bytes_total": 5 * MinPartSize,
		}
		if partNumber != 0 {
			f["part_number"] = partNumber
		}
		return f
	}
	want := []logLine{
		{"DEBUG", "part copied", fields(1, 1)},  // 4.999 s after the start
		{"INFO", "copy progress", fields(2, 0)}, // 5 s after the start
		{"DEBUG", "part copied", fields(3, 3)},  // 1 s after the last INFO
		{"INFO", "copy progress", fields(4, 0)}, // 5 s after the last INFO
		{"INFO", "copy progress", fields(5, 0)}, // a long part: 10 s later, one line
	}
	if !reflect.DeepEqual(log.lines, want) {
		t.Errorf("logged:\n%v\nwant:\n%v", log.lines, want)
	}
}
