package objectcopy

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"time"
)

const (
	// startParallelism is a Tuner's parallelism before it has measured a
	// multipart copy: few enough streams that each runs at the rate one
	// stream gets alone unless the aggregate cap is low, which the tuner
	// needs to know.
	startParallelism = 8
	// growth multiplies the parallelism after a copy whose streams all ran
	// at the single-stream rate: the cap, if any, lies beyond. A cap far
	// above one stream (2.5 GiB/s against 50 MiB/s needs 51 streams) is
	// reached on the second copy from startParallelism, and overshooting
	// costs little: the next copy measures the cap and settles below.
	growth = 8
	// overprovision is how many times the streams the cap needs a tuned
	// copy runs while parts straggle: a straggler holds its share of the
	// cap, and speeds up to the single-stream rate once the others are
	// done, so the more streams share the cap the less it delays the copy.
	overprovision = 2
	// steadyOverprovision replaces overprovision while no part of the last
	// multipart copy straggled: a margin that keeps the cap reached when
	// the estimates are off, without the requests of twice the streams.
	steadyOverprovision = 1.25
	// straggleSpread is the ratio of the median part's rate to the slowest
	// part's from which a copy's parts are taken to straggle.
	straggleSpread = 1.1
	// capRiseTolerance is how far above the measured cap streams must copy
	// together before the cap is taken to have risen: at
	// steadyOverprovision each stream runs at 0.8 of its rate, above
	// cappedBelow, and measuring noise must not discard the cap.
	capRiseTolerance = 1.1
	// cappedBelow is the share of the single-stream rate under which the
	// streams of a copy are taken to have shared an aggregate cap.
	cappedBelow = 0.7
	// maxTunedPartSize bounds the parts a Tuner plans: beyond it a larger
	// part saves no noticeable share of round trips, while a retried part
	// copies its bytes again.
	maxTunedPartSize int64 = 1 << 30
	// minTunedParallelism keeps a few streams copying while others wait for
	// their round trip.
	minTunedParallelism = 4
	// minPartRoundTrips is the least a tuned part copies, in round trips of
	// one stream: all parts of a round wait for their round trip together,
	// so once a part copies in less than a quarter of one, more parts save
	// less than that quarter (a sixteenth of the four round trips every
	// multipart copy takes) while each is one more request to send, to
	// straggle and to be throttled for.
	minPartRoundTrips = 0.25
	// probeOdds bounds the gamble of a CopyObject that measures whether a
	// stream alone reaches the cap: it is made when it may lose at most
	// probeOdds times what it may win. It is made once, while what it
	// finds serves every later copy: at 30 ms, 600 MiB/s streams and a
	// 0.6 GiB/s cap, a 64 MiB CopyObject takes 0.7 of a multipart copy.
	probeOdds = 16
	// rttWeight is the weight of a new round-trip sample in the average.
	rttWeight = 0.25
)

// Tuner chooses, from what the copies of one process measured, how Copy
// copies: one CopyObject or a multipart copy, how many parts at once and of
// what size. OSS publishes no per-stream or per-bucket copy rate to plan
// with, and they vary with region, bucket and load, so the Tuner measures
// them: the round trip of requests that copy nothing, the rate of one copy
// stream, and the aggregate rate at which parallel streams start to slow
// each other down. It starts with startParallelism, grows the parallelism
// while the streams keep their single-stream rate, settles at overprovision
// (steadyOverprovision while no part straggles) times what the aggregate
// cap needs, and halves it when OSS throttles
// (503). A copy is made with one CopyObject when, at the measured rates,
// that takes no longer than Initiate, one round of parts and Complete.
// Params.PartSize and Params.Parallelism, when set, override it.
//
// One Tuner is meant to serve every copy against one endpoint; it is safe
// for concurrent use. The zero value is not ready: use NewTuner.
type Tuner struct {
	mu sync.Mutex
	// rtt is the average round trip, in seconds, of requests that copy
	// nothing; 0 until one is seen.
	rtt float64
	// stream is the rate of one copy stream in bytes per second; 0 until a
	// copy measured it. streamAlone is false when it was measured among
	// streams that were found to share the aggregate cap, so that the rate
	// of a stream alone may be higher; streamWorkers is how many streams ran
	// when it was measured.
	stream        float64
	streamAlone   bool
	streamWorkers int
	// capacity is the aggregate rate, bytes per second, at which streams
	// were seen to slow each other down; 0 until then.
	capacity float64
	// steady is whether the last multipart copy measured no straggling part.
	steady bool
	next   int // parallelism of the next multipart copy
	limit  int // highest parallelism since OSS last throttled
}

// NewTuner returns a Tuner that has measured nothing yet.
func NewTuner() *Tuner {
	return &Tuner{next: startParallelism, limit: MaxParallelism}
}

// plan is how one copy is made.
type plan struct {
	single      bool
	partSize    int64
	parallelism int
}

