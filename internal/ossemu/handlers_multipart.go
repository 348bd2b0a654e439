package ossemu

import (
	"cmp"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// minPartSize is the smallest size of every part but the last, checked at Complete.
const minPartSize = 100 << 10

// encodeKey applies encoding-type=url to a key in a response.
func encodeKey(rq *request, key string) string {
	if encodingType(rq) == "url" {
		return url.QueryEscape(key)
	}
	return key
}

// encodingType is the encoding-type a listing answers with: "url" when the
// request asks for it, "" otherwise.
func encodingType(rq *request) string {
	if strings.EqualFold(rq.query.Get("encoding-type"), "url") {
		return "url"
	}
	return ""
}

func (s *Server) initiateMultipartUpload(rq *request) error {
	h := rq.r.Header
	hdr, err := storedHeaders(h)
	if err != nil {
		return err
	}
	acl, err := objectACL(h)
	if err != nil {
		return err
	}
	tags, err := parseTagging(h.Get("x-oss-tagging"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	var id string
	if err == nil {
		defaultStorageClass(hdr, b.storageClass)
		id = randomHex(16)
		b.uploads[id] = &upload{
			id: id, key: rq.key, initiated: s.now(), header: hdr, acl: acl, tags: tags,
			forbid: isTrue(h.Get("x-oss-forbid-overwrite")), parts: map[int]*part{},
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	echoSSE(rq.w.Header(), hdr)
	return rq.writeXML(struct {
		XMLName      xml.Name `xml:"InitiateMultipartUploadResult"`
		EncodingType string   `xml:"EncodingType,omitempty"`
		Bucket       string   `xml:"Bucket"`
		Key          string   `xml:"Key"`
		UploadID     string   `xml:"UploadId"`
	}{EncodingType: encodingType(rq), Bucket: rq.bucket, Key: encodeKey(rq, rq.key), UploadID: id})
}

func (s *Server) uploadPart(rq *request) error {
	num, err := partNumber(rq)
	if err != nil {
		return err
	}
	s.mu.Lock()
	_, _, err = s.uploadLocked(rq)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	c, etag, crc, err := s.readUpload(rq)
	if err != nil {
		return err
	}
	p := &part{num: num, data: c, size: c.size(), etag: etag, crc: crc}
	if err := s.storePart(rq, p); err != nil {
		return err
	}
	rq.w.Header().Set("Content-MD5", contentMD5(etag))
	return rq.writeEmpty(http.StatusOK)
}

type completeXML struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

func (s *Server) completeMultipartUpload(rq *request) error {
	body, err := rq.readBody()
	if err != nil {
		return err
	}
	completeAll := strings.EqualFold(rq.r.Header.Get("x-oss-complete-all"), "yes")
	var req completeXML
	switch {
	case completeAll && len(body) > 0:
		// OSS's own wording, typo included.
		return errorf("InvalidArgument", "Should not speficy both complete all header and http body.").withEC("0042-00000216")
	case !completeAll:
		// An empty part list makes an empty object: the SDK v2's Uploader
		// completes so after an empty stream, and its
		// TestUploaderUploadFromTeeReader, run against OSS, expects it.
		if err := xml.Unmarshal(body, &req); err != nil {
			return newError("MalformedXML").withEC("0042-00000205")
		}
	}
	// An ACL given at Complete replaces Initiate's: the SDK v2's Uploader
	// and write-only file send the object's ACL only here.
	var acl string
	if rq.r.Header.Get("x-oss-object-acl") != "" {
		if acl, err = objectACL(rq.r.Header); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, u, err := s.uploadLocked(rq)
	if err != nil {
		return err
	}
	parts, err := selectParts(u, req, completeAll)
	if err != nil {
		return err
	}
	forbid := u.forbid || isTrue(rq.r.Header.Get("x-oss-forbid-overwrite"))
	if err := b.checkWritable(rq.key, forbid, s.now()); err != nil {
		return overrideEC(err, "FileAlreadyExists", "0042-00000214") // Complete's own EC
	}
	var (
		pieces []content
		crc    uint64
		etags  []string
	)
	for _, p := range parts {
		pieces = append(pieces, p.data)
		crc = crcCombine(crc, p.crc, p.size)
		etags = append(etags, p.etag)
	}
	data := concat(pieces...)
	o := &object{key: rq.key, data: data, size: data.size(), etag: multipartETag(etags), crc: crc, modified: s.now(),
		header: u.header, acl: cmp.Or(acl, u.acl), tags: u.tags, multipart: true}
	b.storeLocked(o)
	writeVersionHeader(rq.w.Header(), b, o)
	delete(b.uploads, u.id)
	rq.w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(crc, 10))
	echoSSE(rq.w.Header(), u.header)
	return rq.writeXML(struct {
		XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
		EncodingType string   `xml:"EncodingType,omitempty"`
		Location     string   `xml:"Location"`
		Bucket       string   `xml:"Bucket"`
		Key          string   `xml:"Key"`
		ETag         string   `xml:"ETag"`
	}{EncodingType: encodingType(rq), Location: "http://" + rq.r.Host + "/" + rq.bucket + "/" + escapePath(rq.key, false),
		Bucket: rq.bucket, Key: encodeKey(rq, rq.key), ETag: o.etag})
}

// selectParts checks the Complete request's part list the way OSS does:
// ascending part numbers (InvalidPartOrder), each uploaded with the given
// ETag (InvalidPart), and every part but the last at least 100 KiB
// (EntityTooSmall). With x-oss-complete-all every uploaded part is used.
func selectParts(u *upload, req completeXML, all bool) ([]*part, error) {
	var parts []*part
	if all {
		for _, p := range u.parts {
			parts = append(parts, p)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i].num < parts[j].num })
	} else {
		for i, rp := range req.Parts {
			if i > 0 && rp.PartNumber <= req.Parts[i-1].PartNumber {
				return nil, newError("InvalidPartOrder").with("UploadId", u.id)
			}
			p, ok := u.parts[rp.PartNumber]
			if !ok || !strings.EqualFold(strings.Trim(rp.ETag, `" `), strings.Trim(p.etag, `"`)) {
				return nil, newError("InvalidPart").
					with("ETag", rp.ETag).with("PartNumber", strconv.Itoa(rp.PartNumber)).with("UploadId", u.id)
			}
			parts = append(parts, p)
		}
	}
	for _, p := range parts[:max(len(parts)-1, 0)] {
		if p.size < minPartSize {
			return nil, newError("EntityTooSmall").
				with("MinSizeAllowed", strconv.Itoa(minPartSize)).with("ProposedSize", strconv.FormatInt(p.size, 10)).
				with("PartNumber", strconv.Itoa(p.num))
		}
	}
	return parts, nil
}

func (s *Server) abortMultipartUpload(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, u, err := s.uploadLocked(rq)
	if err != nil {
		return err
	}
	delete(b.uploads, u.id)
	return rq.writeEmpty(http.StatusNoContent)
}

func (s *Server) listMultipartUploads(rq *request) error {
	q := rq.query
	maxUploads, err := maxKeysParam(q.Get("max-uploads"), 1000)
	if err != nil {
		return err
	}
	prefix, delimiter := q.Get("prefix"), q.Get("delimiter")
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	type uploadXML struct {
		Key          string `xml:"Key"`
		UploadID     string `xml:"UploadId"`
		Initiated    string `xml:"Initiated"`
		StorageClass string `xml:"StorageClass"`
	}
	out := struct {
		XMLName            xml.Name    `xml:"ListMultipartUploadsResult"`
		EncodingType       string      `xml:"EncodingType,omitempty"`
		Bucket             string      `xml:"Bucket"`
		KeyMarker          string      `xml:"KeyMarker"`
		UploadIDMarker     string      `xml:"UploadIdMarker"`
		NextKeyMarker      string      `xml:"NextKeyMarker"`
		NextUploadIDMarker string      `xml:"NextUploadIdMarker"`
		Delimiter          string      `xml:"Delimiter"`
		Prefix             string      `xml:"Prefix"`
		MaxUploads         int         `xml:"MaxUploads"`
		IsTruncated        bool        `xml:"IsTruncated"`
		Uploads            []uploadXML `xml:"Upload"`
		CommonPrefixes     []string    `xml:"CommonPrefixes>Prefix"`
	}{EncodingType: encodingType(rq), Bucket: rq.bucket, KeyMarker: encodeKey(rq, keyMarker), UploadIDMarker: idMarker,
		Delimiter: encodeKey(rq, delimiter), Prefix: encodeKey(rq, prefix), MaxUploads: maxUploads}

	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	ups := make([]*upload, 0, len(b.uploads))
	for _, u := range b.uploads {
		ups = append(ups, u)
	}
	s.mu.Unlock()
	sort.Slice(ups, func(i, j int) bool {
		if ups[i].key != ups[j].key {
			return ups[i].key < ups[j].key
		}
		return ups[i].id < ups[j].id
	})
	folding := listing{prefix: prefix, delimiter: delimiter}
	seen := map[string]bool{}
	count := 0
	for _, u := range ups {
		if !strings.HasPrefix(u.key, prefix) {
			continue
		}
		if u.key < keyMarker || u.key == keyMarker && (idMarker == "" || u.id <= idMarker) {
			continue
		}
		if cp := folding.commonPrefix(u.key); cp != "" {
			if !seen[cp] {
				if count == maxUploads {
					out.IsTruncated = true
					break
				}
				seen[cp] = true
				out.CommonPrefixes = append(out.CommonPrefixes, encodeKey(rq, cp))
				out.NextKeyMarker, out.NextUploadIDMarker = encodeKey(rq, u.key), u.id
				count++
			}
			continue
		}
		if count == maxUploads {
			out.IsTruncated = true
			break
		}
		out.Uploads = append(out.Uploads, uploadXML{Key: encodeKey(rq, u.key), UploadID: u.id,
			Initiated: formatTime(u.initiated), StorageClass: u.header.Get("x-oss-storage-class")})
		out.NextKeyMarker, out.NextUploadIDMarker = encodeKey(rq, u.key), u.id
		count++
	}
	if !out.IsTruncated {
		out.NextKeyMarker, out.NextUploadIDMarker = "", ""
	}
	return rq.writeXML(out)
}

func (s *Server) listParts(rq *request) error {
	q := rq.query
	maxParts, err := maxKeysParam(q.Get("max-parts"), 1000)
	if err != nil {
		return err
	}
	marker := 0
	if v := q.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return errorf("InvalidArgument", "part-number-marker must be a non-negative integer.")
		}
	}
	s.mu.Lock()
	_, u, err := s.uploadLocked(rq)
	var parts []*part
	var storageClass string
	if err == nil {
		for _, p := range u.parts {
			if p.num > marker {
				parts = append(parts, p)
			}
		}
		storageClass = u.header.Get("x-oss-storage-class")
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].num < parts[j].num })
	type partXML struct {
		PartNumber    int    `xml:"PartNumber"`
		LastModified  string `xml:"LastModified"`
		ETag          string `xml:"ETag"`
		Size          int64  `xml:"Size"`
		HashCrc64ecma string `xml:"HashCrc64ecma"`
	}
	out := struct {
		XMLName              xml.Name  `xml:"ListPartsResult"`
		EncodingType         string    `xml:"EncodingType,omitempty"`
		Bucket               string    `xml:"Bucket"`
		Key                  string    `xml:"Key"`
		UploadID             string    `xml:"UploadId"`
		StorageClass         string    `xml:"StorageClass"`
		PartNumberMarker     int       `xml:"PartNumberMarker"`
		NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
		MaxParts             int       `xml:"MaxParts"`
		IsTruncated          bool      `xml:"IsTruncated"`
		Parts                []partXML `xml:"Part"`
	}{EncodingType: encodingType(rq), Bucket: rq.bucket, Key: encodeKey(rq, rq.key), UploadID: q.Get("uploadId"),
		StorageClass: storageClass, PartNumberMarker: marker, MaxParts: maxParts}
	if len(parts) > maxParts {
		parts = parts[:maxParts]
		out.IsTruncated = true
	}
	for _, p := range parts {
		out.Parts = append(out.Parts, partXML{PartNumber: p.num, LastModified: formatTime(p.modified), ETag: p.etag,
			Size: p.size, HashCrc64ecma: strconv.FormatUint(p.crc, 10)})
		out.NextPartNumberMarker = p.num
	}
	return rq.writeXML(out)
}

