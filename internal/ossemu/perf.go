package ossemu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Performance is the server's performance model: how long requests take on
// a real OSS, so that benchmarks and timeout tests see realistic timings.
// The zero value models no delays at all.
//
// OSS publishes no latency or per-stream copy rate, so RoundTrip,
// ServerTime, CopyRate and Straggle are the benchmark's assumptions, to be
// swept rather than trusted. Two limits are documented, per Alibaba Cloud
// account ("Limits" in OSS's product overview):
//   - Bandwidth, per account and region: total download (internal and
//     public) 100 Gbit/s and total upload 20 Gbit/s in China (Hangzhou,
//     Shanghai, Shenzhen, Beijing) and Singapore; 20 Gbit/s each way in
//     China (Zhangjiakou); 2 Gbit/s in the local regions, South Korea
//     (Seoul) and Thailand (Bangkok); 10 Gbit/s in the other regions of the
//     Chinese mainland and 5 Gbit/s outside it. Older versions of the page
//     give 10 Gbit/s inside and 5 Gbit/s outside the mainland for all. The
//     page does not say whether server-side copies count against these:
//     AggregateCap (e.g. ParseRate("10Gbit")) assumes they do, and the
//     server applies it to all the copies it serves, as one account in one
//     region.
//   - Requests: 10,000 QPS in total per account (2,000 where object names
//     have sequential prefixes). QPSLimit models it per account; an excess
//     request is answered as "HTTP status code 503" documents
//     TotalQpsLimitExceeded, with the EC of the page "0004-00000302" (QPS
//     limit exceeded).
type Performance struct {
	RoundTrip    time.Duration // network latency added to every request (default 0)
	ServerTime   time.Duration // OSS's own time per request, after RoundTrip; the median when Straggle is set
	CopyRate     int64         // bytes/s per UploadPartCopy/CopyObject stream (0 = unlimited)
	AggregateCap int64         // bytes/s summed over all copy streams in the server (0 = unlimited)
	Straggle     float64       // spread of server times and stream rates, the sigma of a lognormal (0 = none)
	Seed         uint64        // seeds Straggle's draws: the same seed gives the same sequence
	QPSLimit     int           // requests per second per account before 503 TotalQpsLimitExceeded (0 = unlimited)
	TimeScale    float64       // multiplies every modeled delay (0 treated as 1)
}

// SetPerformance replaces the performance model. Copies in progress go on
// at the new rates from this moment; bytes already copied stay copied. The
// straggler draws restart from Seed and every account's QPS allowance is
// full again.
//
// Every request first waits RoundTrip and then ServerTime. A copy of n bytes
// then takes the time the bytes need when the active copy streams share the
// bandwidth fairly: each gets min(CopyRate, AggregateCap/active) at every
// instant (fluid processor sharing), so the streams together never exceed
// AggregateCap. TimeScale multiplies all of these durations, and divides
// QPSLimit's rate, which keeps their ratios while letting quick runs shrink
// them. Only server-side copies are bandwidth-limited: request and response
// bodies (PutObject, UploadPart, GetObject) move at loopback speed after the
// round trip.
//
// Straggle s makes parts unequal, as a busy or slow storage node makes them
// on OSS: each request's server time, and the bytes of service each copy
// stream needs, are multiplied by exp(s*Z) with Z standard normal, a
// lognormal of median 1. A stream with multiplier m holds its fair share of
// the bandwidth but copies at 1/m of it. At s = 0.5 half the draws are
// below 1, about 8% above 2 and 1% above 3.2; at s = 1, 1% are above 10.
// The draws come from one sequence seeded by Seed, taken in the order
// requests arrive, so concurrent requests get the same multipliers in an
// order that depends on scheduling.
//
// QPSLimit admits each account's requests through a token bucket refilled at
// QPSLimit per (scaled) second and holding at most QPSLimit, checked once the
// signature is: a request that finds it empty is answered 503
// TotalQpsLimitExceeded, "Max total qps limit is exceeded", EC
// 0004-00000302, with x-oss-qos-delay-time giving in milliseconds (scaled)
// how long until the account may send again. The limits page documents that
// header, in milliseconds, on requests throttled for bandwidth; that QPS
// throttling sends it too is an assumption. The SDK retries any 503.
func (s *Server) SetPerformance(m Performance) {
	s.ctl.bw.set(m)
	s.ctl.qps.set(m.QPSLimit, m.scale())
}

