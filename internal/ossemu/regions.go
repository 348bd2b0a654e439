package ossemu

import (
	"net"
	"strings"
)

// The region rules OSS applies to every request, whichever operation it is.

// regionFreeOps may address a bucket through any region's endpoint:
// ListBuckets names none, PutBucket answers for an existing bucket itself
// (BucketAlreadyExists), and GetBucketLocation is how a client finds the
// endpoint to use.
var regionFreeOps = map[string]bool{"ListBuckets": true, "PutBucket": true, "GetBucketLocation": true}

// checkEndpoint refuses a request for a bucket in another region than the
// endpoint's, naming the bucket's endpoint as OSS does (EC 0003-00001403),
// and one for a missing bucket with NoSuchBucket: OSS answers both before it
// looks at the signature, so that a client with a key pair OSS does not
// know still learns that a bucket does not exist (the SDK v2's
// IsBucketExist and IsObjectExist rely on it, and its TestClientExtension,
// run against OSS, expects it). PutBucket creates a missing bucket, and
// checks the signature first.
func (s *Server) checkEndpoint(rq *request) error {
	if rq.bucket == "" || rq.op == "PutBucket" {
		return nil
	}
	s.mu.Lock()
	b, ok := s.buckets[rq.bucket]
	var region string
	if ok {
		region = b.region
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return newError("NoSuchBucket").with("BucketName", rq.bucket)
	case region == rq.region || regionFreeOps[rq.op]:
		return nil
	}
	return wrongEndpoint(rq.bucket, region)
}

func wrongEndpoint(bucket, region string) *ossError {
	return errorf("AccessDenied", "The bucket you are attempting to access must be addressed using the "+
		"specified endpoint. Please send all future requests to this endpoint.").
		with("Bucket", bucket).with("Endpoint", "oss-"+region+".aliyuncs.com").withEC("0003-00001403")
}

// checkSigningRegion refuses a V4 signature whose scope names another region
// than the endpoint's, including an OSS region ID such as "oss-cn-hangzhou"
// where the region ID "cn-hangzhou" belongs (EC 0002-00000226). auth is the
// Authorization header, which OSS echoes; "" for presigned URLs.
func checkSigningRegion(rq *request, scopeRegion, auth string) error {
	if scopeRegion == rq.region {
		return nil
	}
	e := errorf("InvalidArgument", "Invalid signing region in Authorization header.").withEC("0002-00000226")
	if auth != "" {
		e = e.with("Authorization", auth)
	}
	return e
}

// advertisedEndpoints are the extranet and intranet endpoints ListBuckets
// and GetBucketInfo give for a bucket in region: where a client that found
// the bucket there reaches the emulator's endpoint of that region. A client
// that reached the emulator through an OSS host name resolves those names
// to it, and gets them; otherwise both are the host and port of the
// region's listener, the host the request named when the listener is on
// every address. A region without a listener gets OSS's names, which
// nothing here serves.
func (s *Server) advertisedEndpoints(rq *request, region string) (extranet, intranet string) {
	extranet, intranet = "oss-"+region+".aliyuncs.com", "oss-"+region+"-internal.aliyuncs.com"
	if _, ok := hostRegion(rq.r.Host); ok {
		return extranet, intranet
	}
	s.epMu.RLock()
	defer s.epMu.RUnlock()
	for _, e := range s.endpoints {
		if e.region != region {
			continue
		}
		host, port, err := net.SplitHostPort(e.ln.Addr().String())
		if err != nil {
			return extranet, intranet
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			host = serviceHost(rq.r.Host)
		}
		hp := net.JoinHostPort(host, port)
		return hp, hp
	}
	return extranet, intranet
}

// serviceHost is the host name of a Host header without its port and
// without the bucket label of a virtual-hosted request.
func serviceHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if _, rest, ok := strings.Cut(host, "."); ok && isServiceHost(rest) && !isServiceHost(host) {
		return rest
	}
	return strings.Trim(host, "[]")
}
