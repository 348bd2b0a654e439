package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// writeCLIConfig writes an Alibaba Cloud CLI configuration with one AK
// profile and returns its path.
func writeCLIConfig(t *testing.T, profile, id, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	body := fmt.Sprintf(`{"current":"other","profiles":[{"name":"other","mode":"AK","access_key_id":"wrong",`+
		`"access_key_secret":"wrong"},{"name":%q,"mode":"AK","access_key_id":%q,"access_key_secret":%q}]}`,
		profile, id, secret)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestProvider_CredentialPrecedence checks the documented order: the key
// pair arguments, then a profile named in the provider block, then the
// environment variables (OSS_* before ALIBABA_CLOUD_*), then a profile
// named in the environment.
func TestProvider_CredentialPrecedence(t *testing.T) {
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	file := writeCLIConfig(t, "dev", "profile-id", "profile-secret")
	get := func(m credentialArgs) string {
		t.Helper()
		p, diags := credentialsFromConfig(m, "cn-hangzhou")
		if diags.HasError() {
			t.Fatal(diags)
		}
		c, err := p.GetCredentials(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return c.AccessKeyID + ":" + c.AccessKeySecret
	}
	withProfile := credentialArgs{Profile: types.StringValue("dev"), SharedCredentialsFile: types.StringValue(file)}

	t.Setenv("ALICLOUD_PROFILE", "dev")
	t.Setenv("ALICLOUD_SHARED_CREDENTIALS_FILE", file)
	if got := get(credentialArgs{}); got != "profile-id:profile-secret" {
		t.Errorf("profile from the environment: got %s", got)
	}
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
	if got := get(credentialArgs{}); got != "env-id:env-secret" {
		t.Errorf("environment key pair over a profile named in the environment: got %s", got)
	}
	t.Setenv("OSS_ACCESS_KEY_ID", "oss-id")
	t.Setenv("OSS_ACCESS_KEY_SECRET", "oss-secret")
	if got := get(credentialArgs{}); got != "oss-id:oss-secret" {
		t.Errorf("OSS_* over ALIBABA_CLOUD_*: got %s", got)
	}
	if got := get(withProfile); got != "profile-id:profile-secret" {
		t.Errorf("profile argument over the environment: got %s", got)
	}
	withProfile.AccessKey, withProfile.SecretKey = types.StringValue("arg-id"), types.StringValue("arg-secret")
	if got := get(withProfile); got != "arg-id:arg-secret" {
		t.Errorf("arguments over a profile and the environment: got %s", got)
	}
}

// TestAccObjectCopy_ProfileCredentials copies with credentials that only a
// profile in a shared credentials file holds.
func TestAccObjectCopy_ProfileCredentials(t *testing.T) {
	o := newTestOSS(t) // reads the real-OSS key pair before it is cleared
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("by profile"), nil)
	config := o.providerWith(`profile = "copier"
  shared_credentials_file = `+hcl(writeCLIConfig(t, "copier", o.id, o.secret))) +
		copyConfig(dst, "k", src, "k", "")
	o.copyTest(config, dst, "k", "by profile")
}

// TestAccObjectCopy_NoCredentials runs with no credentials anywhere: the
// default chain finds none, and the error says where to put them.
func TestAccObjectCopy_NoCredentials(t *testing.T) {
	o := newTestOSS(t) // reads the real-OSS key pair before it is cleared
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	// Keep the default chain off this machine's files and off the network.
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: o.providerWith("") + copyConfig(dst, "k", src, "k", ""),
			ExpectError: exactMessage(`The provider could not get credentials from the default credential ` +
				`chain. Set "access_key" and "secret_key" in the provider block, or the environment variables ` +
				`OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY, or ` +
				`ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or a "profile".`),
		}},
	})
}

// TestCredentialsIn_SourceCredentialsBlock: the source_credentials block
// follows the provider's rules, and its diagnostics name the block and
// point at its arguments.
func TestCredentialsIn_SourceCredentialsBlock(t *testing.T) {
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	t.Setenv("OSS_SESSION_TOKEN", "env-token")
	_, diags := credentialsIn(sourceCredentialsBlock, credentialArgs{AccessKey: types.StringValue("id")}, "cn-shanghai")
	if diags.ErrorsCount() != 1 {
		t.Fatalf("diagnostics %v, want one error", diags)
	}
	d := diags.Errors()[0]
	want := `"access_key" is set in the source_credentials block, so the oss provider takes the whole key pair, ` +
		`and its security token, from the source_credentials block: credentials never come partly from arguments ` +
		`and partly from environment variables. Set the access key secret in "secret_key" in the source_credentials ` +
		`block, or remove "access_key" to take the credentials from the environment.`
	if d.Summary() != "Missing Source Credentials Argument secret_key" || d.Detail() != want {
		t.Errorf("diagnostic %q: %q", d.Summary(), d.Detail())
	}
	if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("source_credentials").AtName("secret_key")) {
		t.Errorf("diagnostic does not point at source_credentials.secret_key: %v", d)
	}

	p, diags := credentialsIn(sourceCredentialsBlock, credentialArgs{
		AccessKey: types.StringValue("id"), SecretKey: types.StringValue("secret"),
	}, "cn-shanghai")
	if diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(),
		`The key pair comes from the source_credentials block's access_key and secret_key`) {
		t.Errorf("diagnostics %v, want the Security Token Not Used warning naming the block", diags)
	}
	c, err := p.GetCredentials(context.Background())
	if err != nil || c.AccessKeyID != "id" || c.AccessKeySecret != "secret" || c.SecurityToken != "" {
		t.Errorf("credentials %+v, %v; want the block's key pair without a token", c, err)
	}
}