// String states the model for logs and benchmark reports, e.g. "round trip
// 30ms, server time 5ms, copy rate 150MiB/s per stream, aggregate cap
// 10Gbit/s, straggle 0.5 (seed 1), QPS limit 10000 per account, time scale
// 0.1".
func (p Performance) String() string {
	if p.RoundTrip == 0 && p.ServerTime == 0 && p.CopyRate == 0 && p.AggregateCap == 0 && p.QPSLimit == 0 {
		return "no modeled delays"
	}
	straggle := "straggle 0"
	if p.Straggle > 0 {
		straggle = fmt.Sprintf("straggle %g (seed %d)", p.Straggle, p.Seed)
	}
	qps := "QPS unlimited"
	if p.QPSLimit > 0 {
		qps = fmt.Sprintf("QPS limit %d per account", p.QPSLimit)
	}
	return fmt.Sprintf("round trip %v, server time %v, copy rate %s per stream, aggregate cap %s, %s, %s, time scale %g",
		p.RoundTrip, p.ServerTime, formatRate(p.CopyRate), formatRate(p.AggregateCap), straggle, qps, p.scale())
}

// formatRate writes bytes per second in the largest binary unit that keeps
// the number at least 1, or in bits per second with decimal prefixes when
// that is exact and the binary form is not: how ParseRate read it.
func formatRate(r int64) string {
	if r <= 0 {
		return "unlimited"
	}
	binary := scaled(float64(r), 1024, []string{"B", "KiB", "MiB", "GiB", "TiB"})
	bits := scaled(float64(r)*8, 1000, []string{"bit", "Kbit", "Mbit", "Gbit", "Tbit"})
	if !exact(binary.v) && exact(bits.v) {
		return strconv.FormatFloat(bits.v, 'f', -1, 64) + bits.unit + "/s"
	}
	return strconv.FormatFloat(binary.v, 'f', -1, 64) + binary.unit + "/s"
}

// amount is a number in a unit.
type amount struct {
	v    float64
	unit string
}

// scaled writes v in the largest of units (each base times the one before)
// that keeps it at least 1.
func scaled(v, base float64, units []string) amount {
	i := 0
	for ; v >= base && i < len(units)-1; i++ {
		v /= base
	}
	return amount{v, units[i]}
}

// exact reports whether v reads well: at most three decimals.
func exact(v float64) bool { return v*1000 == math.Trunc(v*1000) }

// sizeUnits are the binary units ParseSize accepts.
var sizeUnits = []struct {
	suffix string
	factor float64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1},
}

