package ossemu

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// deleteResult is what deleting one key or version did.
type deleteResult struct {
	versionID     string // the version removed or the delete marker created
	deleteMarker  bool   // a delete marker was removed or created
	markerVersion string // the delete marker created
}

// deleteLocked deletes key (versionID "" = current) following the bucket's
// versioning, as DeleteObject does.
func (s *Server) deleteLocked(b *bucket, key, versionID string) (deleteResult, error) {
	now := s.now()
	if versionID != "" {
		var victim *object
		for _, o := range b.objects[key] {
			if o.listedVersion() == versionID {
				victim = o
			}
		}
		if victim == nil {
			// Deleting a version that does not exist succeeds in OSS.
			return deleteResult{versionID: versionID}, nil
		}
		if b.protected(victim, now) {
			return deleteResult{}, immutableError()
		}
		b.removeVersionLocked(key, victim.versionID)
		return deleteResult{versionID: versionID, deleteMarker: victim.deleteMarker}, nil
	}
	if old := b.replacedLocked(key); old != nil && b.protected(old, now) {
		return deleteResult{}, immutableError()
	}
	if b.versioning == "" {
		delete(b.objects, key)
		return deleteResult{}, nil
	}
	marker := &object{key: key, deleteMarker: true, modified: now, header: http.Header{}}
	b.storeLocked(marker)
	id := marker.listedVersion()
	return deleteResult{versionID: id, deleteMarker: true, markerVersion: id}, nil
}

func (s *Server) deleteObject(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	res, err := s.deleteLocked(b, rq.key, rq.query.Get("versionId"))
	if err != nil {
		return err
	}
	h := rq.w.Header()
	// A bucket that never had versioning names no version, even to a
	// request for version "null" (the SDK v2's TestDeleteObject, run
	// against OSS, expects none).
	if res.versionID != "" && b.versioning != "" {
		h.Set("x-oss-version-id", res.versionID)
	}
	if res.deleteMarker {
		h.Set("x-oss-delete-marker", "true")
	}
	return rq.writeEmpty(http.StatusNoContent)
}

func (s *Server) deleteMultipleObjects(rq *request) error {
	var req struct {
		Quiet   bool `xml:"Quiet"`
		Objects []struct {
			Key       string `xml:"Key"`
			VersionID string `xml:"VersionId"`
		} `xml:"Object"`
	}
	body, err := rq.readBody()
	if err != nil {
		return err
	}
	body, restore := shiftControlRefs(body)
	if err := xml.Unmarshal(body, &req); err != nil {
		return newError("MalformedXML")
	}
	for i := range req.Objects {
		req.Objects[i].Key = restore(req.Objects[i].Key)
	}
	if len(req.Objects) == 0 || len(req.Objects) > 1000 {
		return newError("MalformedXML")
	}
	for _, o := range req.Objects {
		if err := checkObjectName(o.Key); err != nil {
			return err
		}
	}
	type deletedXML struct {
		Key                   string `xml:"Key"`
		VersionID             string `xml:"VersionId,omitempty"`
		DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
		DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
	}
	out := struct {
		XMLName      xml.Name     `xml:"DeleteResult"`
		EncodingType string       `xml:"EncodingType,omitempty"`
		Deleted      []deletedXML `xml:"Deleted"`
	}{EncodingType: encodingType(rq)}
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	for _, o := range req.Objects {
		res, err := s.deleteLocked(b, o.Key, o.VersionID)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		if req.Quiet {
			continue
		}
		d := deletedXML{Key: encodeKey(rq, o.Key), VersionID: o.VersionID, DeleteMarker: res.deleteMarker}
		if res.markerVersion != "" {
			d.DeleteMarkerVersionID = res.markerVersion
		}
		out.Deleted = append(out.Deleted, d)
	}
	s.mu.Unlock()
	return rq.writeXML(out)
}

// controlShift moves the control characters XML 1.0 forbids (U+0001 to
// U+001F but tab, newline and carriage return) into a private-use plane,
// where an XML decoder takes them.
const controlShift = 0xF0000

// shiftControlRefs rewrites the character references to forbidden control
// characters in body ("&#x0B;", "&#11;"), as the SDK v2 writes keys holding
// them and OSS reads them, to the shifted characters, and returns the
// function that shifts them back in a decoded key. A body that already holds
// a character of the shifted range is left as it is.
func shiftControlRefs(body []byte) ([]byte, func(string) string) {
	unchanged := func(s string) string { return s }
	if bytes.ContainsFunc(body, func(r rune) bool { return r >= controlShift && r < controlShift+0x20 }) {
		return body, unchanged
	}
	var out []byte
	rest := body
	for {
		i := bytes.Index(rest, []byte("&#"))
		if i < 0 {
			break
		}
		end := bytes.IndexByte(rest[i:], ';')
		if end < 0 {
			break
		}
		ref := string(rest[i+2 : i+end])
		var n uint64
		var err error
		if hex, ok := strings.CutPrefix(strings.ToLower(ref), "x"); ok {
			n, err = strconv.ParseUint(hex, 16, 32)
		} else {
			n, err = strconv.ParseUint(ref, 10, 32)
		}
		if err != nil || n == 0 || n >= 0x20 || n == '\t' || n == '\n' || n == '\r' {
			out = append(out, rest[:i+2]...)
			rest = rest[i+2:]
			continue
		}
		out = append(out, rest[:i]...)
		out = utf8.AppendRune(out, rune(controlShift+n))
		rest = rest[i+end+1:]
	}
	if out == nil {
		return body, unchanged
	}
	return append(out, rest...), func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= controlShift && r < controlShift+0x20 {
				return r - controlShift
			}
			return r
		}, s)
	}
}
