package prefixcopy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/prefixcopy"
)

func TestSelection(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		sel  prefixcopy.Selection
		want []string
	}{
		"everything":           {prefixcopy.Selection{}, []string{"a.csv", "a.txt", "d/b.csv", "d/e/c.csv", "tmp/t.csv"}},
		"star stays in a dir":  {prefixcopy.Selection{Include: []string{"*.csv"}}, []string{"a.csv"}},
		"double star descends": {prefixcopy.Selection{Include: []string{"**/*.csv"}}, []string{"a.csv", "d/b.csv", "d/e/c.csv", "tmp/t.csv"}},
		"exclude wins": {
			prefixcopy.Selection{Include: []string{"**/*.csv"}, Exclude: []string{"tmp/**", "d/e/*"}},
			[]string{"a.csv", "d/b.csv"},
		},
		"braces and classes": {prefixcopy.Selection{Include: []string{"{a,d/b}.[ct]sv"}}, []string{"a.csv", "d/b.csv"}},
	}
	keys := []string{"a.csv", "a.txt", "d/b.csv", "d/e/c.csv", "tmp/t.csv"}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, k := range keys {
				if tc.sel.Selects(k) {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("selected %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidatePattern(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		"**/*.csv":  "",
		"[unclosed": `"[unclosed" is not a valid glob pattern (check its brackets and braces)`,
		"{a,b":      `"{a,b" is not a valid glob pattern (check its brackets and braces)`,
		"":          "empty pattern matches no key",
	} {
		err := prefixcopy.ValidatePattern(pattern)
		if got := fmt.Sprint(err); (want == "" && err != nil) || (want != "" && got != want) {
			t.Errorf("ValidatePattern(%q) = %v, want %q", pattern, err, want)
		}
	}
}

func TestManifestRoundTrip(t *testing.T) {
	t.Parallel()
	m := &prefixcopy.Manifest{Entries: []prefixcopy.Entry{
		{Key: "a", Size: 1, SourceETag: "S1", ETag: "D1"},
		{Key: "b/ü", Size: 2, SourceETag: "S2", ETag: "D2", VersionID: "v2"},
	}}
	encoded, digest, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := prefixcopy.Decode(encoded, digest)
	if err != nil || !slices.Equal(got.Entries, m.Entries) {
		t.Fatalf("Decode = %v, %v; want %v", got, err, m.Entries)
	}
	if got.ObjectCount() != 2 || got.TotalBytes() != 3 {
		t.Errorf("count, bytes = %d, %d; want 2, 3", got.ObjectCount(), got.TotalBytes())
	}
	_, err = prefixcopy.Decode(encoded, "sha256:00")
	if err == nil || !strings.Contains(err.Error(), "but the state records sha256:00") {
		t.Errorf("Decode with another digest = %v; want a digest mismatch", err)
	}
}

// TestManifestSize shows what an entry costs in the state: versioned
// entries with random-looking ETags and version IDs, the worst case, about
// 38 bytes each, so 3.8 MB for 100,000 objects.
func TestManifestSize(t *testing.T) {
	t.Parallel()
	m := &prefixcopy.Manifest{}
	const n = 20_000
	for i := range n {
		m.Entries = append(m.Entries, prefixcopy.Entry{
			Key: fmt.Sprintf("data/part-%06d.bin", i), Size: int64(i),
			SourceETag: fmt.Sprintf("%032X", uint64(i)*0x9E3779B97F4A7C15), ETag: fmt.Sprintf("%032X", uint64(i)*0xC2B2AE3D27D4EB4F),
			VersionID: fmt.Sprintf("CAEQ%060x", uint64(i)*0x165667B19E3779F9),
		})
	}
	encoded, _, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	perEntry := float64(len(encoded)) / n
	t.Logf("%d entries: %d bytes gzip, %.1f per entry", n, len(encoded), perEntry)
	if perEntry > 48 {
		t.Errorf("an entry takes %.1f bytes, more than 48", perEntry)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	manifest := &prefixcopy.Manifest{Entries: []prefixcopy.Entry{
		{Key: "changed", Size: 1, SourceETag: "OLD", ETag: "C1"},
		{Key: "dst-deleted", Size: 1, SourceETag: "S", ETag: "C2"},
		{Key: "dst-overwritten", Size: 1, SourceETag: "S", ETag: "C3"},
		{Key: "gone-ours", Size: 1, SourceETag: "S", ETag: "C4"},
		{Key: "gone-theirs", Size: 1, SourceETag: "S", ETag: "C5"},
		{Key: "gone-versioned", Size: 1, SourceETag: "S", ETag: "C6", VersionID: "v6"},
		{Key: "same", Size: 1, SourceETag: "S", ETag: "C7"},
	}}
	src := []prefixcopy.Object{
		{Key: "added", Size: 10, ETag: "S"},
		{Key: "changed", Size: 20, ETag: "NEW"},
		{Key: "dst-deleted", Size: 1, ETag: "S"},
		{Key: "dst-overwritten", Size: 1, ETag: "S"},
		{Key: "same", Size: 1, ETag: "S"},
	}
	dst := []prefixcopy.Object{
		{Key: "changed", ETag: "C1"}, {Key: "dst-overwritten", ETag: "X"},
		{Key: "gone-ours", ETag: "C4"}, {Key: "gone-theirs", ETag: "X"}, {Key: "same", ETag: "C7"},
	}
	keys := func(entries []prefixcopy.Entry) (out []string) {
		for _, e := range entries {
			out = append(out, e.Key)
		}
		return out
	}
	copies := func(items []prefixcopy.Item) (out []string) {
		for _, it := range items {
			out = append(out, it.Reason.String()+": "+it.Key)
		}
		return out
	}
	wantCopy := []string{"added: added", "changed: changed", "deleted at destination: dst-deleted", "overwritten at destination: dst-overwritten"}

	kept := prefixcopy.Diff(manifest, src, dst, prefixcopy.Selection{}, false)
	if got := copies(kept.Copy); !slices.Equal(got, wantCopy) {
		t.Errorf("copy %v, want %v", got, wantCopy)
	}
	if got, want := keys(kept.Keep), []string{"gone-ours", "gone-theirs", "gone-versioned", "same"}; !slices.Equal(got, want) {
		t.Errorf("without delete_removed: keep %v, want %v", got, want)
	}
	if len(kept.Delete)+len(kept.Forget) != 0 || kept.BytesToCopy() != 32 || kept.ObjectCount() != 8 {
		t.Errorf("without delete_removed: delete %v, forget %v, bytes %d, count %d; want none, none, 32, 8",
			kept.Delete, kept.Forget, kept.BytesToCopy(), kept.ObjectCount())
	}

	removed := prefixcopy.Diff(manifest, src, dst, prefixcopy.Selection{}, true)
	// An unversioned copy is deleted only while it is still the copy; a
	// versioned one by its version, wherever it stands.
	if got, want := keys(removed.Delete), []string{"gone-ours", "gone-versioned"}; !slices.Equal(got, want) {
		t.Errorf("with delete_removed: delete %v, want %v", got, want)
	}
	if got, want := keys(removed.Forget), []string{"gone-theirs"}; !slices.Equal(got, want) {
		t.Errorf("with delete_removed: forget %v, want %v", got, want)
	}

	// The plan survives its encoding; Keep comes back from the manifest.
	encoded, err := kept.Encode()
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := prefixcopy.DecodePlan(encoded, manifest)
	if err != nil || !slices.Equal(keys(decoded.Keep), keys(kept.Keep)) || !slices.Equal(copies(decoded.Copy), wantCopy) {
		t.Errorf("DecodePlan = %+v, %v; want %+v", decoded, err, kept)
	}
}
