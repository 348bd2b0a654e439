package provider

import (
	"testing"
)

func TestObjectCopyID_RoundTrip(t *testing.T) {
	t.Parallel()
	testCases := map[string]objectCopyID{
		"plain":        {Bucket: "dst", Key: "a/b.txt", SourceBucket: "src", SourceKey: "c.txt"},
		"odd keys":     {Bucket: "dst", Key: "a b/ü+%/?#=&.txt", SourceBucket: "src", SourceKey: "=x?y#z%25"},
		"version":      {Bucket: "dst", Key: "k", SourceBucket: "src", SourceKey: "k", SourceVersionID: "CAEQ+/=="},
		"slashes only": {Bucket: "dst", Key: "//", SourceBucket: "src", SourceKey: "a//b/"},
	}
	for name, id := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := parseObjectCopyID(id.String())
			if err != nil {
				t.Fatalf("parse %q: %v", id.String(), err)
			}
			if got != id {
				t.Errorf("parse %q = %+v, want %+v", id.String(), got, id)
			}
		})
	}
}

func TestObjectCopyID_HandWritten(t *testing.T) {
	t.Parallel()
	// Only "%", "=" and "?" need encoding when an id is written by hand.
	got, err := parseObjectCopyID("dst/reports/2024 Q1+final.csv=src/ünï/a#b.csv?versionId=V1")
	if err != nil {
		t.Fatal(err)
	}
	want := objectCopyID{Bucket: "dst", Key: "reports/2024 Q1+final.csv", SourceBucket: "src", SourceKey: "ünï/a#b.csv", SourceVersionID: "V1"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestObjectCopyID_Invalid(t *testing.T) {
	t.Parallel()
	testCases := map[string]string{
		"no equals":       "dst/key",
		"no source key":   "dst/key=src",
		"no dest bucket":  "/key=src/key",
		"empty dest key":  "dst/=src/key",
		"bad escape":      "dst/%zz=src/key",
		"unknown query":   "dst/k=src/k?version=1",
		"empty version":   "dst/k=src/k?versionId=",
		"malformed query": "dst/k=src/k?versionId=%zz",
		"empty":           "",
		"only separators": "/=/",
	}
	for name, id := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got, err := parseObjectCopyID(id); err == nil {
				t.Errorf("parse %q = %+v, want an error", id, got)
			}
		})
	}
}
