package ossemu

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault is a failure injected into requests of one OSS operation.
//
// Which requests it hits: the requests whose operation is Op (and whose
// bucket is Bucket, when set), counted from 1 from when the fault was added.
// From the Nth of them on (Nth 0 = from the first) each one is hit with
// chance Probability (0 = certainly), until the fault has fired Times times
// (0 = no limit; when only Nth is set it fires once, on the Nth request).
//
// What it does: wait Delay first (real time, not scaled by the performance
// model). Then, if Status or Code is set, answer OSS's error XML with them
// instead of performing the operation; if Drop is set, close the connection
// without an answer instead. AfterApply performs the operation first and
// then loses its answer: the connection is dropped, or, when Status or Code
// is set, that error is sent instead of the real answer. A fault with only
// Delay set delays the request and then serves it normally.
type Fault struct {
	Op          string        // OSS operation name, as RequestCount uses it; "" = any
	Bucket      string        // bucket the request addresses; "" = any
	Probability float64       // chance per eligible request, 0..1 (0 = every eligible request)
	Nth         int           // first eligible request, 1-based (0 = the first)
	Times       int           // most firings (0 = unlimited, or 1 when Nth is set and Probability is 0)
	Status      int           // HTTP status to answer with, e.g. 503 (0 = the status of Code, or 500)
	Code        string        // OSS error code to answer with, e.g. "ServiceUnavailable" ("" = derived from Status)
	Drop        bool          // close the connection without an answer
	AfterApply  bool          // perform the operation, then drop or fail (a lost answer)
	Delay       time.Duration // wait before handling (or before failing)
}

// AddFault adds f after the faults added before. Each request is offered to
// the faults whose Op matches, in the order they were added: every fault
// that fires adds its Delay, and the first fault that fires with an outcome
// (an error, a drop or a lost answer) decides the request's fate; faults
// after it are not offered that request, though it counts for their Nth.
// AddFault panics on values out of range, since that is a bug in the test.
func (s *Server) AddFault(f Fault) {
	if f.Probability < 0 || f.Probability > 1 || f.Nth < 0 || f.Times < 0 ||
		f.Delay < 0 || f.Status != 0 && (f.Status < 300 || f.Status > 599) {
		panic(fmt.Sprintf("ossemu: invalid fault %+v", f))
	}
	if f.Nth > 0 && f.Probability == 0 && f.Times == 0 {
		f.Times = 1
	}
	s.ctl.faults.add(f)
}

// ClearFaults removes all faults.
func (s *Server) ClearFaults() { s.ctl.faults.clear() }

// SetFaultSeed makes the probabilistic faults' choices repeatable: after it,
// the same sequence of requests meets the same faults. Without it the seed
// is random.
func (s *Server) SetFaultSeed(seed uint64) { s.ctl.faults.seed(seed) }

// FaultsFired is the number of times faults have fired since the server
// started, for reports of how many faults a test survived.
func (s *Server) FaultsFired() int { return s.ctl.faults.firedCount() }

type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	faults []*faultState
	fired  int
}

type faultState struct {
	Fault
	seen  int // matching requests so far
	fired int
}

func (fs *faultSet) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, &faultState{Fault: f})
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

func (fs *faultSet) seed(seed uint64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rng = seededRand(seed)
}

func (fs *faultSet) firedCount() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.fired
}

// decide offers a request of operation op to the faults. It returns the
// total delay and the fault that decides the outcome (nil: serve normally).
func (fs *faultSet) decide(op, bucket string) (time.Duration, *Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var delay time.Duration
	var outcome *Fault
	for _, f := range fs.faults {
		if f.Op != "" && f.Op != op || f.Bucket != "" && f.Bucket != bucket {
			continue
		}
		f.seen++
		if outcome != nil || !fs.fires(f) {
			continue
		}
		f.fired++
		fs.fired++
		delay += f.Delay
		if f.Status != 0 || f.Code != "" || f.Drop || f.AfterApply {
			decided := f.Fault
			outcome = &decided
		}
	}
	return delay, outcome
}

