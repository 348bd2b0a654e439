package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestCredentials_NeverMixSources sets credentials in two places at once,
// each way a key pair or its token could be put together from two
// sources: the provider never signs with such a mixture. It either takes
// the whole pair and token from the first source, leaving a stray token
// unused with a warning, or refuses with an error that names what is
// missing and what is set elsewhere.
func TestCredentials_NeverMixSources(t *testing.T) {
	file := writeCLIConfig(t, "dev", "profile-id", "profile-secret")
	args := func(accessKey, secretKey, token string) credentialArgs {
		return credentialArgs{
			AccessKey: types.StringValue(accessKey), SecretKey: types.StringValue(secretKey),
			SecurityToken: types.StringValue(token),
		}
	}
	profile := credentialArgs{Profile: types.StringValue("dev"), SharedCredentialsFile: types.StringValue(file)}

	for name, tc := range map[string]struct {
		cfg   credentialArgs
		env   map[string]string
		want  string // id:secret:token that requests are signed with; "" when refused
		diags diag.Diagnostics
	}{
		"access_key argument, secret in the environment": {
			cfg: args("arg-id", "", ""),
			env: map[string]string{"OSS_ACCESS_KEY_SECRET": "env-secret", "ALICLOUD_SECRET_KEY": "env-secret"},
			diags: diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("secret_key"),
				"Missing Provider Argument secret_key", `"access_key" is set in the provider block, so the oss `+
					`provider takes the whole key pair, and its security token, from the provider block: `+
					`credentials never come partly from arguments and partly from environment variables. Set the `+
					`access key secret in "secret_key" in the provider block, or remove "access_key" to take the `+
					`credentials from the environment. The environment variables OSS_ACCESS_KEY_SECRET and `+
					`ALICLOUD_SECRET_KEY are set but not combined with arguments.`)},
		},
		"secret_key and security_token arguments, access key ID in the environment": {
			cfg: args("", "arg-secret", "arg-token"),
			env: map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id"},
			diags: diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("access_key"),
				"Missing Provider Argument access_key", `"secret_key" and "security_token" are set in the `+
					`provider block, so the oss provider takes the whole key pair, and its security token, from `+
					`the provider block: credentials never come partly from arguments and partly from environment `+
					`variables. Set the access key ID in "access_key" in the provider block, or remove `+
					`"secret_key" and "security_token" to take the credentials from the environment. The `+
					`environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is set but not combined with arguments.`)},
		},
		"security_token argument, key pair in the environment": {
			cfg: args("", "", "arg-token"),
			env: map[string]string{"OSS_ACCESS_KEY_ID": "env-id", "OSS_ACCESS_KEY_SECRET": "env-secret"},
			diags: diag.Diagnostics{
				diag.NewAttributeErrorDiagnostic(path.Root("access_key"), "Missing Provider Argument access_key",
					`"security_token" is set in the provider block, so the oss provider takes the whole key pair, `+
						`and its security token, from the provider block: credentials never come partly from `+
						`arguments and partly from environment variables. Set the access key ID in "access_key" in `+
						`the provider block, or remove "security_token" to take the credentials from the `+
						`environment. The environment variable OSS_ACCESS_KEY_ID is set but not combined with arguments.`),
				diag.NewAttributeErrorDiagnostic(path.Root("secret_key"), "Missing Provider Argument secret_key",
					`"security_token" is set in the provider block, so the oss provider takes the whole key pair, `+
						`and its security token, from the provider block: credentials never come partly from `+
						`arguments and partly from environment variables. Set the access key secret in "secret_key" `+
						`in the provider block, or remove "security_token" to take the credentials from the `+
						`environment. The environment variable OSS_ACCESS_KEY_SECRET is set but not combined with arguments.`),
			},
		},
		"key pair arguments, security token in the environment": {
			cfg:  args("arg-id", "arg-secret", ""),
			env:  map[string]string{"OSS_SESSION_TOKEN": "env-token", "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token"},
			want: "arg-id:arg-secret:",
			diags: diag.Diagnostics{diag.NewWarningDiagnostic("Security Token Not Used", `The key pair comes from `+
				`the provider block's access_key and secret_key, without a security token, so the environment `+
				`variables OSS_SESSION_TOKEN and ALIBABA_CLOUD_SECURITY_TOKEN are not used: a token works only `+
				`with the key pair it was issued with, and credentials never mix sources. If the key pair is `+
				`temporary, set its token in "security_token" in the provider block; otherwise unset `+
				`OSS_SESSION_TOKEN and ALIBABA_CLOUD_SECURITY_TOKEN.`)},
		},
		"key pair and token arguments win over the environment": {
			cfg:  args("arg-id", "arg-secret", "arg-token"),
			env:  map[string]string{"OSS_ACCESS_KEY_ID": "env-id", "OSS_SESSION_TOKEN": "env-token"},
			want: "arg-id:arg-secret:arg-token",
		},
		"OSS_ACCESS_KEY_ID with ALICLOUD_SECRET_KEY": {
			env: map[string]string{"OSS_ACCESS_KEY_ID": "oss-id", "ALICLOUD_SECRET_KEY": "alicloud-secret"},
			diags: diag.Diagnostics{diag.NewErrorDiagnostic("Incomplete Credentials in Environment Variables",
				`OSS_ACCESS_KEY_ID is set, so the oss provider takes the key pair and its security token from `+
					`OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and OSS_SESSION_TOKEN only, but OSS_ACCESS_KEY_SECRET `+
					`is not set. Credentials never come from two families of environment variables: `+
					`ALICLOUD_SECRET_KEY is set but not combined with them. Set OSS_ACCESS_KEY_SECRET, or unset `+
					`OSS_ACCESS_KEY_ID.`)},
		},
		"a lone OSS_SESSION_TOKEN with an ALICLOUD_* key pair": {
			env: map[string]string{"OSS_SESSION_TOKEN": "oss-token", "ALICLOUD_ACCESS_KEY": "alicloud-id",
				"ALICLOUD_SECRET_KEY": "alicloud-secret"},
			diags: diag.Diagnostics{diag.NewErrorDiagnostic("Incomplete Credentials in Environment Variables",
				`OSS_SESSION_TOKEN is set, so the oss provider takes the key pair and its security token from `+
					`OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and OSS_SESSION_TOKEN only, but OSS_ACCESS_KEY_ID and `+
					`OSS_ACCESS_KEY_SECRET are not set. Credentials never come from two families of environment `+
					`variables: ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY are set but not combined with them. Set `+
					`OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, or unset OSS_SESSION_TOKEN.`)},
		},
		"ALICLOUD_* key pair with ALIBABA_CLOUD_SECURITY_TOKEN": {
			env: map[string]string{"ALICLOUD_ACCESS_KEY": "alicloud-id", "ALICLOUD_SECRET_KEY": "alicloud-secret",
				"ALIBABA_CLOUD_SECURITY_TOKEN": "other-token"},
			want: "alicloud-id:alicloud-secret:",
			diags: diag.Diagnostics{diag.NewWarningDiagnostic("Security Token Not Used", `The key pair comes from `+
				`ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY, without a security token, so the environment variable `+
				`ALIBABA_CLOUD_SECURITY_TOKEN is not used: a token works only with the key pair it was issued with, `+
				`and credentials never mix sources. If the key pair is temporary, set its token in `+
				`ALICLOUD_SECURITY_TOKEN; otherwise unset ALIBABA_CLOUD_SECURITY_TOKEN.`)},
		},
		"a complete family with its own token": {
			env: map[string]string{"ALICLOUD_ACCESS_KEY": "alicloud-id", "ALICLOUD_SECRET_KEY": "alicloud-secret",
				"ALICLOUD_SECURITY_TOKEN": "alicloud-token", "ALIBABA_CLOUD_ACCESS_KEY_ID": "other-id",
				"ALIBABA_CLOUD_SECURITY_TOKEN": "other-token"},
			want: "alicloud-id:alicloud-secret:alicloud-token",
		},
		"profile argument wins over a key pair in the environment": {
			cfg:  profile,
			env:  map[string]string{"OSS_ACCESS_KEY_ID": "env-id", "OSS_ACCESS_KEY_SECRET": "env-secret", "OSS_SESSION_TOKEN": "env-token"},
			want: "profile-id:profile-secret:",
		},
	} {
		t.Run(name, func(t *testing.T) {
			clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			p, diags := credentialsFromConfig(tc.cfg, "cn-hangzhou")
			if !diags.Equal(tc.diags) {
				t.Errorf("diagnostics:\n got %v\nwant %v", diags, tc.diags)
			}
			if tc.want == "" {
				if p != nil {
					t.Errorf("got a credentials provider despite the errors")
				}
				return
			}
			if p == nil {
				t.Fatal("no credentials provider")
			}
			c, err := p.GetCredentials(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := c.AccessKeyID + ":" + c.AccessKeySecret + ":" + c.SecurityToken; got != tc.want {
				t.Errorf("signs with %s, want %s", got, tc.want)
			}
		})
	}
}