// ParseSize reads a byte count such as 300MiB, 1.5GiB or 4096, the way the
// emulator's and the copy benchmark's commands take sizes.
func ParseSize(s string) (int64, error) {
	num, factor := strings.TrimSpace(s), 1.0
	for _, u := range sizeUnits {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, factor = strings.TrimSpace(n), u.factor
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || v*factor > 1<<62 {
		return 0, fmt.Errorf("size %q: want a number of bytes with an optional unit B, KiB, MiB, GiB or TiB", s)
	}
	b := v * factor
	if b != float64(int64(b)) {
		return 0, fmt.Errorf("size %q is not a whole number of bytes", s)
	}
	return int64(b), nil
}

// bitUnits are the decimal bit units ParseRate accepts, as OSS states its
// bandwidth limits (10 Gbit/s is 1.25e9 bytes per second).
var bitUnits = []struct {
	suffix string
	factor float64
}{
	{"Tbit", 1e12 / 8}, {"Gbit", 1e9 / 8}, {"Mbit", 1e6 / 8}, {"Kbit", 1e3 / 8},
}

// ParseRate reads a rate in bytes per second: a size as ParseSize reads it
// (150MiB, 0.6GiB) or a number of bits with a decimal unit Kbit, Mbit, Gbit
// or Tbit (10Gbit), either with an optional "/s". A rate need not be a whole
// number of bytes per second, so it is rounded to the nearest; one that
// rounds to 0 without being 0 is refused, since 0 means unlimited.
func ParseRate(s string) (int64, error) {
	errRate := fmt.Errorf("rate %q: want bytes per second (at least 1), with an optional unit B, KiB, MiB, GiB, TiB, "+
		"Kbit, Mbit, Gbit or Tbit", s)
	num := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	units := sizeUnits
	for _, u := range bitUnits {
		if strings.HasSuffix(num, u.suffix) {
			units = bitUnits
			break
		}
	}
	factor := 1.0
	for _, u := range units {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, factor = strings.TrimSpace(n), u.factor
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	r := math.Round(v * factor)
	if err != nil || v < 0 || r > 1<<62 || (r == 0 && v != 0) {
		return 0, errRate
	}
	return int64(r), nil
}

// errServerClosing ends a modeled wait when the server closes under it.
var errServerClosing = errors.New("ossemu: server closing")

// controls are the test controls that shape how requests are served: the
// performance model and the injected faults. They have their own locks so
// that waiting requests never hold s.mu.
type controls struct {
	stop     chan struct{} // closed by close: every modeled wait ends at once
	stopOnce sync.Once     // Server.Close may be called more than once
	wake     *waker        // ends modeled waits on time
	bw       bandwidth
	qps      qpsLimiter
	faults   faultSet
	denied   deniedOps
}

func newControls() controls {
	w := &waker{kick: make(chan struct{}, 1)}
	return controls{stop: make(chan struct{}), wake: w, bw: bandwidth{wake: w}}
}

// close ends all waits so that Server.Close does not wait for modeled time.
func (c *controls) close() {
	c.stopOnce.Do(func() {
		close(c.stop)
		c.bw.close()
		c.wake.close()
	})
}

// sleep waits d unless ctx ends (the client hung up) or the server closes.
func (c *controls) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	done := make(chan struct{})
	w := c.wake.at(time.Now().Add(d), func() { close(done) })
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		c.wake.cancel(w)
		return ctx.Err()
	case <-c.stop:
		return errServerClosing
	}
}

// requestWait waits what every request costs before it is served: its round
// trip and server time, plus delay (the faults').
func (c *controls) requestWait(ctx context.Context, delay time.Duration) error {
	return c.sleep(ctx, c.bw.requestTime()+delay)
}

// copyWait blocks for as long as copying n bytes takes under the model. A
// copy whose client hangs up leaves at once and frees its bandwidth share.
func (c *controls) copyWait(ctx context.Context, n int64) error {
	st := c.bw.start(n)
	if st == nil {
		select {
		case <-c.stop:
			// A closing server copies nothing: the copy's digests could
			// keep Close waiting for seconds.
			return errServerClosing
		default:
			return nil
		}
	}
	select {
	case <-st.done:
		return nil
	case <-ctx.Done():
		c.bw.leave(st)
		return ctx.Err()
	case <-c.stop:
		c.bw.leave(st)
		return errServerClosing
	}
}

// bandwidth schedules copy streams. All active streams run at the same rate
// r(n) = min(CopyRate, AggregateCap/n) / TimeScale, so it keeps a virtual
// time: the bytes each active stream has received since the server was last
// idle. A stream that starts at virtual time v with n bytes is done when the
// virtual time reaches v+n; the earliest such finish is the only moment that
// needs a wake-up. Arrivals, departures and model changes advance the
// virtual time at the old rate and re-arm the wake-up, so the model costs
// nothing between events and its timing error is the waker's latency alone.
type bandwidth struct {
	mu      sync.Mutex
	perf    Performance
	rng     *rand.Rand // Straggle's draws, seeded by perf.Seed
	streams []*stream  // active, in no particular order: there are few
	vtime   float64    // bytes per stream served since the last idle moment
	updated time.Time  // when vtime was last advanced
	wake    *waker
	next    *wakeup // the earliest finish, while streams are active
	closed  bool
}