// partNumber reads and checks the partNumber parameter (1..10,000).
func partNumber(rq *request) (int, error) {
	n, err := strconv.Atoi(rq.query.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return 0, errorf("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.").
			with("ArgumentName", "PartNumber").with("ArgumentValue", rq.query.Get("partNumber")).withEC("0017-00000220")
	}
	return n, nil
}

// storePart records p in the request's upload (replacing a part with its
// number) and sets the part's response headers. The upload may have been
// completed or aborted while the part's body was read or its digests were
// computed.
func (s *Server) storePart(rq *request, p *part) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.uploadLocked(rq)
	if err != nil {
		return err
	}
	p.modified = s.now()
	u.parts[p.num] = p
	h := rq.w.Header()
	h.Set("ETag", p.etag)
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(p.crc, 10))
	return nil
}

// uploadLocked finds the bucket and the multipart upload (uploadId) a request
// addresses; the caller holds s.mu. NoSuchUpload carries UploadPart's own EC
// in answers to UploadPart, whether the upload is missing when the request
// arrives or disappears while its body is read, and UploadPartCopy's own,
// 0042-00000311, which the SDK v2's integration tests, run against OSS,
// expect.
func (s *Server) uploadLocked(rq *request) (*bucket, *upload, error) {
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return nil, nil, err
	}
	id := rq.query.Get("uploadId")
	u, ok := b.uploads[id]
	if !ok || u.key != rq.key {
		e := newError("NoSuchUpload").with("UploadId", id)
		switch rq.op {
		case "UploadPart":
			e = e.withEC("0042-00000104")
		case "UploadPartCopy":
			e = e.withEC("0042-00000311")
		}
		return nil, nil, e
	}
	return b, u, nil
}