func (fs *faultSet) fires(f *faultState) bool {
	if f.seen < f.Nth || f.Times > 0 && f.fired >= f.Times {
		return false
	}
	if f.Probability == 0 {
		return true
	}
	if fs.rng == nil {
		fs.rng = seededRand(rand.Uint64())
	}
	return fs.rng.Float64() < f.Probability
}

// seededRand is the generator of the emulator's repeatable choices: the
// same seed gives the same sequence.
func seededRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
}

// answers reports whether the fault ends in an error answer (not a drop).
func (f *Fault) answers() bool { return !f.Drop && (f.Status != 0 || f.Code != "") }

// ossError is the error a fault answers with. A code OSS's error table knows
// keeps its message and EC when its status matches.
func (f *Fault) ossError() *ossError {
	status, code := f.Status, f.Code
	if code == "" {
		code = faultCode(status)
	}
	spec, known := errorSpecs[code]
	if status == 0 {
		status = http.StatusInternalServerError
		if known {
			status = spec.status
		}
	}
	e := &ossError{status: status, code: code, message: "Fault injected by the OSS emulator."}
	if known && spec.status == status {
		e.message, e.ec = spec.message, spec.ec
	}
	return e
}

// faultCode names the OSS error code for an HTTP status.
func faultCode(status int) string {
	switch status {
	case 0, http.StatusInternalServerError:
		return "InternalError"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// serveControlled runs serve, which answers rq, under the performance model
// and the faults that fire for rq.
func (s *Server) serveControlled(rq *request, serve func()) {
	delay, f := s.ctl.faults.decide(rq.op, rq.bucket)
	if err := s.ctl.requestWait(rq.r.Context(), delay); err != nil {
		return // the client hung up or the server is closing: nobody to answer
	}
	if f == nil {
		serve()
		return
	}
	if f.AfterApply {
		w := rq.w
		rq.w = &discardWriter{header: http.Header{}}
		serve()
		rq.w = w
	}
	if f.answers() {
		writeError(rq.w, rq.r, rq.id, f.ossError())
		return
	}
	dropConnection(rq.w)
}

// dropConnection closes the client's connection without an answer, as a
// network failure would.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Only HTTP/1 connections can be hijacked; the server aborts any
		// other response when the handler panics with ErrAbortHandler.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// discardWriter receives the answer of an operation whose answer is lost.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// Deny refuses every later request of the operations ops (SDK names, as
// RequestCount uses them) with 403 AccessDenied and EC 0003-00000001, once
// its signature is checked, as OSS refuses a RAM user or role that no policy
// allows the operation's action (oss:<operation>). Denying GetObjectTagging
// also hides x-oss-tagging-count from HeadObject and GetObject, as OSS shows
// the count only to those who may read the tags. Deny with no operations
// allows everything again.
func (s *Server) Deny(ops ...string) { s.ctl.denied.set(ops) }

// deniedOps is the set of operations Deny refuses.
type deniedOps struct {
	mu  sync.Mutex
	ops map[string]bool
}

func (d *deniedOps) set(ops []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ops = make(map[string]bool, len(ops))
	for _, op := range ops {
		d.ops[op] = true
	}
}

func (d *deniedOps) has(op string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ops[op]
}

// checkAllowed refuses an operation that Deny denies.
func (s *Server) checkAllowed(rq *request) error {
	if s.ctl.denied.has(rq.op) {
		return errorf("AccessDenied", "You have no right to access this object because of bucket acl.").withEC("0003-00000001")
	}
	return nil
}

// hideTaggingCount removes x-oss-tagging-count from h unless the requester
// may read tags.
func (s *Server) hideTaggingCount(h http.Header) {
	if s.ctl.denied.has("GetObjectTagging") {
		h.Del("x-oss-tagging-count")
	}
}
