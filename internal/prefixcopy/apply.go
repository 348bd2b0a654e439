package prefixcopy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

const (
	// DefaultParallelism is the number of objects copied at once when
	// Copier.Parallelism is 0. Small objects take one CopyObject each, so
	// this many requests are in flight; OSS copies each on its side.
	DefaultParallelism = 32
	// MaxParallelism is the highest Copier.Parallelism accepted.
	MaxParallelism = 256
	// maxFailures stops an apply from starting more copies once this many
	// failed: a cause that fails every object (a denied permission, a full
	// quota) should not be tried on all of them.
	maxFailures = 10
	// deleteBatch is the most keys one DeleteMultipleObjects request takes.
	deleteBatch = 1000
)

// CopyFunc copies one object. Every copy of an apply goes through it.
type CopyFunc func(ctx context.Context, p objectcopy.Params) (*objectcopy.Result, error)

// Copier applies plans from one source prefix to one destination prefix.
type Copier struct {
	// Client deletes the copies a plan removes.
	Client                     *oss.Client
	SourceBucket, SourcePrefix string
	Bucket, Prefix             string
	// Parallelism is the number of objects copied at once, 1 to
	// MaxParallelism; 0 means DefaultParallelism.
	Parallelism int
	// Template holds the engine parameters every copy shares (HTTPClient,
	// Logger, StorageClass, ...); Apply fills in the source and the
	// destination of each.
	Template objectcopy.Params
	// Copy copies one object; nil means objectcopy.Copy with Client.
	Copy CopyFunc
}

// ObjectError is the failure to copy or delete one object.
type ObjectError struct {
	Key string // relative to the prefixes
	// Err names the operation, bucket and key (an *objectcopy.Error), and
	// wraps OSS's error, with its code and request ID.
	Err error
}

func (e *ObjectError) Error() string { return e.Err.Error() }

func (e *ObjectError) Unwrap() error { return e.Err }

// Report is what an apply did.
type Report struct {
	// Manifest holds the copies made now and those kept; after a failure
	// too, so that the next plan copies only what is left.
	Manifest *Manifest
	Copied   int
	Deleted  int
	// Failures lists each object that failed, sorted by key; Skipped counts
	// the copies not started once maxFailures had failed.
	Failures []*ObjectError
	Skipped  int
}

// Err joins the failures, nil when there are none.
func (r *Report) Err() error {
	if len(r.Failures) == 0 && r.Skipped == 0 {
		return nil
	}
	errs := make([]error, 0, len(r.Failures)+1)
	for _, f := range r.Failures {
		errs = append(errs, f)
	}
	if r.Skipped > 0 {
		errs = append(errs, fmt.Errorf("%d more objects were not copied after %d failures", r.Skipped, maxFailures))
	}
	return errors.Join(errs...)
}

// Apply deletes and copies what the plan says, and returns what it did. It
// returns an error only for invalid parameters, before doing anything; the
// failures of single objects are in the report.
func (c *Copier) Apply(ctx context.Context, p Plan) (*Report, error) {
	workers := c.Parallelism
	if workers == 0 {
		workers = DefaultParallelism
	}
	if workers < 1 || workers > MaxParallelism {
		return nil, fmt.Errorf("parallelism %d is outside 1 to %d", workers, MaxParallelism)
	}
	rep := &Report{}
	entries := slices.Clone(p.Keep)
	kept, deleted := c.delete(ctx, p.Delete, rep)
	rep.Deleted = deleted
	entries = append(entries, kept...)
	entries = append(entries, c.copyAll(ctx, p.Copy, workers, rep)...)
	slices.SortFunc(entries, compareEntries)
	slices.SortFunc(rep.Failures, func(a, b *ObjectError) int { return compareEntries(Entry{Key: a.Key}, Entry{Key: b.Key}) })
	rep.Manifest = &Manifest{Entries: entries}
	return rep, nil
}

