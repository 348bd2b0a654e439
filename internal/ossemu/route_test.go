package ossemu

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClassify(t *testing.T) {
	testCases := map[string]struct {
		method, target string
		header         http.Header
		want           target
	}{
		"list buckets":              {"GET", "http://127.0.0.1:9/", nil, target{op: "ListBuckets"}},
		"put bucket":                {"PUT", "http://127.0.0.1:9/b/", nil, target{op: "PutBucket", bucket: "b"}},
		"bucket info":               {"GET", "http://127.0.0.1:9/b/?bucketInfo", nil, target{op: "GetBucketInfo", bucket: "b"}},
		"list v2":                   {"GET", "http://127.0.0.1:9/b/?list-type=2&prefix=a", nil, target{op: "ListObjectsV2", bucket: "b"}},
		"list v1":                   {"GET", "http://127.0.0.1:9/b/?prefix=a", nil, target{op: "ListObjects", bucket: "b"}},
		"worm complete":             {"POST", "http://127.0.0.1:9/b/?wormId=1", nil, target{op: "CompleteBucketWorm", bucket: "b"}},
		"get object":                {"GET", "http://127.0.0.1:9/b/dir/k%20x", nil, target{op: "GetObject", bucket: "b", key: "dir/k x"}},
		"object meta":               {"HEAD", "http://127.0.0.1:9/b/k?objectMeta", nil, target{op: "GetObjectMeta", bucket: "b", key: "k"}},
		"copy object":               {"PUT", "http://127.0.0.1:9/b/k", http.Header{"X-Oss-Copy-Source": {"/s/k"}}, target{op: "CopyObject", bucket: "b", key: "k"}},
		"upload part":               {"PUT", "http://127.0.0.1:9/b/k?partNumber=1&uploadId=U", nil, target{op: "UploadPart", bucket: "b", key: "k"}},
		"upload part copy":          {"PUT", "http://127.0.0.1:9/b/k?partNumber=1&uploadId=U", http.Header{"X-Oss-Copy-Source": {"/s/k"}}, target{op: "UploadPartCopy", bucket: "b", key: "k"}},
		"initiate":                  {"POST", "http://127.0.0.1:9/b/k?uploads", nil, target{op: "InitiateMultipartUpload", bucket: "b", key: "k"}},
		"complete":                  {"POST", "http://127.0.0.1:9/b/k?uploadId=U", nil, target{op: "CompleteMultipartUpload", bucket: "b", key: "k"}},
		"abort":                     {"DELETE", "http://127.0.0.1:9/b/k?uploadId=U", nil, target{op: "AbortMultipartUpload", bucket: "b", key: "k"}},
		"virtual hosted":            {"GET", "http://b.oss-cn-hangzhou.aliyuncs.com/k", nil, target{op: "GetObject", bucket: "b", key: "k"}},
		"virtual localhost":         {"HEAD", "http://b.localhost:9/k", nil, target{op: "HeadObject", bucket: "b", key: "k"}},
		"service endpoint":          {"GET", "http://oss-cn-hangzhou.aliyuncs.com/", nil, target{op: "ListBuckets"}},
		"unknown":                   {"PATCH", "http://127.0.0.1:9/b/k", nil, target{op: "Unsupported", bucket: "b", key: "k"}},
		"other bucket sub-resource": {"GET", "http://127.0.0.1:9/b/?lifecycle", nil, target{op: "Unsupported", bucket: "b"}},
		"other object sub-resource": {"GET", "http://127.0.0.1:9/b/k?retention", nil, target{op: "Unsupported", bucket: "b", key: "k"}},
		"get symlink":               {"GET", "http://127.0.0.1:9/b/k?symlink", nil, target{op: "GetSymlink", bucket: "b", key: "k"}},
		"put symlink":               {"PUT", "http://127.0.0.1:9/b/k?symlink", nil, target{op: "PutSymlink", bucket: "b", key: "k"}},
		"restore":                   {"POST", "http://127.0.0.1:9/b/k?restore", nil, target{op: "RestoreObject", bucket: "b", key: "k"}},
		"append":                    {"POST", "http://127.0.0.1:9/b/k?append&position=0", nil, target{op: "AppendObject", bucket: "b", key: "k"}},
		"image processing":          {"GET", "http://127.0.0.1:9/b/k?x-oss-process=image/resize", nil, target{op: "Unsupported", bucket: "b", key: "k"}},
		"presigned V4 GET": {"GET", "http://127.0.0.1:9/b/k?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=a&x-oss-date=d&x-oss-expires=9&x-oss-signature=s",
			nil, target{op: "GetObject", bucket: "b", key: "k"}},
		"presigned V1 GET with token": {"GET", "http://127.0.0.1:9/b/k?OSSAccessKeyId=a&Expires=1&Signature=s&security-token=t&versionId=v",
			nil, target{op: "GetObject", bucket: "b", key: "k"}},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, tc.target, nil)
			for k, v := range tc.header {
				r.Header[k] = v
			}
			if got := classify(r); got != tc.want {
				t.Errorf("classify = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHostRegion(t *testing.T) {
	testCases := map[string]struct {
		host   string
		region string // "" = the listener's
	}{
		"endpoint":             {"oss-cn-shanghai.aliyuncs.com", "cn-shanghai"},
		"internal endpoint":    {"oss-cn-shanghai-internal.aliyuncs.com", "cn-shanghai"},
		"bucket on endpoint":   {"b.oss-ap-southeast-1.aliyuncs.com", "ap-southeast-1"},
		"bucket with port":     {"b.oss-cn-beijing.aliyuncs.com:80", "cn-beijing"},
		"IP":                   {"127.0.0.1:9000", ""},
		"bucket on localhost":  {"b.localhost:9000", ""},
		"other domain":         {"example.com", ""},
		"not an OSS endpoint":  {"ecs.cn-shanghai.aliyuncs.com", ""},
		"nested bucket labels": {"a.b.oss-cn-shanghai.aliyuncs.com", ""},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			region, ok := hostRegion(tc.host)
			if region != tc.region || ok != (tc.region != "") {
				t.Errorf("hostRegion(%q) = %q, %v; want %q", tc.host, region, ok, tc.region)
			}
		})
	}
}
