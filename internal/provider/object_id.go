package provider

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// objectCopyID names a copy by its destination and source; it is the
// resource's id and the string `terraform import` takes.
//
// Format: DEST_BUCKET/DEST_KEY=SOURCE_BUCKET/SOURCE_KEY[?versionId=SOURCE_VERSION]
//
// Keys are percent-encoded (RFC 3986) except for "/", so any key round-trips
// and the common ones stay readable. Bucket names cannot contain "/", "=" or
// "?", and encoded keys cannot contain "=" or "?", which makes the split
// unambiguous.
type objectCopyID struct {
	Bucket, Key                              string
	SourceBucket, SourceKey, SourceVersionID string
}

const importIDFormat = "DEST_BUCKET/DEST_KEY=SOURCE_BUCKET/SOURCE_KEY[?versionId=SOURCE_VERSION_ID]"

func (id objectCopyID) String() string {
	s := id.Bucket + "/" + escapeKey(id.Key) + "=" + id.SourceBucket + "/" + escapeKey(id.SourceKey)
	if id.SourceVersionID != "" {
		s += "?" + url.Values{"versionId": {id.SourceVersionID}}.Encode()
	}
	return s
}

// escapeKey percent-encodes a key for an id, keeping "/" literal. PathEscape
// leaves "=" alone, which is legal in a path but separates destination from
// source here, so it is encoded as well.
func escapeKey(key string) string {
	return keyEscaper.Replace(url.PathEscape(key))
}

var keyEscaper = strings.NewReplacer("%2F", "/", "=", "%3D")

// parseObjectCopyID parses an id made by objectCopyID.String. Hand-written
// ids may leave any character but "%", "=" and "?" unencoded in keys.
func parseObjectCopyID(s string) (objectCopyID, error) {
	var id objectCopyID
	rest, query, hasQuery := strings.Cut(s, "?")
	dest, src, ok := strings.Cut(rest, "=")
	if !ok {
		return id, errors.New(`missing "=" between destination and source`)
	}
	var err error
	if id.Bucket, id.Key, err = parseBucketKey(dest); err != nil {
		return id, fmt.Errorf("destination: %w", err)
	}
	if id.SourceBucket, id.SourceKey, err = parseBucketKey(src); err != nil {
		return id, fmt.Errorf("source: %w", err)
	}
	if hasQuery {
		values, err := url.ParseQuery(query)
		if err != nil {
			return id, fmt.Errorf("query %q: %w", query, err)
		}
		for name := range values {
			if name != "versionId" {
				return id, fmt.Errorf("unknown query parameter %q (only versionId is allowed)", name)
			}
		}
		id.SourceVersionID = values.Get("versionId")
		if id.SourceVersionID == "" {
			return id, errors.New("empty versionId")
		}
	}
	return id, nil
}

// parseBucketKey splits one side of an import ID at its first "/": bucket
// names cannot contain one, keys can, so only the key is percent-decoded.
func parseBucketKey(s string) (bucket, key string, err error) {
	bucket, escaped, ok := strings.Cut(s, "/")
	if !ok || bucket == "" || escaped == "" {
		return "", "", fmt.Errorf("%q is not BUCKET/KEY", s)
	}
	key, err = url.PathUnescape(escaped)
	if err != nil {
		return "", "", fmt.Errorf("key %q: %w", escaped, err)
	}
	return bucket, key, nil
}
