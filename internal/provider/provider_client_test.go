package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestAccObjectCopy_ClientOptions copies through a host name endpoint with
// path-style addressing, V1 signatures and no retries.
func TestAccObjectCopy_ClientOptions(t *testing.T) {
	t.Parallel()
	o := newTestOSS(t)
	o.requireEmulator("it addresses the emulator as localhost")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("v1 signed"), nil)
	config := `
provider "oss" {
  region         = ` + hcl(o.region) + `
  endpoint       = ` + hcl(strings.Replace(o.endpoint, "127.0.0.1", "localhost", 1)) + `
  use_path_style = true
  sign_version   = "v1"
  max_retries    = 0
  access_key     = ` + hcl(o.id) + `
  secret_key     = ` + hcl(o.secret) + `
}
` + copyConfig(dst, "k", src, "k", "")
	o.copyTest(config, dst, "k", "v1 signed")
}

// TestAccObjectCopy_SecurityToken copies with temporary STS credentials.
func TestAccObjectCopy_SecurityToken(t *testing.T) {
	t.Parallel()
	const id, secret, token = "STS.tfacc", "sts-secret", "sts-token"
	o := newTestOSS(t, ossemu.WithTemporaryCredentials(id, secret, token, time.Now().Add(time.Hour)))
	o.requireEmulator("it issues its own STS credentials")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("temporary"), nil)
	config := o.providerWith("access_key = "+hcl(id)+"\n  secret_key = "+hcl(secret)+
		"\n  security_token = "+hcl(token)) + copyConfig(dst, "k", src, "k", "")
	o.copyTest(config, dst, "k", "temporary")
}

// TestProvider_AssumeRoleIsLazy checks that assume_role is set up without
// calling STS: the role is assumed on the first request.
func TestProvider_AssumeRoleIsLazy(t *testing.T) {
	t.Parallel()
	p, diags := credentialsFromConfig(credentialArgs{
		AccessKey: types.StringValue("id"),
		SecretKey: types.StringValue("secret"),
		AssumeRole: &assumeRoleModel{
			RoleARN:         types.StringValue("acs:ram::123456789012:role/copier"),
			SessionName:     types.StringValue("tfacc"),
			ExternalID:      types.StringNull(),
			DurationSeconds: types.Int64Value(900),
		},
	}, "cn-hangzhou")
	if diags.HasError() {
		t.Fatal(diags)
	}
	chain, ok := p.(*chainCredentials)
	if !ok {
		t.Fatalf("got %T, want *chainCredentials", p)
	}
	if want := "role acs:ram::123456789012:role/copier assumed with access_key and secret_key"; chain.source != want {
		t.Errorf("source %q, want %q", chain.source, want)
	}
}
