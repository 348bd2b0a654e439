package objectcopy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

const (
	kib = int64(1024)
	mib = 1024 * kib
	gib = 1024 * mib
)

func TestPlanParts(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		size, partSize int64
		wantParts      int
		wantLastSize   int64
		wantErr        string
		wantTooMany    bool // the error wraps ErrTooManyParts
	}{
		"zero bytes":                  {size: 0, partSize: 5 * mib, wantParts: 0},
		"one byte":                    {size: 1, partSize: objectcopy.MinPartSize, wantParts: 1, wantLastSize: 1},
		"smaller than one part":       {size: 50 * kib, partSize: objectcopy.MinPartSize, wantParts: 1, wantLastSize: 50 * kib},
		"exactly one part":            {size: 5 * mib, partSize: 5 * mib, wantParts: 1, wantLastSize: 5 * mib},
		"one byte over one part":      {size: 5*mib + 1, partSize: 5 * mib, wantParts: 2, wantLastSize: 1},
		"one byte under two parts":    {size: 10*mib - 1, partSize: 5 * mib, wantParts: 2, wantLastSize: 5*mib - 1},
		"minimum part size":           {size: 3 * objectcopy.MinPartSize, partSize: objectcopy.MinPartSize, wantParts: 3, wantLastSize: objectcopy.MinPartSize},
		"maximum part size":           {size: 6 * gib, partSize: objectcopy.MaxPartSize, wantParts: 2, wantLastSize: 1 * gib},
		"exactly 10000 parts":         {size: 10000 * mib, partSize: mib, wantParts: 10000, wantLastSize: mib},
		"one byte over 10000 parts":   {size: 10000*mib + 1, partSize: mib, wantErr: "10001 parts, more than the 10000 OSS allows: use a part size of at least 1048577 bytes", wantTooMany: true},
		"largest object":              {size: objectcopy.MaxObjectSize, partSize: objectcopy.MaxPartSize, wantParts: 10000, wantLastSize: objectcopy.MaxPartSize},
		"one byte over largest":       {size: objectcopy.MaxObjectSize + 1, partSize: objectcopy.MaxPartSize, wantErr: "too large for a multipart copy", wantTooMany: true},
		"part size under minimum":     {size: 10 * mib, partSize: objectcopy.MinPartSize - 1, wantErr: "part size 102399 is out of range"},
		"part size over maximum":      {size: 10 * gib, partSize: objectcopy.MaxPartSize + 1, wantErr: "part size 5368709121 is out of range"},
		"negative size":               {size: -1, partSize: mib, wantErr: "invalid object size -1"},
		"automatic, zero bytes":       {size: 0, wantParts: 0},
		"automatic, 12 GiB":           {size: 12 * gib, wantParts: 192, wantLastSize: 64 * mib},
		"automatic, largest object":   {size: objectcopy.MaxObjectSize, wantParts: 10000, wantLastSize: objectcopy.MaxPartSize},
		"automatic, too large object": {size: objectcopy.MaxObjectSize + 1, wantErr: "too large for a multipart copy", wantTooMany: true},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			parts, err := objectcopy.PlanParts(tc.size, tc.partSize)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("PlanParts(%d, %d) error = %v, want one containing %q", tc.size, tc.partSize, err, tc.wantErr)
				}
				if errors.Is(err, objectcopy.ErrTooManyParts) != tc.wantTooMany {
					t.Errorf("PlanParts(%d, %d) error = %v: wraps ErrTooManyParts %v, want %v", tc.size, tc.partSize, err, !tc.wantTooMany, tc.wantTooMany)
				}
				return
			}
			if err != nil {
				t.Fatalf("PlanParts(%d, %d): %v", tc.size, tc.partSize, err)
			}
			if len(parts) != tc.wantParts {
				t.Fatalf("PlanParts(%d, %d) gave %d parts, want %d", tc.size, tc.partSize, len(parts), tc.wantParts)
			}
			checkPlan(t, tc.size, parts)
			if len(parts) > 0 {
				if got := parts[len(parts)-1].Size(); got != tc.wantLastSize {
					t.Errorf("last part has %d bytes, want %d", got, tc.wantLastSize)
				}
			}
		})
	}
}