// copyAll copies the items with a pool of workers and returns the entries
// the manifest holds for them afterwards.
func (c *Copier) copyAll(ctx context.Context, items []Item, workers int, rep *Report) []Entry {
	copyFn := c.Copy
	if copyFn == nil {
		copyFn = func(ctx context.Context, p objectcopy.Params) (*objectcopy.Result, error) {
			return objectcopy.Copy(ctx, c.Client, p)
		}
	}
	var (
		mu       sync.Mutex
		entries  []Entry
		failures atomic.Int32
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	record := func(e *Entry, failure *ObjectError, copied bool) {
		mu.Lock()
		defer mu.Unlock()
		if e != nil {
			entries = append(entries, *e)
		}
		if failure != nil {
			rep.Failures = append(rep.Failures, failure)
		}
		if copied {
			rep.Copied++
		}
	}
	for range min(workers, len(items)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) {
					return
				}
				it := items[i]
				if failures.Load() >= maxFailures || ctx.Err() != nil {
					mu.Lock()
					rep.Skipped++
					mu.Unlock()
					record(it.Previous, nil, false)
					continue
				}
				e, err := c.copyOne(ctx, copyFn, it)
				if err != nil {
					failures.Add(1)
					record(e, &ObjectError{Key: it.Key, Err: err}, false)
					continue
				}
				record(e, nil, true)
			}
		})
	}
	wg.Wait()
	return entries
}

// copyOne copies one item and returns the entry the manifest holds for its
// key afterwards: the new copy; after a failure the copy it had, or the
// object a failed copy left in place.
func (c *Copier) copyOne(ctx context.Context, copyFn CopyFunc, it Item) (*Entry, error) {
	p := c.Template
	p.SourceBucket, p.SourceKey = c.SourceBucket, c.SourcePrefix+it.Key
	p.Bucket, p.Key = c.Bucket, c.Prefix+it.Key
	res, err := copyFn(ctx, p)
	if err != nil {
		var w *objectcopy.WrittenError
		if errors.As(err, &w) {
			// The object is there but unverified: recorded with no source
			// ETag, the next plan copies it again, and destroy deletes it.
			return &Entry{Key: it.Key, Size: w.Source.Size, ETag: trimETag(w.ETag), VersionID: w.VersionID}, err
		}
		return it.Previous, err
	}
	return &Entry{
		Key: it.Key, Size: res.Size, SourceETag: trimETag(res.Source.ETag),
		ETag: trimETag(res.ETag), VersionID: res.VersionID,
	}, nil
}

// delete deletes the entries' copies, exact versions where they have one,
// DeleteMultipleObjects a thousand at a time, and returns the entries whose
// delete failed, which stay in the manifest, and the number deleted.
func (c *Copier) delete(ctx context.Context, entries []Entry, rep *Report) (kept []Entry, deleted int) {
	for batch := range slices.Chunk(entries, deleteBatch) {
		objects := make([]oss.DeleteObject, len(batch))
		for i, e := range batch {
			objects[i] = oss.DeleteObject{Key: oss.Ptr(c.Prefix + e.Key)}
			if e.exactVersion() {
				objects[i].VersionId = oss.Ptr(e.VersionID)
			}
		}
		_, err := c.Client.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{
			Bucket: oss.Ptr(c.Bucket), Delete: &oss.Delete{Objects: objects, Quiet: true},
		})
		if err != nil {
			// OSS fails the whole request: each key of the batch is named, as
			// each stays in the manifest.
			for _, e := range batch {
				rep.Failures = append(rep.Failures, &ObjectError{Key: e.Key, Err: &objectcopy.Error{
					Op: "DeleteMultipleObjects", Bucket: c.Bucket, Key: c.Prefix + e.Key, Err: err,
				}})
			}
			kept = append(kept, batch...)
			continue
		}
		deleted += len(batch)
	}
	return kept, deleted
}
