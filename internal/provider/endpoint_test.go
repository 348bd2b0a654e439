package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// configureForTest runs the provider's Configure with the given provider
// block arguments (all others null) and returns the data resources get.
func configureForTest(t *testing.T, args map[string]string) *providerData {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is a %T, not an object", sresp.Schema.Type().TerraformType(ctx))
	}
	values := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
		if v, ok := args[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{
		Schema: sresp.Schema, Raw: tftypes.NewValue(typ, values),
	}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure: %v", resp.Diagnostics)
	}
	pd, err := requiredProviderData(resp.ResourceData)
	if err != nil {
		t.Fatal(err)
	}
	return pd
}

// TestProvider_EndpointResolution checks where requests go, by presigning
// one (no request is sent): https unless the endpoint itself says http, the
// region's public endpoint when none is given, and path style for IPs.
func TestProvider_EndpointResolution(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		region, endpoint string
		want             string // URL prefix of a GetObject of bucket "bkt", key "k"
	}{
		"region only":                  {"cn-hangzhou", "", "https://bkt.oss-cn-hangzhou.aliyuncs.com/k?"},
		"host name without scheme":     {"cn-shanghai", "oss-cn-shanghai-internal.aliyuncs.com", "https://bkt.oss-cn-shanghai-internal.aliyuncs.com/k?"},
		"IP and port without scheme":   {"cn-hangzhou", "127.0.0.1:9000", "https://127.0.0.1:9000/bkt/k?"},
		"explicit https":               {"cn-hangzhou", "https://oss.example.test", "https://bkt.oss.example.test/k?"},
		"explicit http":                {"cn-hangzhou", "http://oss-cn-hangzhou.aliyuncs.com", "http://bkt.oss-cn-hangzhou.aliyuncs.com/k?"},
		"explicit http to IP and port": {"cn-hangzhou", "http://127.0.0.1:9000", "http://127.0.0.1:9000/bkt/k?"},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := map[string]string{"region": tc.region, "access_key": "id", "secret_key": "secret"}
			if tc.endpoint != "" {
				args["endpoint"] = tc.endpoint
			}
			pd := configureForTest(t, args)
			res, err := pd.client.Presign(context.Background(), &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k")})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.URL, tc.want) {
				t.Errorf("requests go to %s, want %s...", res.URL, tc.want)
			}
		})
	}
}
