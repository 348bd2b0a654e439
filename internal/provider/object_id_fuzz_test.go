package provider

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// objectCopyIDSeeds are ids as users write them and as String makes them,
// including the key characters the import documentation calls out.
var objectCopyIDSeeds = []string{
	"dst-bucket/out/hello.txt=src-bucket/in/hello.txt",
	"dst-bucket/backups/a%20b.bin=src-bucket/a%20b.bin",
	"dst-bucket/a%3Db=src-bucket/k?versionId=CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjE0MDA1ZWM2",
	"dst-bucket/%25%3F%23+%E6%97%A5=src-bucket/x",
	"dst-bucket/k=src-bucket/k?versionId=v1&versionId=v2",
	"dst-bucket/k=src-bucket/k?other=1",
	"dst-bucket/k=src-bucket/k?versionId=",
	"dst-bucket/k=src-bucket/%zz",
	"dst-bucket=src-bucket/k",
	"no-equals-sign",
	"",
}

// FuzzParseObjectCopyID checks that any id the parser accepts names a
// complete copy and is canonicalized by String without losing anything.
func FuzzParseObjectCopyID(f *testing.F) {
	for _, s := range objectCopyIDSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseObjectCopyID(s)
		if err != nil {
			return
		}
		if id.Bucket == "" || id.Key == "" || id.SourceBucket == "" || id.SourceKey == "" {
			t.Fatalf("parseObjectCopyID(%q) = %#v: accepted with an empty part", s, id)
		}
		again, err := parseObjectCopyID(id.String())
		if err != nil {
			t.Fatalf("parseObjectCopyID(%q) = %#v, whose String %q does not parse: %v", s, id, id.String(), err)
		}
		if again != id {
			t.Fatalf("parseObjectCopyID(%q) = %#v, but its String %q parses as %#v", s, id, id.String(), again)
		}
	})
}

// FuzzObjectCopyIDRoundTrip checks the promise of the import documentation:
// every key, whatever its characters, survives String and parse.
func FuzzObjectCopyIDRoundTrip(f *testing.F) {
	f.Add("dst-bucket", "out/hello.txt", "src-bucket", "in/hello.txt", "")
	f.Add("dst-bucket", "sp ace/+plus/%pct/#hash/?q/=eq/日本", "src-bucket", "x=y?z#", "CAEQ12345")
	f.Add("dst-bucket", "a\\b", "src-bucket", "k", "v=1&w=2")
	f.Fuzz(func(t *testing.T, bucket, key, srcBucket, srcKey, versionID string) {
		// Bucket names are validated elsewhere; these cannot occur in one.
		for _, b := range []string{bucket, srcBucket} {
			if b == "" || strings.ContainsAny(b, "/=?%") {
				return
			}
		}
		if key == "" || srcKey == "" || !utf8.ValidString(key) || !utf8.ValidString(srcKey) {
			return
		}
		id := objectCopyID{Bucket: bucket, Key: key, SourceBucket: srcBucket, SourceKey: srcKey, SourceVersionID: versionID}
		got, err := parseObjectCopyID(id.String())
		if err != nil {
			t.Fatalf("%#v: String %q does not parse: %v", id, id.String(), err)
		}
		if got != id {
			t.Fatalf("%#v: String %q parses as %#v", id, id.String(), got)
		}
	})
}
