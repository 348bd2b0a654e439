package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// fakePrivate is the private state of one resource, as the framework keeps it.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	p[key] = value
	return nil
}

// TestPrivateState checks that what the resource keeps in private state
// reads back as written, reads as absent when never written, and that an
// undecodable value is an error naming the value rather than a silent "".
func TestPrivateState(t *testing.T) {
	ctx := t.Context()
	p := fakePrivate{}
	if etag, diags := copiedETag(ctx, p); etag != "" || diags.HasError() {
		t.Errorf("copiedETag of empty private state = %q, %v; want \"\"", etag, diags)
	}

	if diags := setCopiedETag(ctx, p, "5B3C1A2E053D763E1B002CC607C5A0FE"); diags.HasError() {
		t.Fatal(diags)
	}
	if etag, diags := copiedETag(ctx, p); etag != "5B3C1A2E053D763E1B002CC607C5A0FE" || diags.HasError() {
		t.Errorf("copiedETag = %q, %v; want the ETag written", etag, diags)
	}

	p[privateCopiedETag] = []byte("{not json")
	etag, diags := copiedETag(ctx, p)
	if etag != "" || diags.ErrorsCount() != 1 || diags[0].Summary() != "Invalid Private State" ||
		!strings.Contains(diags[0].Detail(), privateCopiedETag) {
		t.Errorf("copiedETag of invalid JSON = %q, %v; want \"\" and one Invalid Private State error naming %q",
			etag, diags, privateCopiedETag)
	}
}
