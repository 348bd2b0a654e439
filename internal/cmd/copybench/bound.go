package main

import (
	"math"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// maxCopyObjectSize is the largest source one CopyObject copies, as the
// emulator enforces it.
const maxCopyObjectSize int64 = 5 << 30

// boundText states lowerBound in the benchmark's output.
const boundText = `bound: the fastest any copier can be under the model, unscaled, where a round trip
  is the model's round trip plus its server time (the median one under straggle; QPS
  limits are not counted): every strategy first learns the size (one HEAD round trip:
  CopyObject takes at most 5 GiB, and parts need ranges), then the faster of
    one CopyObject (size <= 5 GiB):  round trip + size / min(stream rate, aggregate cap)
    multipart:  Initiate + one round of k parts + Complete
                = 3 round trips + size / min(k * stream rate, aggregate cap),
                k as large as the part limits allow (10,000 parts of >= 100 KiB);
  a copier that reads the source's tags or metadata on the way pays more`

// lowerBound is the model's floor for copying size bytes, before TimeScale.
func lowerBound(p ossemu.Performance, size int64) time.Duration {
	rt := (p.RoundTrip + p.ServerTime).Seconds()
	s := float64(size)
	rate := func(streams int64) float64 {
		r := math.Inf(1)
		if p.CopyRate > 0 {
			r = float64(streams) * float64(p.CopyRate)
		}
		if p.AggregateCap > 0 {
			r = min(r, float64(p.AggregateCap))
		}
		return r
	}
	best := math.Inf(1)
	if size <= maxCopyObjectSize {
		best = rt + s/rate(1)
	}
	k := max(1, min(objectcopy.MaxParts, size/objectcopy.MinPartSize))
	best = min(best, 3*rt+s/rate(k))
	return time.Duration((rt + best) * float64(time.Second))
}
