package ossemu

import (
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"sort"
	"strings"
)

// listEntry is one row of a listing: an object version or a common prefix.
type listEntry struct {
	key    string
	prefix bool
	obj    *object
	latest bool
}

// listing is the shared walk behind ListObjects, ListObjectsV2 and
// ListObjectVersions: rows sorted by key (versions newest first), rows up to
// and including the marker skipped, keys under a delimiter folded into one
// common prefix, at most max rows.
type listing struct {
	prefix, delimiter string
	max               int
	// after reports whether a row comes after the marker.
	after func(key string, o *object) bool
}

// commonPrefix returns the common prefix key falls under, or "".
func (l listing) commonPrefix(key string) string {
	if l.delimiter == "" {
		return ""
	}
	if i := strings.Index(key[len(l.prefix):], l.delimiter); i >= 0 {
		return key[:len(l.prefix)+i+len(l.delimiter)]
	}
	return ""
}

// run walks rows; it returns the listed entries and whether more remain.
func (l listing) run(b *bucket, allVersions bool, marker string) ([]listEntry, bool) {
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		if strings.HasPrefix(k, l.prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []listEntry
	for _, k := range keys {
		versions := b.objects[k]
		if !allVersions {
			if versions[0].deleteMarker {
				continue
			}
			versions = versions[:1]
		}
		if cp := l.commonPrefix(k); cp != "" {
			// A common prefix is one row, listed once and never again after
			// it was the marker.
			if cp <= marker || len(out) > 0 && out[len(out)-1].key == cp {
				continue
			}
			if len(out) == l.max {
				return out, true
			}
			out = append(out, listEntry{key: cp, prefix: true})
			continue
		}
		for _, o := range versions {
			if !l.after(k, o) {
				continue
			}
			if len(out) == l.max {
				return out, true
			}
			out = append(out, listEntry{key: k, obj: o, latest: o == b.objects[k][0]})
		}
	}
	return out, false
}

type contentsXML struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Type         string `xml:"Type"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner,omitempty"`
}

func contentsOf(rq *request, k string, o *object, withOwner bool) contentsXML {
	c := contentsXML{Key: encodeKey(rq, k), LastModified: formatTime(o.modified), ETag: o.etag, Type: objectType(o),
		Size: o.size, StorageClass: o.header.Get("x-oss-storage-class")}
	if withOwner {
		c.Owner = &theOwner
	}
	return c
}

func objectType(o *object) string {
	switch {
	case o.symlink != "":
		return "Symlink"
	case o.appendable:
		return "Appendable"
	case o.multipart:
		return "Multipart"
	}
	return "Normal"
}

type prefixXML struct {
	Prefix string `xml:"Prefix"`
}

// currentListing lists current versions after marker, as ListObjects and
// ListObjectsV2 do.
func currentListing(q url.Values, maxKeys int, marker string) listing {
	return listing{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), max: maxKeys,
		after: func(k string, _ *object) bool { return k > marker }}
}

// listCurrent runs l over the current versions of the request's bucket and
// renders its rows. last is the last row's key when more rows remain, ""
// when the listing is complete.
func (s *Server) listCurrent(rq *request, l listing, marker string, withOwner bool) (contents []contentsXML, prefixes []prefixXML, last string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return nil, nil, "", err
	}
	rows, truncated := l.run(b, false, marker)
	for _, e := range rows {
		if e.prefix {
			prefixes = append(prefixes, prefixXML{encodeKey(rq, e.key)})
		} else {
			contents = append(contents, contentsOf(rq, e.key, e.obj, withOwner))
		}
	}
	if truncated {
		last = rows[len(rows)-1].key
	}
	return contents, prefixes, last, nil
}

func (s *Server) listObjects(rq *request) error {
	q := rq.query
	maxKeys, err := maxKeysParam(q.Get("max-keys"), 100)
	if err != nil {
		return err
	}
	marker := q.Get("marker")
	l := currentListing(q, maxKeys, marker)
	out := struct {
		XMLName        xml.Name      `xml:"ListBucketResult"`
		Name           string        `xml:"Name"`
		Prefix         string        `xml:"Prefix"`
		Marker         string        `xml:"Marker"`
		MaxKeys        int           `xml:"MaxKeys"`
		Delimiter      string        `xml:"Delimiter"`
		EncodingType   string        `xml:"EncodingType,omitempty"`
		IsTruncated    bool          `xml:"IsTruncated"`
		NextMarker     string        `xml:"NextMarker,omitempty"`
		Contents       []contentsXML `xml:"Contents"`
		CommonPrefixes []prefixXML   `xml:"CommonPrefixes"`
	}{Name: rq.bucket, Prefix: encodeKey(rq, l.prefix), Marker: encodeKey(rq, marker), MaxKeys: maxKeys,
		Delimiter: encodeKey(rq, l.delimiter), EncodingType: encodingType(rq)}
	var last string
	out.Contents, out.CommonPrefixes, last, err = s.listCurrent(rq, l, marker, true)
	if err != nil {
		return err
	}
	if last != "" {
		out.IsTruncated = true
		out.NextMarker = encodeKey(rq, last)
	}
	return rq.writeXML(out)
}

