package provider

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// target names an object: the key of planned sources, and in
// diagnostics, where it reads oss://bucket/key.
type target struct {
	bucket, key string
}

func (t target) String() string { return "oss://" + t.bucket + "/" + t.key }

// known reports whether none of the values is unknown.
func known(values ...types.String) bool {
	for _, v := range values {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// stringOrNull maps OSS's "header absent" to null, so that state written
// after create and after import agree.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// timeOrNull formats a time OSS reported in RFC 3339, UTC, the one format
// that the resource's create and refresh and both data sources share; null
// when OSS reported none.
func timeOrNull(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// optionalString is nil for "", for optional SDK request fields.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// trimETag drops the quotes OSS puts around ETags.
func trimETag(etag string) string {
	return strings.Trim(etag, `"`)
}

// stringMap reads a map attribute; null and unknown read as nil.
func stringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := make(map[string]string, len(m.Elements()))
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

// ossTagging builds a tag set in key order, so requests are reproducible.
func ossTagging(tags map[string]string) *oss.Tagging {
	set := make([]oss.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		set = append(set, oss.Tag{Key: oss.Ptr(k), Value: oss.Ptr(tags[k])})
	}
	return &oss.Tagging{TagSet: &oss.TagSet{Tags: set}}
}

// isNotFound reports whether OSS answered 404: no such bucket, key or version.
func isNotFound(err error) bool {
	var se *oss.ServiceError
	return errors.As(err, &se) && se.StatusCode == http.StatusNotFound
}

// sameVersion reports whether two source version IDs name the same version.
// An object written while its bucket had no versioning has no version ID;
// once versioning is enabled or suspended, OSS reports that same object as
// version "null". So a copy recorded without a version still matches its
// unchanged source after versioning is turned on.
func sameVersion(a, b string) bool {
	return a == b || isNullVersion(a) && isNullVersion(b)
}

func isNullVersion(v string) bool { return v == "" || v == "null" }
