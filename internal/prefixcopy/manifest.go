// Package prefixcopy copies every object under a prefix of one bucket to a
// prefix of another, and keeps a manifest of the copies it made, so that a
// later run copies only what changed and deletes only what it copied. Each
// object is copied by the objectcopy engine; the package knows nothing of
// Terraform.
package prefixcopy

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Entry is one copy the manifest records.
type Entry struct {
	// Key is the object's key relative to the source and destination
	// prefixes.
	Key  string `json:"k"`
	Size int64  `json:"s"`
	// SourceETag is the ETag of the source that was copied: a source with
	// another ETag has changed.
	SourceETag string `json:"se"`
	// ETag is the ETag the copy produced: a destination object with another
	// ETag was overwritten by someone else.
	ETag string `json:"e"`
	// VersionID is the destination version the copy produced, "" in an
	// unversioned bucket; destroy deletes exactly that version.
	VersionID string `json:"v,omitempty"`
}

// exactVersion reports whether the entry names a version that a delete can
// address alone: a suspended bucket's "null" version is replaced by the next
// write of the key, so it may be another writer's object by now.
func (e Entry) exactVersion() bool {
	return e.VersionID != "" && e.VersionID != "null"
}

// Manifest is the set of copies, sorted by Key, each key once.
type Manifest struct {
	Entries []Entry
}

// ObjectCount is the number of copies.
func (m *Manifest) ObjectCount() int64 { return int64(len(m.Entries)) }

// TotalBytes is the size of the copies, summed.
func (m *Manifest) TotalBytes() int64 {
	var n int64
	for _, e := range m.Entries {
		n += e.Size
	}
	return n
}

// digestOf is "sha256:" and the hex SHA-256 of raw.
func digestOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonical is the manifest's JSON, which both the digest and the encoding
// are taken from: the entries are sorted, so equal manifests have equal
// bytes.
func (m *Manifest) canonical() ([]byte, error) {
	entries := m.Entries
	if entries == nil {
		entries = []Entry{}
	}
	return json.Marshal(entries)
}

// Encode returns the manifest gzip-compressed, and its digest: "sha256:" and
// the hex SHA-256 of its canonical JSON, which does not depend on how gzip
// compressed it.
func (m *Manifest) Encode() (encoded []byte, digest string, err error) {
	raw, err := m.canonical()
	if err != nil {
		return nil, "", err
	}
	encoded, err = compress(raw)
	return encoded, digestOf(raw), err
}

// Decode reads a manifest that Encode made and checks it against digest.
func Decode(encoded []byte, digest string) (*Manifest, error) {
	raw, err := decompress(encoded)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if got := digestOf(raw); got != digest {
		return nil, fmt.Errorf("manifest digest is %s, but the state records %s", got, digest)
	}
	m := &Manifest{}
	if err := json.Unmarshal(raw, &m.Entries); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	if !slices.IsSortedFunc(m.Entries, compareEntries) {
		return nil, errors.New("manifest entries are not sorted by key")
	}
	return m, nil
}

func compareEntries(a, b Entry) int { return strings.Compare(a.Key, b.Key) }

// compress gzips raw: a manifest's keys share long prefixes, and its ETags
// are hex, so it shrinks to well under half.
func compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decompress(encoded []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(encoded))
	if err != nil {
		return nil, fmt.Errorf("not gzip: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("not gzip: %w", err)
	}
	return raw, nil
}
