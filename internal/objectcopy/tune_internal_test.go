package objectcopy

import (
	"cmp"
	"testing"
	"time"
)

const (
	mib = 1 << 20
	rtt = 100 * time.Millisecond
)

// parts returns n samples of parts of size bytes copied at rate bytes/s
// after a round trip rtt.
func parts(n int, size int64, rate float64) []partSample { return partsAfter(rtt, n, size, rate) }

// partsAfter is parts after a round trip rt.
func partsAfter(rt time.Duration, n int, size int64, rate float64) []partSample {
	took := rt + time.Duration(float64(size)/rate*float64(time.Second))
	s := make([]partSample, n)
	for i := range s {
		s[i] = partSample{size: size, took: took}
	}
	return s
}

func copyTime(size int64, rate float64) time.Duration {
	return time.Duration(float64(size) / rate * float64(time.Second))
}

func TestTuner_Decisions(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		observe    func(*Tuner)
		size       int64
		wantSingle bool
		wantPar    int
		// wantParts is how many parts the plan cuts; 0: one round of
		// wantPar parts.
		wantParts int64
	}{
		"nothing measured: static threshold, cautious start": {
			observe: func(*Tuner) {}, size: 64 * mib, wantPar: startParallelism,
		},
		"streams at full rate: parallelism grows past what a 2.5 GiB/s cap needs of 50 MiB/s streams": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
			},
			size: 1 << 30, wantPar: 64,
		},
		"many streams, 64 MiB: no part copies for less than a quarter round trip": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				// 64 streams share 2.5 GiB/s: 40 MiB/s each, not yet taken
				// for a cap.
				tu.observeParts(64, parts(64, 16*mib, 40*mib), false)
			},
			// Parts of 100 ms x 50 MiB/s / 4 = 1.25 MiB, not 100 of 0.64 MiB.
			size: 64 * mib, wantPar: MaxParallelism, wantParts: 52,
		},
		"many streams, short round trip: one round of small parts": {
			observe: func(tu *Tuner) {
				const rt = 2 * time.Millisecond
				tu.observeRoundTrip(rt)
				tu.observeParts(8, partsAfter(rt, 8, 8*mib, 50*mib), false)
				tu.observeParts(64, partsAfter(rt, 64, 16*mib, 40*mib), false)
			},
			size: 64 * mib, wantPar: MaxParallelism,
		},
		"streams slowed by a cap, none straggling: parallelism settles a quarter above what it needs": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				// 32 streams share 800 MiB/s: 25 MiB/s each.
				tu.observeParts(32, parts(32, 2*mib, 25*mib), false)
			},
			size: 1 << 30, wantPar: 800 / 50 * 5 / 4,
		},
		"streams slowed by a cap, one straggling: parallelism settles at twice what it needs": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				p := parts(32, 2*mib, 25*mib)
				p[7] = parts(1, 2*mib, 20*mib)[0]
				tu.observeParts(32, p, false)
			},
			size: 1 << 30, wantPar: overprovision * 800 / 50,
		},
		"settled under a cap: streams at 0.84 of their rate keep the cap": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				tu.observeParts(32, parts(32, 2*mib, 25*mib), false)
				// 20 streams measure 840 MiB/s together, within the noise
				// of an 800 MiB/s cap.
				tu.observeParts(20, parts(20, 2*mib, 42*mib), false)
			},
			size: 1 << 30, wantPar: 20,
		},
		"settled under a cap: streams at full rate show that it rose": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				tu.observeParts(32, parts(32, 2*mib, 25*mib), false)
				tu.observeParts(20, parts(20, 2*mib, 50*mib), false)
			},
			size: 1 << 30, wantPar: MaxParallelism,
		},
		"fast stream, long round trip: one CopyObject for 64 MiB": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeSingle(64*mib, rtt+copyTime(64*mib, 600*mib))
			},
			size: 64 * mib, wantSingle: true, wantPar: startParallelism,
		},
		"slow stream: multipart for 64 MiB": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeSingle(16*mib, rtt+copyTime(16*mib, 50*mib))
			},
			size: 64 * mib, wantPar: startParallelism,
		},
		"capped from the start: a stream alone may reach the cap, so CopyObject is tried": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				// 8 streams share 600 MiB/s, then 32 do.
				tu.observeParts(8, parts(8, 8*mib, 75*mib), false)
				tu.observeParts(32, parts(32, 2*mib, 600.0/32*mib), false)
			},
			size: 64 * mib, wantSingle: true, wantPar: 8 * 5 / 4,
		},
		"capped from the start, 30 ms round trip: CopyObject is still worth trying at 64 MiB": {
			observe: func(tu *Tuner) {
				const rt = 30 * time.Millisecond
				tu.observeRoundTrip(rt)
				tu.observeParts(8, partsAfter(rt, 8, 8*mib, 600.0/8*mib), false)
				tu.observeParts(64, partsAfter(rt, 64, 16*mib, 600.0/64*mib), false)
			},
			size: 64 * mib, wantSingle: true, wantPar: 8 * 5 / 4,
		},
		"capped from the start, 1 GiB: a CopyObject at 75 MiB/s would lose too much to try": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 75*mib), false)
				tu.observeParts(32, parts(32, 2*mib, 600.0/32*mib), false)
			},
			size: 1 << 30, wantPar: 8 * 5 / 4,
		},
		"throttled: parallelism halves": {
			observe: func(tu *Tuner) {
				tu.observeRoundTrip(rtt)
				tu.observeParts(8, parts(8, 8*mib, 50*mib), false)
				tu.observeParts(32, parts(32, 2*mib, 50*mib), true)
			},
			size: 1 << 30, wantPar: 16,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tu := NewTuner()
			tc.observe(tu)
			p := tu.plan(tc.size, 0, 0)
			if p.single != tc.wantSingle || p.parallelism != tc.wantPar {
				t.Errorf("plan %+v, want single %t and parallelism %d", p, tc.wantSingle, tc.wantPar)
			}
			want := cmp.Or(tc.wantParts, int64(p.parallelism))
			if got := ceilDiv(tc.size, p.partSize); !p.single && got != want {
				t.Errorf("part size %d cuts %d parts, want %d", p.partSize, got, want)
			}
		})
	}
}

// The caller's part size and parallelism win over the Tuner's.
func TestTuner_ExplicitParams(t *testing.T) {
	t.Parallel()
	tu := NewTuner()
	tu.observeRoundTrip(rtt)
	tu.observeSingle(64*mib, 200*time.Millisecond)
	if p := tu.plan(64*mib, MinPartSize, 3); p.single || p.partSize != MinPartSize || p.parallelism != 3 {
		t.Errorf("plan %+v, want multipart with the given part size and parallelism", p)
	}
}