// TestProvider_CredentialsMixedInEnvironment sets an access key ID in one
// family of environment variables and the secret in another: the plan
// fails before any request and says which variable to set.
func TestProvider_CredentialsMixedInEnvironment(t *testing.T) {
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	t.Setenv("OSS_ACCESS_KEY_ID", "oss-id")
	t.Setenv("ALICLOUD_SECRET_KEY", "alicloud-secret")
	planFails(t, `
provider "oss" {
  region   = "cn-hangzhou"
  endpoint = "http://127.0.0.1:1"
}
`, diagMessage("Incomplete Credentials in Environment Variables", `OSS_ACCESS_KEY_ID is set, so the oss `+
		`provider takes the key pair and its security token from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and `+
		`OSS_SESSION_TOKEN only, but OSS_ACCESS_KEY_SECRET is not set. Credentials never come from two families `+
		`of environment variables: ALICLOUD_SECRET_KEY is set but not combined with them. Set `+
		`OSS_ACCESS_KEY_SECRET, or unset OSS_ACCESS_KEY_ID.`))
}

// TestProvider_CredentialArgumentWithSecretInEnvironment sets access_key
// in the provider block and the secret in the environment: the plan fails
// before any request and says where the secret must go.
func TestProvider_CredentialArgumentWithSecretInEnvironment(t *testing.T) {
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	t.Setenv("OSS_ACCESS_KEY_SECRET", "env-secret")
	planFails(t, `
provider "oss" {
  region     = "cn-hangzhou"
  endpoint   = "http://127.0.0.1:1"
  access_key = "arg-id"
}
`, diagMessage("Missing Provider Argument secret_key", `"access_key" is set in the provider block, so the oss `+
		`provider takes the whole key pair, and its security token, from the provider block: credentials never `+
		`come partly from arguments and partly from environment variables. Set the access key secret in `+
		`"secret_key" in the provider block, or remove "access_key" to take the credentials from the `+
		`environment. The environment variable OSS_ACCESS_KEY_SECRET is set but not combined with arguments.`))
}
