package prefixcopy

import (
	"context"
	"errors"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// ListPageSize is the most objects OSS returns for one ListObjectsV2
// request, so listing n objects takes ceil(n/ListPageSize) requests.
const ListPageSize = 1000

// Object is a listed object, its key relative to the listed prefix.
type Object struct {
	Key  string
	Size int64
	ETag string // without quotes
}

// Listing is what List found, sorted by key, and the requests it took.
type Listing struct {
	Objects  []Object
	Requests int
}

// List lists every object under prefix with ListObjectsV2, ListPageSize a
// request. The key equal to the prefix itself, a "folder" placeholder some
// tools create, has no relative path and is left out.
func List(ctx context.Context, c *oss.Client, bucket, prefix string) (Listing, error) {
	var out Listing
	req := &oss.ListObjectsV2Request{Bucket: &bucket, MaxKeys: ListPageSize}
	if prefix != "" {
		req.Prefix = &prefix
	}
	for {
		res, err := c.ListObjectsV2(ctx, req)
		if err != nil {
			return out, &objectcopy.Error{Op: "ListObjectsV2", Bucket: bucket, Key: prefix, Err: err}
		}
		out.Requests++
		for _, o := range res.Contents {
			rel, ok := strings.CutPrefix(oss.ToString(o.Key), prefix)
			if !ok || rel == "" {
				continue
			}
			out.Objects = append(out.Objects, Object{Key: rel, Size: o.Size, ETag: trimETag(oss.ToString(o.ETag))})
		}
		if !res.IsTruncated {
			return out, nil
		}
		if oss.ToString(res.NextContinuationToken) == "" {
			// Asking again without a token would list the first page forever.
			return out, &objectcopy.Error{Op: "ListObjectsV2", Bucket: bucket, Key: prefix,
				Err: errors.New("truncated listing without a continuation token")}
		}
		req.ContinuationToken = res.NextContinuationToken
	}
}

func trimETag(etag string) string { return strings.Trim(etag, `"`) }
