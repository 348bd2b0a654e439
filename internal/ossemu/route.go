package ossemu

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// target is what a request addresses, decided before anything else is done
// with it: the OSS operation name (the key of RequestCount), bucket and key.
type target struct {
	op     string
	bucket string
	key    string
}

// servedSubResources are the sub-resources of the operations served here;
// a request naming any other sub-resource is for an operation the emulator
// does not implement, even if its method and path look like one it does.
var servedSubResources = map[string]bool{
	"acl": true, "bucketInfo": true, "location": true, "delete": true, "tagging": true, "objectMeta": true,
	"uploads": true, "uploadId": true, "partNumber": true, "security-token": true, "versions": true,
	"versioning": true, "versionId": true, "continuation-token": true, "worm": true, "wormId": true,
	"wormExtend": true, "response-content-type": true, "response-content-language": true,
	"response-expires": true, "response-cache-control": true, "response-content-disposition": true,
	"response-content-encoding": true, "restore": true, "symlink": true, "append": true, "position": true,
	"cleanRestoredObject": true, "seal": true,
}

// classify names the OSS operation of r the way the SDK's OpName does.
// Unknown combinations get the operation name "Unsupported".
func classify(r *http.Request) target {
	bucket, key := address(r)
	t := target{bucket: bucket, key: key, op: "Unsupported"}
	q := r.URL.Query()
	for k := range q {
		if subResources[k] && !servedSubResources[k] {
			return t
		}
	}
	has := func(name string) bool { _, ok := q[name]; return ok }
	m := r.Method
	switch {
	case bucket == "":
		if m == http.MethodGet {
			t.op = "ListBuckets"
		}
	case key == "":
		t.op = classifyBucket(m, has, q)
	default:
		t.op = classifyObject(m, has, r.Header)
	}
	if t.op == "" {
		t.op = "Unsupported"
	}
	return t
}

// subResources are OSS's sub-resource parameters: the SDK's V1 signer's
// fixed list plus every operation's SubResource. They name operations (and
// are signed by V1), unlike plain parameters such as prefix or max-keys.
var subResources = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`acl bucketInfo location stat delete append tagging objectMeta uploads
		uploadId partNumber security-token position response-content-type response-content-language
		response-expires response-cache-control response-content-disposition response-content-encoding
		restore callback callback-var versions versioning versionId sequential continuation-token
		regionList cloudboxes symlink worm wormId wormExtend objectWorm retention legalHold
		publicAccessBlock lifecycle redundancyTransition accessPoint accessPointForObjectProcess
		accessPointPolicy accessPointPolicyForObjectProcess accessPointConfigForObjectProcess policy
		policyStatus metaQuery comp inventory inventoryId website style styleName encryption logging
		cname userDefinedLogFieldsConfig overwriteConfig cors referer httpsConfig transferAcceleration
		resourceGroup replication replicationProgress replicationLocation rtc bucketArchiveDirectRead
		seal quota metadataConfiguration metadataJournalTable metadataInventoryTable requestPayment
		regions cleanRestoredObject x-oss-process`) {
		subResources[k] = true
	}
}

func classifyBucket(m string, has func(string) bool, q url.Values) string {
	switch m {
	case http.MethodPut:
		switch {
		case has("versioning"):
			return "PutBucketVersioning"
		case has("acl"):
			return "PutBucketAcl"
		case len(q) == 0:
			return "PutBucket"
		}
	case http.MethodGet:
		switch {
		case has("bucketInfo"):
			return "GetBucketInfo"
		case has("location"):
			return "GetBucketLocation"
		case has("versioning"):
			return "GetBucketVersioning"
		case has("worm"):
			return "GetBucketWorm"
		case has("acl"):
			return "GetBucketAcl"
		case has("uploads"):
			return "ListMultipartUploads"
		case has("versions"):
			return "ListObjectVersions"
		case q.Get("list-type") == "2":
			return "ListObjectsV2"
		default:
			return "ListObjects"
		}
	case http.MethodPost:
		switch {
		case has("worm"):
			return "InitiateBucketWorm"
		case has("wormExtend"):
			return "ExtendBucketWorm"
		case has("wormId"):
			return "CompleteBucketWorm"
		case has("delete"):
			return "DeleteMultipleObjects"
		}
	case http.MethodDelete:
		switch {
		case has("worm"):
			return "AbortBucketWorm"
		case len(q) == 0:
			return "DeleteBucket"
		}
	}
	return ""
}

func classifyObject(m string, has func(string) bool, h http.Header) string {
	copySource := h.Get("x-oss-copy-source") != ""
	switch m {
	case http.MethodPut:
		switch {
		case has("partNumber") && has("uploadId") && copySource:
			return "UploadPartCopy"
		case has("partNumber") && has("uploadId"):
			return "UploadPart"
		case has("symlink"):
			return "PutSymlink"
		case has("tagging"):
			return "PutObjectTagging"
		case has("acl"):
			return "PutObjectAcl"
		case copySource:
			return "CopyObject"
		default:
			return "PutObject"
		}
	case http.MethodGet:
		switch {
		case has("symlink"):
			return "GetSymlink"
		case has("tagging"):
			return "GetObjectTagging"
		case has("acl"):
			return "GetObjectAcl"
		case has("uploadId"):
			return "ListParts"
		default:
			return "GetObject"
		}
	case http.MethodHead:
		if has("objectMeta") {
			return "GetObjectMeta"
		}
		return "HeadObject"
	case http.MethodPost:
		switch {
		case has("uploads"):
			return "InitiateMultipartUpload"
		case has("uploadId"):
			return "CompleteMultipartUpload"
		case has("restore"):
			return "RestoreObject"
		case has("append"):
			return "AppendObject"
		case has("cleanRestoredObject"):
			return "CleanRestoredObject"
		case has("seal"):
			return "SealAppendObject"
		}
	case http.MethodDelete:
		switch {
		case has("uploadId"):
			return "AbortMultipartUpload"
		case has("tagging"):
			return "DeleteObjectTagging"
		default:
			return "DeleteObject"
		}
	}
	return ""
}

// address extracts bucket and key. Virtual-hosted style is
// "<bucket>.<service host>", where the service host is an IP address,
// "localhost" or an OSS endpoint "oss-<region>[-internal].aliyuncs.com";
// on a bare service host the bucket is the first path segment.
func address(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if label, rest, ok := strings.Cut(host, "."); ok && isServiceHost(rest) && !isServiceHost(host) {
		return label, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

func isServiceHost(h string) bool {
	if net.ParseIP(h) != nil || h == "localhost" {
		return true
	}
	_, ok := endpointRegion(h)
	return ok
}

// endpointRegion is the region an OSS endpoint name
// "oss-<region>[-internal].aliyuncs.com" names.
func endpointRegion(h string) (string, bool) {
	label, ok := strings.CutSuffix(h, ".aliyuncs.com")
	if !ok || strings.Contains(label, ".") {
		return "", false
	}
	region, ok := strings.CutPrefix(label, "oss-")
	region = strings.TrimSuffix(region, "-internal")
	if !ok || region == "" {
		return "", false
	}
	return region, true
}

// hostRegion is the region a Host header names, bare or with a bucket
// label; false for IP addresses, localhost and other names, which reach
// whatever region the listener serves.
func hostRegion(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if region, ok := endpointRegion(host); ok {
		return region, true
	}
	_, rest, _ := strings.Cut(host, ".")
	return endpointRegion(rest)
}
