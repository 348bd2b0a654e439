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
	var etag string
	_, diags := getPrivateJSON(ctx, p, privateCopiedETag, &etag)
	return etag, diags
}

func setCopiedETag(ctx context.Context, p privateSetter, etag string) diag.Diagnostics {
	return setPrivateJSON(ctx, p, privateCopiedETag, etag)
}

// getPrivateJSON decodes the private state value under key into v and
// reports whether there was one.
func getPrivateJSON(ctx context.Context, p privateGetter, key string, v any) (bool, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, key)
	if len(raw) == 0 || diags.HasError() {
		return false, diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.Append(invalidPrivateStateDiag(key, err))
		return false, diags
	}
	return true, diags
}

// setPrivateJSON stores v as JSON under key, as the framework requires of
// private state values.
func setPrivateJSON(ctx context.Context, p privateSetter, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		return diag.Diagnostics{invalidPrivateStateDiag(key, err)}
	}
	return p.SetKey(ctx, key, raw)
}

// privateGetter and privateSetter are what the helpers above need of the
// framework's private state, whose type lives in an internal package.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