// stream is one copy in progress.
type stream struct {
	finish float64       // virtual time at which all its bytes are copied
	index  int           // position in streams; -1 once it has left
	done   chan struct{} // closed when its bytes are copied
}

// finishSlack is how close to its finish a stream may be and still count as
// finished: wake-ups are not more precise than this, and rounding virtual
// time in float64 must not leave a stream a few bytes short of done.
const finishSlack = time.Microsecond

func (p Performance) scale() float64 {
	if p.TimeScale <= 0 {
		return 1
	}
	return p.TimeScale
}

// scaled is d under the time scale.
func (p Performance) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * p.scale())
}

// streamRate is each stream's rate in bytes per real second when n streams
// are active; +Inf when neither limit is set.
func (p Performance) streamRate(n int) float64 {
	r := math.Inf(1)
	if p.CopyRate > 0 {
		r = float64(p.CopyRate)
	}
	if p.AggregateCap > 0 && n > 0 {
		r = min(r, float64(p.AggregateCap)/float64(n))
	}
	return r / p.scale()
}

func (b *bandwidth) set(p Performance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.advance(now)
	b.perf = p
	b.rng = seededRand(p.Seed)
	b.settle(now)
}

// requestTime is the scaled time a request takes before it is served: the
// round trip and a straggling server time.
func (b *bandwidth) requestTime() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.perf.RoundTrip
	if b.perf.ServerTime > 0 {
		d += time.Duration(float64(b.perf.ServerTime) * b.straggle())
	}
	return b.perf.scaled(d)
}

// straggle draws the next multiplier of a server time or a stream's service:
// lognormal with median 1 and sigma Straggle; always 1 without Straggle.
func (b *bandwidth) straggle() float64 {
	if b.perf.Straggle <= 0 {
		return 1
	}
	return math.Exp(b.perf.Straggle * b.rng.NormFloat64())
}

// start registers a stream of n bytes; nil means it needs no time.
func (b *bandwidth) start(n int64) *stream {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n <= 0 || b.closed || math.IsInf(b.perf.streamRate(len(b.streams)+1), 1) {
		return nil
	}
	now := time.Now()
	b.advance(now)
	st := &stream{finish: b.vtime + float64(n)*b.straggle(), done: make(chan struct{})}
	st.index = len(b.streams)
	b.streams = append(b.streams, st)
	b.settle(now)
	return st
}

// leave removes a stream that gave up before it was done.
func (b *bandwidth) leave(st *stream) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st.index < 0 {
		return
	}
	now := time.Now()
	b.advance(now)
	b.remove(st)
	b.settle(now)
}

func (b *bandwidth) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.wake.cancel(b.next)
}

// advance moves the virtual time to now at the current rate.
func (b *bandwidth) advance(now time.Time) {
	if n := len(b.streams); n > 0 {
		if r := b.perf.streamRate(n); !math.IsInf(r, 1) {
			b.vtime += now.Sub(b.updated).Seconds() * r
		}
	}
	b.updated = now
}

// settle releases the streams that are done at the current virtual time and
// arms the wake-up for the next finish.
func (b *bandwidth) settle(now time.Time) {
	if b.closed {
		return
	}
	b.wake.cancel(b.next)
	b.next = nil
	for len(b.streams) > 0 {
		r := b.perf.streamRate(len(b.streams))
		next := b.streams[0]
		for _, st := range b.streams[1:] {
			if st.finish < next.finish {
				next = st
			}
		}
		left := time.Duration(math.Ceil((next.finish - b.vtime) / r * float64(time.Second)))
		if left > finishSlack {
			b.next = b.wake.at(now.Add(left), b.tick)
			return
		}
		b.remove(next)
		close(next.done)
	}
	// Idle: restart virtual time so that it never grows large enough to
	// lose byte precision in float64.
	b.vtime = 0
	b.updated = now
}

