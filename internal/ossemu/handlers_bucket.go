package ossemu

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// ownerID is the account every bucket and object belongs to.
const ownerID = "1234567890123456"

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

var theOwner = owner{ID: ownerID, DisplayName: ownerID}

var bucketACLs = map[string]bool{"private": true, "public-read": true, "public-read-write": true}

// checkBucketACL refuses an x-oss-acl value that is not a bucket ACL.
func checkBucketACL(acl string) error {
	if !bucketACLs[acl] {
		return errorf("InvalidArgument", "no such bucket access control exists").with("ArgumentName", "x-oss-acl").with("ArgumentValue", acl)
	}
	return nil
}

func (s *Server) putBucket(rq *request) error {
	var cfg struct {
		StorageClass       string `xml:"StorageClass"`
		DataRedundancyType string `xml:"DataRedundancyType"`
		LocationConstraint string `xml:"LocationConstraint"`
	}
	body, err := rq.readBody()
	if err != nil {
		return err
	}
	if len(body) > 0 {
		if err := xml.Unmarshal(body, &cfg); err != nil {
			return newError("MalformedXML")
		}
	}
	acl := rq.r.Header.Get("x-oss-acl")
	if acl == "" {
		acl = "private"
	}
	if err := checkBucketACL(acl); err != nil {
		return err
	}
	if cfg.StorageClass == "" {
		cfg.StorageClass = "Standard"
	} else if !storageClasses[cfg.StorageClass] {
		return errorf("InvalidArgument", "The storage class you specified is not valid.")
	}
	// A bucket is created in the region of the endpoint that receives the
	// request; a LocationConstraint may only repeat it.
	region := rq.region
	if lc := cfg.LocationConstraint; lc != "" && lc != "oss-"+region {
		return newError("InvalidLocationConstraint").with("LocationConstraint", lc)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.buckets[rq.bucket]; ok {
		switch {
		case b.owner != rq.account:
			return newError("BucketAlreadyExists")
		case b.region == region:
			// OSS answers 200 when the owner creates an existing bucket again.
			return rq.writeEmpty(http.StatusOK)
		}
		return errorf("BucketAlreadyExists", "Bucket already exists can't modify location")
	}
	s.createBucketLocked(rq.account, rq.bucket, region, acl, cfg.StorageClass)
	rq.w.Header().Set("Location", "/"+rq.bucket)
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) deleteBucket(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	// Versions, delete markers and unfinished uploads all keep a bucket alive.
	if len(b.objects) > 0 || len(b.uploads) > 0 {
		return newError("BucketNotEmpty").with("BucketName", rq.bucket)
	}
	delete(s.buckets, rq.bucket)
	return rq.writeEmpty(http.StatusNoContent)
}

type bucketInfoXML struct {
	XMLName xml.Name `xml:"BucketInfo"`
	Bucket  struct {
		Name             string `xml:"Name"`
		Location         string `xml:"Location"`
		CreationDate     string `xml:"CreationDate"`
		ExtranetEndpoint string `xml:"ExtranetEndpoint"`
		IntranetEndpoint string `xml:"IntranetEndpoint"`
		Grant            string `xml:"AccessControlList>Grant"`
		DataRedundancy   string `xml:"DataRedundancyType"`
		Owner            owner  `xml:"Owner"`
		StorageClass     string `xml:"StorageClass"`
		Versioning       string `xml:"Versioning,omitempty"`
		SSEAlgorithm     string `xml:"ServerSideEncryptionRule>SSEAlgorithm"`
		Comment          string `xml:"Comment"`
	} `xml:"Bucket"`
}

func (s *Server) getBucketInfo(rq *request) error {
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	var v bucketInfoXML
	v.Bucket.Name = b.name
	v.Bucket.Location = "oss-" + b.region
	v.Bucket.CreationDate = formatTime(b.created)
	region := b.region
	v.Bucket.Grant = b.acl
	v.Bucket.DataRedundancy = "LRS"
	v.Bucket.Owner = theOwner
	v.Bucket.StorageClass = b.storageClass
	v.Bucket.Versioning = b.versioning
	v.Bucket.SSEAlgorithm = "None"
	s.mu.Unlock()
	v.Bucket.ExtranetEndpoint, v.Bucket.IntranetEndpoint = s.advertisedEndpoints(rq, region)
	return rq.writeXML(v)
}

func (s *Server) getBucketLocation(rq *request) error {
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return rq.writeXML(struct {
		XMLName  xml.Name `xml:"LocationConstraint"`
		Location string   `xml:",chardata"`
	}{Location: "oss-" + b.region})
}

type versioningXML struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

func (s *Server) putBucketVersioning(rq *request) error {
	var v versioningXML
	if err := rq.readXML(&v); err != nil {
		return err
	}
	if v.Status != "Enabled" && v.Status != "Suspended" {
		return newError("MalformedXML")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	b.versioning = v.Status
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) getBucketVersioning(rq *request) error {
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	var v versioningXML
	if err == nil {
		v.Status = b.versioning
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return rq.writeXML(v)
}

type aclXML struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   owner    `xml:"Owner"`
	Grant   string   `xml:"AccessControlList>Grant"`
}

func (s *Server) putBucketACL(rq *request) error {
	acl := rq.r.Header.Get("x-oss-acl")
	if err := checkBucketACL(acl); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	b.acl = acl
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) getBucketACL(rq *request) error {
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	v := aclXML{Owner: theOwner}
	if err == nil {
		v.Grant = b.acl
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return rq.writeXML(v)
}

// --- retention (WORM) ---

// maxRetentionDays is the longest retention period OSS accepts.
const maxRetentionDays = 25550

// wormLocked returns the bucket's retention policy if its ID is id.
func (b *bucket) wormLocked(id string) (*worm, error) {
	if b.worm == nil || b.worm.id != id {
		return nil, newError("NoSuchWORMConfiguration")
	}
	return b.worm, nil
}

func (s *Server) initiateBucketWorm(rq *request) error {
	var v struct {
		Days int `xml:"RetentionPeriodInDays"`
	}
	if err := rq.readXML(&v); err != nil {
		return err
	}
	if v.Days < 1 || v.Days > maxRetentionDays {
		return errorf("InvalidArgument", "RetentionPeriodInDays must be between 1 and 25550.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	if b.worm != nil {
		return errorf("InvalidWORMConfiguration", "The bucket already has a retention policy.")
	}
	b.worm = &worm{id: randomHex(16), state: "InProgress", days: v.Days, created: s.now()}
	rq.w.Header().Set("x-oss-worm-id", b.worm.id)
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) completeBucketWorm(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	w, err := b.wormLocked(rq.query.Get("wormId"))
	if err != nil {
		return err
	}
	w.state = "Locked"
	return rq.writeEmpty(http.StatusOK)
}

// extendBucketWorm lengthens a locked policy; a retention period can only grow.
func (s *Server) extendBucketWorm(rq *request) error {
	var v struct {
		Days int `xml:"RetentionPeriodInDays"`
	}
	if err := rq.readXML(&v); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	w, err := b.wormLocked(rq.query.Get("wormId"))
	if err != nil {
		return err
	}
	if w.state != "Locked" || v.Days <= w.days || v.Days > maxRetentionDays {
		return errorf("InvalidWORMConfiguration", "Only a locked retention policy can be extended, to at most 25550 days.")
	}
	w.days = v.Days
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) abortBucketWorm(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	if b.worm == nil {
		return newError("NoSuchWORMConfiguration")
	}
	if b.worm.state == "Locked" {
		return errorf("InvalidWORMConfiguration", "A locked retention policy cannot be deleted.")
	}
	b.worm = nil
	return rq.writeEmpty(http.StatusNoContent)
}

func (s *Server) getBucketWorm(rq *request) error {
	s.mu.Lock()
	b, err := s.bucketLocked(rq.bucket)
	var w worm
	if err == nil && b.worm != nil {
		w = *b.worm
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if w.id == "" {
		return newError("NoSuchWORMConfiguration")
	}
	return rq.writeXML(struct {
		XMLName      xml.Name `xml:"WormConfiguration"`
		WormID       string   `xml:"WormId"`
		State        string   `xml:"State"`
		Days         int      `xml:"RetentionPeriodInDays"`
		CreationDate string   `xml:"CreationDate"`
	}{WormID: w.id, State: w.state, Days: w.days, CreationDate: formatTime(w.created)})
}

// --- ListBuckets ---

func (s *Server) listBuckets(rq *request) error {
	prefix, marker := rq.query.Get("prefix"), rq.query.Get("marker")
	maxKeys, err := maxKeysParam(rq.query.Get("max-keys"), 100)
	if err != nil {
		return err
	}
	type bucketXML struct {
		Name             string `xml:"Name"`
		CreationDate     string `xml:"CreationDate"`
		Location         string `xml:"Location"`
		ExtranetEndpoint string `xml:"ExtranetEndpoint"`
		IntranetEndpoint string `xml:"IntranetEndpoint"`
		Region           string `xml:"Region"`
		StorageClass     string `xml:"StorageClass"`
	}
	out := struct {
		XMLName     xml.Name    `xml:"ListAllMyBucketsResult"`
		Prefix      string      `xml:"Prefix,omitempty"`
		Marker      string      `xml:"Marker,omitempty"`
		MaxKeys     string      `xml:"MaxKeys,omitempty"`
		IsTruncated bool        `xml:"IsTruncated,omitempty"`
		NextMarker  string      `xml:"NextMarker,omitempty"`
		Owner       owner       `xml:"Owner"`
		Buckets     []bucketXML `xml:"Buckets>Bucket"`
	}{Prefix: prefix, Marker: marker, MaxKeys: rq.query.Get("max-keys"), Owner: theOwner}
	s.mu.Lock()
	names := make([]string, 0, len(s.buckets))
	for n, b := range s.buckets {
		if strings.HasPrefix(n, prefix) && n > marker && b.owner == rq.account {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) > maxKeys {
		names = names[:maxKeys]
		out.IsTruncated = true
		out.NextMarker = names[maxKeys-1]
	}
	for _, n := range names {
		b := s.buckets[n]
		out.Buckets = append(out.Buckets, bucketXML{
			Name: n, CreationDate: formatTime(b.created), Location: "oss-" + b.region,
			Region: b.region, StorageClass: b.storageClass,
		})
	}
	s.mu.Unlock()
	for i := range out.Buckets {
		b := &out.Buckets[i]
		b.ExtranetEndpoint, b.IntranetEndpoint = s.advertisedEndpoints(rq, b.Region)
	}
	return rq.writeXML(out)
}

// maxKeysParam parses max-keys style parameters: def when empty, 1..1000 otherwise.
func maxKeysParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, errorf("InvalidArgument", "Argument max-keys must be an integer between 1 and 1000.").
			with("ArgumentValue", v)
	}
	return n, nil
}