// plan chooses how to copy size bytes; partSize and parallelism are
// Params', 0 when automatic. Without a Tuner (t nil) the choice is static:
// see AutoPartSize and singleCopyThreshold. copier.plan adds what holds
// for any Tuner (a 0-byte object is one CopyObject).
func (t *Tuner) plan(size, partSize int64, parallelism int) plan {
	if t == nil {
		p := plan{partSize: partSize, parallelism: cmp.Or(parallelism, DefaultParallelism)}
		p.single = partSize == 0 && size <= singleCopyThreshold
		return p
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	p := plan{partSize: partSize, parallelism: cmp.Or(parallelism, min(t.next, t.limit))}
	p.single = partSize == 0 && size <= maxCopyObjectSize && t.singleFaster(size, p.parallelism)
	if p.partSize == 0 {
		p.partSize = tunedPartSize(size, p.parallelism, int64(minPartRoundTrips*t.rtt*t.stream))
	}
	return p
}

// singleFaster reports whether one CopyObject of size bytes is expected to
// take no longer than a multipart copy with parallelism streams. Until the
// Tuner has measured a round trip and a stream it copies small objects
// with one request, as without a Tuner. When the stream rate was measured
// only among streams that shared the cap, a stream alone may reach the
// cap: the Tuner then expects that, and a CopyObject measures it, unless
// that copy could lose more than probeOdds times the two round trips it
// may save.
func (t *Tuner) singleFaster(size int64, parallelism int) bool {
	if t.rtt == 0 || t.stream == 0 {
		return size <= singleCopyThreshold
	}
	s := float64(size)
	one, all := t.stream, float64(parallelism)*t.stream
	if t.capacity > 0 {
		all = min(all, t.capacity)
		if !t.streamAlone && s/t.stream-s/all-2*t.rtt <= probeOdds*2*t.rtt {
			one = t.capacity
		}
		one = min(one, t.capacity)
	}
	return t.rtt+s/one <= 3*t.rtt+s/all
}

// tunedPartSize cuts size bytes into one round of parallelism parts of at
// least least bytes (fewer parts when they would be smaller), within OSS's
// limits and maxTunedPartSize.
func tunedPartSize(size int64, parallelism int, least int64) int64 {
	part := ceilDiv(max(size, 1), int64(parallelism))
	part = min(max(part, least), maxTunedPartSize)
	return min(max(part, ceilDiv(size, MaxParts), MinPartSize), MaxPartSize)
}

// observeRoundTrip records the latency of a request that copied nothing.
func (t *Tuner) observeRoundTrip(d time.Duration) {
	if t == nil || d <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rtt == 0 {
		t.rtt = d.Seconds()
		return
	}
	t.rtt += rttWeight * (d.Seconds() - t.rtt)
}

// observeSingle records a CopyObject of size bytes that took d: one stream
// alone.
func (t *Tuner) observeSingle(size int64, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if r, ok := t.streamRate(size, d); ok {
		t.stream, t.streamAlone, t.streamWorkers = r, true, 1
	}
}

// streamRate is the rate of a copy of size bytes whose request took d,
// the round trip taken off; false when the round trip is unknown or the
// copy too short to tell.
func (t *Tuner) streamRate(size int64, d time.Duration) (float64, bool) {
	copying := d.Seconds() - t.rtt
	if t.rtt == 0 || size <= 0 || copying <= t.rtt/10 {
		return 0, false
	}
	return float64(size) / copying, true
}

// partSample is one UploadPartCopy: its size and how long its request took.
type partSample struct {
	size int64
	took time.Duration
}

// observeParts records the parts of a multipart copy that ran workers
// streams, and whether OSS throttled any of its requests.
func (t *Tuner) observeParts(workers int, parts []partSample, throttled bool) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.adjustLimit(workers, throttled)
	var rates []float64
	for _, p := range parts {
		if r, ok := t.streamRate(p.size, p.took); ok {
			rates = append(rates, r)
		}
	}
	if len(rates) == 0 {
		return
	}
	slices.Sort(rates)
	m := rates[len(rates)/2]
	t.steady = m <= straggleSpread*rates[0]
	if workers > 1 && t.stream > 0 && m < cappedBelow*t.stream {
		t.capacity = float64(workers) * m
		if t.streamWorkers > 1 && float64(t.streamWorkers)*t.stream >= cappedBelow*t.capacity {
			// The streams that measured t.stream were capped as well.
			t.streamAlone = false
		}
		t.next = t.cappedParallelism()
		return
	}
	if m > t.stream || workers == 1 {
		// Taken for a stream alone until a cap shows that it was not.
		t.stream, t.streamAlone, t.streamWorkers = m, true, workers
	}
	if t.capacity > 0 && float64(workers)*m > capRiseTolerance*t.capacity {
		// More streams than the cap allowed ran at full rate: it rose.
		t.capacity = 0
	}
	if t.capacity == 0 {
		t.next = clampParallelism(workers * growth)
		return
	}
	t.next = t.cappedParallelism()
}

// cappedParallelism is the parallelism that reaches the measured cap with
// the margin that the last copy's stragglers call for.
func (t *Tuner) cappedParallelism() int {
	f := float64(overprovision)
	if t.steady {
		f = steadyOverprovision
	}
	// Less a hundredth, so that measuring noise does not add a stream.
	return clampParallelism(int(math.Ceil(f*t.capacity/t.stream - 0.01)))
}

// adjustLimit halves the parallelism OSS throttled, and lets it grow back
// by a quarter after each copy it did not.
func (t *Tuner) adjustLimit(workers int, throttled bool) {
	if throttled {
		t.limit = max(1, workers/2)
		return
	}
	t.limit = min(MaxParallelism, t.limit+t.limit/4+1)
}

func clampParallelism(n int) int { return min(max(n, minTunedParallelism), MaxParallelism) }