// checkPlan asserts what OSS requires of a part list: numbers 1..n in order,
// contiguous ranges covering the object exactly, every part but the last of
// equal size within [MinPartSize, MaxPartSize].
func checkPlan(t *testing.T, size int64, parts []objectcopy.Part) {
	t.Helper()

	var next int64
	for i, p := range parts {
		if p.Number != int32(i+1) {
			t.Fatalf("part %d has number %d", i, p.Number)
		}
		if p.First != next || p.Last < p.First {
			t.Fatalf("part %d covers %d-%d, want it to start at %d", p.Number, p.First, p.Last, next)
		}
		if p.Size() > objectcopy.MaxPartSize {
			t.Fatalf("part %d has %d bytes, more than the maximum", p.Number, p.Size())
		}
		if i < len(parts)-1 {
			if p.Size() < objectcopy.MinPartSize {
				t.Fatalf("part %d has %d bytes, less than the minimum for a non-last part", p.Number, p.Size())
			}
			if p.Size() != parts[0].Size() {
				t.Fatalf("part %d has %d bytes, part 1 has %d", p.Number, p.Size(), parts[0].Size())
			}
		}
		next = p.Last + 1
	}
	if next != size {
		t.Fatalf("parts cover %d bytes, want %d", next, size)
	}
}

func TestAutoPartSize(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		size      int64
		wantSize  int64
		wantParts int
	}{
		"zero bytes":                   {size: 0, wantSize: objectcopy.MinPartSize},
		"one byte":                     {size: 1, wantSize: objectcopy.MinPartSize, wantParts: 1},
		"under one round of minimum":   {size: objectcopy.DefaultParallelism*objectcopy.MinPartSize - 1, wantSize: objectcopy.MinPartSize, wantParts: objectcopy.DefaultParallelism},
		"64 MiB, one round":            {size: 64 * mib, wantSize: 4 * mib, wantParts: objectcopy.DefaultParallelism},
		"1 GiB, one round":             {size: gib, wantSize: 64 * mib, wantParts: objectcopy.DefaultParallelism},
		"1 GiB and a byte, two rounds": {size: gib + 1, wantSize: 32*mib + 1, wantParts: 2 * objectcopy.DefaultParallelism},
		"9 GiB, whole rounds":          {size: 9 * gib, wantSize: 64 * mib, wantParts: 9 * objectcopy.DefaultParallelism},
		"12 GiB, whole rounds":         {size: 12 * gib, wantSize: 64 * mib, wantParts: 12 * objectcopy.DefaultParallelism},
		"1 TiB, at the part cap":       {size: 1024 * gib, wantSize: 109951163, wantParts: 10000},
		"largest object":               {size: objectcopy.MaxObjectSize, wantSize: objectcopy.MaxPartSize, wantParts: objectcopy.MaxParts},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got := objectcopy.AutoPartSize(tc.size)
			if got != tc.wantSize {
				t.Fatalf("AutoPartSize(%d) = %d, want %d", tc.size, got, tc.wantSize)
			}
			parts, err := objectcopy.PlanParts(tc.size, got)
			if err != nil {
				t.Fatalf("PlanParts(%d, AutoPartSize): %v", tc.size, err)
			}
			if len(parts) != tc.wantParts {
				t.Fatalf("AutoPartSize(%d) gives %d parts, want %d", tc.size, len(parts), tc.wantParts)
			}
			checkPlan(t, tc.size, parts)
		})
	}
}

// Every size from 0 to a few parts around the boundaries that matter must
// give a plan OSS accepts.
func FuzzPlanParts(f *testing.F) {
	for _, s := range []int64{0, 1, objectcopy.MinPartSize, 10000 * mib, 10000*mib + 1, objectcopy.MaxObjectSize} {
		f.Add(s, int64(0))
		f.Add(s, objectcopy.MinPartSize)
	}
	f.Fuzz(func(t *testing.T, size, partSize int64) {
		parts, err := objectcopy.PlanParts(size, partSize)
		if err != nil {
			return
		}
		if len(parts) > objectcopy.MaxParts {
			t.Fatalf("%d parts", len(parts))
		}
		checkPlan(t, size, parts)
	})
}
