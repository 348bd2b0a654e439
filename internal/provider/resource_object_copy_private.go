package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateCopiedETag keeps the ETag the copy produced, so that a refresh can
// record what OSS holds now while the plan still sees the difference.
const privateCopiedETag = "copied_etag"

// copiedETag reads the ETag that the copy produced, "" when none was kept.
func copiedETag(ctx context.Context, p privateGetter) (string, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, privateCopiedETag)
	if len(raw) == 0 || diags.HasError() {
		return "", diags
	}
	var etag string
	if err := json.Unmarshal(raw, &etag); err != nil {
		diags.Append(invalidPrivateStateDiag(privateCopiedETag, err))
		return "", diags
	}
	return etag, diags
}

// setCopiedETag keeps etag as JSON, as the framework requires of private
// state values.
func setCopiedETag(ctx context.Context, p privateSetter, etag string) diag.Diagnostics {
	raw, err := json.Marshal(etag)
	if err != nil {
		return diag.Diagnostics{invalidPrivateStateDiag(privateCopiedETag, err)}
	}
	return p.SetKey(ctx, privateCopiedETag, raw)
}

// privateGetter and privateSetter are what the helpers above need of the
// framework's private state, whose type lives in an internal package.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
