package provider

import (
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestSourceClient_OnePerConfiguration checks that copies whose source
// settings are alike share one source client (and so one assumed role),
// even though each carries its own source_credentials block, and that any
// other setting gets a client of its own.
func TestSourceClient_OnePerConfiguration(t *testing.T) {
	t.Parallel()
	pd := &providerData{region: "cn-hangzhou", endpoint: "http://127.0.0.1:1"}
	creds := func(secret, session string) *credentialArgs {
		return &credentialArgs{AccessKey: types.StringValue("id"), SecretKey: types.StringValue(secret),
			AssumeRole: &assumeRoleModel{RoleARN: types.StringValue("acs:ram::1:role/reader"),
				SessionName: types.StringValue(session)}}
	}
	get := func(region string, c *credentialArgs) *oss.Client {
		t.Helper()
		client, diags := pd.sourceClient(sourceConfig{region: region, credentials: c})
		if diags.HasError() {
			t.Fatal(diags)
		}
		return client
	}

	first := get("cn-shanghai", creds("secret", "tf"))
	if get("cn-shanghai", creds("secret", "tf")) != first {
		t.Error("a second block alike got a client of its own")
	}
	for name, other := range map[string]*oss.Client{
		"another secret":       get("cn-shanghai", creds("other", "tf")),
		"another session name": get("cn-shanghai", creds("secret", "other")),
		"another region":       get("cn-beijing", creds("secret", "tf")),
		"no assume_role":       get("cn-shanghai", &credentialArgs{AccessKey: types.StringValue("id"), SecretKey: types.StringValue("secret")}),
	} {
		if other == first {
			t.Errorf("%s: got the same client", name)
		}
	}
}