// continuation tokens are opaque to clients; ours wrap the last listed row.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func (s *Server) listObjectsV2(rq *request) error {
	q := rq.query
	maxKeys, err := maxKeysParam(q.Get("max-keys"), 100)
	if err != nil {
		return err
	}
	token, startAfter := q.Get("continuation-token"), q.Get("start-after")
	marker := startAfter
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return errorf("InvalidArgument", "The continuation token provided is incorrect.").with("ArgumentName", "continuation-token")
		}
		marker = max(string(raw), startAfter)
	}
	l := currentListing(q, maxKeys, marker)
	out := struct {
		XMLName               xml.Name      `xml:"ListBucketResult"`
		Name                  string        `xml:"Name"`
		Prefix                string        `xml:"Prefix"`
		StartAfter            string        `xml:"StartAfter,omitempty"`
		ContinuationToken     string        `xml:"ContinuationToken,omitempty"`
		MaxKeys               int           `xml:"MaxKeys"`
		Delimiter             string        `xml:"Delimiter"`
		EncodingType          string        `xml:"EncodingType,omitempty"`
		IsTruncated           bool          `xml:"IsTruncated"`
		NextContinuationToken string        `xml:"NextContinuationToken,omitempty"`
		KeyCount              int           `xml:"KeyCount"`
		Contents              []contentsXML `xml:"Contents"`
		CommonPrefixes        []prefixXML   `xml:"CommonPrefixes"`
	}{Name: rq.bucket, Prefix: encodeKey(rq, l.prefix), StartAfter: encodeKey(rq, startAfter),
		ContinuationToken: encodeKey(rq, token), MaxKeys: maxKeys, Delimiter: encodeKey(rq, l.delimiter),
		EncodingType: encodingType(rq)}
	var last string
	out.Contents, out.CommonPrefixes, last, err = s.listCurrent(rq, l, marker, isTrue(q.Get("fetch-owner")))
	if err != nil {
		return err
	}
	out.KeyCount = len(out.Contents) + len(out.CommonPrefixes)
	if last != "" {
		out.IsTruncated = true
		out.NextContinuationToken = encodeKey(rq, encodeToken(last))
	}
	return rq.writeXML(out)
}

// versionXML is a <Version> or <DeleteMarker> row, in listing order.
type versionXML struct {
	XMLName      xml.Name
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag,omitempty"`
	Type         string `xml:"Type,omitempty"`
	Size         *int64 `xml:"Size,omitempty"`
	StorageClass string `xml:"StorageClass,omitempty"`
	Owner        owner  `xml:"Owner"`
}

func (s *Server) listObjectVersions(rq *request) error {
	q := rq.query
	maxKeys, err := maxKeysParam(q.Get("max-keys"), 100)
	if err != nil {
		return err
	}
	keyMarker, versionMarker := q.Get("key-marker"), q.Get("version-id-marker")
	out := struct {
		XMLName             xml.Name     `xml:"ListVersionsResult"`
		Name                string       `xml:"Name"`
		Prefix              string       `xml:"Prefix"`
		KeyMarker           string       `xml:"KeyMarker"`
		VersionIDMarker     string       `xml:"VersionIdMarker"`
		MaxKeys             int          `xml:"MaxKeys"`
		Delimiter           string       `xml:"Delimiter"`
		EncodingType        string       `xml:"EncodingType,omitempty"`
		IsTruncated         bool         `xml:"IsTruncated"`
		NextKeyMarker       string       `xml:"NextKeyMarker,omitempty"`
		NextVersionIDMarker string       `xml:"NextVersionIdMarker,omitempty"`
		Rows                []versionXML `xml:",any"`
		CommonPrefixes      []prefixXML  `xml:"CommonPrefixes"`
	}{Name: rq.bucket, Prefix: encodeKey(rq, q.Get("prefix")), KeyMarker: encodeKey(rq, keyMarker),
		VersionIDMarker: versionMarker, MaxKeys: maxKeys, Delimiter: encodeKey(rq, q.Get("delimiter")),
		EncodingType: encodingType(rq)}
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	l := listing{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), max: maxKeys}
	l.after = versionsAfter(b, keyMarker, versionMarker)
	rows, truncated := l.run(b, true, keyMarker)
	for _, e := range rows {
		if e.prefix {
			out.CommonPrefixes = append(out.CommonPrefixes, prefixXML{encodeKey(rq, e.key)})
			continue
		}
		o := e.obj
		v := versionXML{Key: encodeKey(rq, e.key), VersionID: o.listedVersion(), IsLatest: e.latest,
			LastModified: formatTime(o.modified), Owner: theOwner}
		if o.deleteMarker {
			v.XMLName.Local = "DeleteMarker"
		} else {
			v.XMLName.Local = "Version"
			v.ETag = o.etag
			v.Type = objectType(o)
			v.Size = &o.size
			v.StorageClass = o.header.Get("x-oss-storage-class")
		}
		out.Rows = append(out.Rows, v)
	}
	s.mu.Unlock()
	if truncated {
		out.IsTruncated = true
		last := rows[len(rows)-1]
		out.NextKeyMarker = encodeKey(rq, last.key)
		if !last.prefix {
			out.NextVersionIDMarker = last.obj.listedVersion()
		}
	}
	return rq.writeXML(out)
}

// versionsAfter orders rows by key, then newest first, and reports whether
// a row comes after (keyMarker, versionMarker).
func versionsAfter(b *bucket, keyMarker, versionMarker string) func(string, *object) bool {
	return func(k string, o *object) bool {
		if k != keyMarker {
			return k > keyMarker
		}
		if versionMarker == "" {
			return false
		}
		seenMarker := false
		for _, v := range b.objects[k] {
			if v == o {
				return seenMarker
			}
			if v.listedVersion() == versionMarker {
				seenMarker = true
			}
		}
		return false
	}
}