// tick runs when the earliest stream is due (or, harmlessly, just after
// settle replaced that wake-up while it was being run).
func (b *bandwidth) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	now := time.Now()
	b.advance(now)
	b.settle(now)
}

// remove takes st out of the active streams.
func (b *bandwidth) remove(st *stream) {
	b.streams = removeIndexed(b.streams, &st.index, func(s *stream) *int { return &s.index })
}

// removeIndexed removes the element whose position in s is *at from s, a
// slice kept in no particular order, in constant time: the last element
// takes its place and its position (index gives it) is updated; *at becomes
// -1.
func removeIndexed[T any](s []*T, at *int, index func(*T) *int) []*T {
	i, last := *at, len(s)-1
	s[i] = s[last]
	*index(s[i]) = i
	s[last] = nil
	*at = -1
	return s[:last]
}

// waker runs functions at their deadlines, to within microseconds on a
// quiet machine. A Go timer alone fires up to a millisecond late when the
// process is otherwise idle (the runtime's poller sleeps in whole
// milliseconds): little against a 30 ms round trip, but every modeled wait
// gained 0.3-1 ms whatever the time scale, which distorted ratios measured
// at small scales. One goroutine serves all deadlines, and only while there
// are any: it sleeps on a timer until spinWindow before the earliest, then
// yields in a loop until that one is due.
type waker struct {
	mu      sync.Mutex
	pending []*wakeup // in no particular order: about one per request in flight
	running bool      // the serving goroutine exists
	closed  bool
	kick    chan struct{} // capacity 1: an earlier deadline arrived, or close
	served  sync.WaitGroup
}

// spinWindow covers the Go timer's lateness: the poller's whole
// milliseconds and a thread's wake-up.
const spinWindow = 1500 * time.Microsecond

// wakeup is one pending deadline.
type wakeup struct {
	at    time.Time
	fn    func()
	index int // in pending; -1 once run or cancelled
}

// at schedules fn, which must not block, to run at t on the waker's
// goroutine. After close nothing runs.
func (w *waker) at(t time.Time, fn func()) *wakeup {
	wu := &wakeup{at: t, fn: fn, index: -1}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return wu
	}
	wu.index = len(w.pending)
	w.pending = append(w.pending, wu)
	switch {
	case !w.running:
		w.running = true
		w.served.Add(1)
		go w.serve()
	case w.earliest() == wu:
		w.poke()
	}
	return wu
}

// cancel keeps a pending wu (nil allowed) from running.
func (w *waker) cancel(wu *wakeup) {
	if wu == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.remove(wu)
	// The serving goroutine may be asleep until wu's deadline, which can be
	// a round trip away: with nothing left to wait for it ends now.
	if len(w.pending) == 0 {
		w.poke()
	}
}

// close drops every pending deadline and waits for the serving goroutine
// to end.
func (w *waker) close() {
	w.mu.Lock()
	w.closed = true
	for len(w.pending) > 0 {
		w.remove(w.pending[0])
	}
	w.poke()
	w.mu.Unlock()
	w.served.Wait()
}

func (w *waker) poke() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// earliest is the pending wake-up due first; w.pending must not be empty.
func (w *waker) earliest() *wakeup {
	first := w.pending[0]
	for _, wu := range w.pending[1:] {
		if wu.at.Before(first.at) {
			first = wu
		}
	}
	return first
}

func (w *waker) remove(wu *wakeup) {
	if wu.index >= 0 {
		w.pending = removeIndexed(w.pending, &wu.index, func(u *wakeup) *int { return &u.index })
	}
}

func (w *waker) serve() {
	defer w.served.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		w.mu.Lock()
		if len(w.pending) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		next := w.earliest()
		wait := time.Until(next.at)
		if wait <= 0 {
			w.remove(next)
			w.mu.Unlock()
			next.fn()
			continue
		}
		w.mu.Unlock()
		if wait <= spinWindow {
			runtime.Gosched()
			continue
		}
		t.Reset(wait - spinWindow)
		select {
		case <-t.C:
		case <-w.kick:
		}
	}
}
