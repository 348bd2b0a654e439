package provider

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// The tests in this file show the diagnostics of diagnostics.go that other
// tests do not reach, each through what a user does to meet it.

// diagMessage matches an error as Terraform prints it: the summary after
// "Error: ", then (after the lines that locate it) the detail, both exactly
// up to Terraform's line wrapping.
func diagMessage(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(`Error: ` + exactMessage(summary).String() + `\n[\s\S]*` + exactMessage(detail).String())
}

// withRequestID extends a diagMessage that ends with the OSS error code by
// the request ID line, whose ID differs on every run, the EC line of errors
// that carry one, and the start of the original error that follows them.
func withRequestID(msg *regexp.Regexp) *regexp.Regexp {
	return regexp.MustCompile(msg.String() + `\s+Request\s+ID:\s+\S+(\s+OSS\s+EC:\s+\S+)?\s+Original\s+Error:`)
}

// providerWithoutRetries configures the provider for this OSS with
// max_retries = 0, so that the first error of a request reaches the user.
func (o *testOSS) providerWithoutRetries() string {
	return o.providerWith("access_key = " + hcl(o.id) + "\n  secret_key = " + hcl(o.secret) + "\n  max_retries = 0")
}

// planFails plans a copy under the given provider block (and any other
// blocks given with it) and expects the plan to fail with want.
func planFails(t *testing.T, provider string, want *regexp.Regexp) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider + copyConfig("dst-bucket", "k", "src-bucket", "k", ""),
			PlanOnly:    true,
			ExpectError: want,
		}},
	})
}

// TestProvider_CredentialsSetupFails names a profile while the environment
// disables CLI profiles: the credentials library refuses to set up, and the
// provider says which source failed, before any request.
func TestProvider_CredentialsSetupFails(t *testing.T) {
	clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	planFails(t, `
provider "oss" {
  region  = "cn-hangzhou"
  profile = "dev"
}
`, diagMessage(`Invalid Provider Credentials`, `Setting up credentials from profile "dev" of the shared `+
		`credentials file failed. Check those arguments of the provider block and their environment variables. `+
		`Original Error: the CLI profile is disabled`))
}

// TestProvider_SecretWithoutAccessKey sets only the secret: the error asks
// for the access key ID that goes with it (the reverse case is in
// resource_object_copy_validate_test.go).
func TestProvider_SecretWithoutAccessKey(t *testing.T) {
	clearEnv(t, envAccessKey)
	planFails(t, `
provider "oss" {
  region     = "cn-hangzhou"
  secret_key = "secret"
}
`, diagMessage("Missing Provider Argument access_key", `"secret_key" is set in the provider block, so the oss `+
		`provider takes the whole key pair, and its security token, from the provider block: credentials never `+
		`come partly from arguments and partly from environment variables. Set the access key ID in `+
		`"access_key" in the provider block, or remove "secret_key" to take the credentials from the environment.`))
}

// TestProvider_UnknownArgument configures the provider's region from a
// resource that does not exist yet: the plan fails and says what to do.
func TestProvider_UnknownArgument(t *testing.T) {
	t.Parallel()
	planFails(t, `
resource "terraform_data" "region" {
  input = "cn-hangzhou"
}

provider "oss" {
  region     = terraform_data.region.output
  access_key = "id"
  secret_key = "secret"
}
`, diagMessage(`Unknown Provider Argument region`, `The value of "region" is not known until apply, but the `+
		`oss provider needs it to plan. Use a value known at plan time, or apply the resources it depends on `+
		`first with -target.`))
}

// TestAccObjectCopy_AccessDenied answers every HeadObject with AccessDenied,
// as OSS does for credentials without oss:GetObject on the source. The
// plan fails: the error names the object and the permission to grant, and
// lays out the OSS operation, error code and request ID that OSS support
// asks for.
func TestAccObjectCopy_AccessDenied(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the denial is injected")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	o.emu.AddFault(ossemu.Fault{Op: "HeadObject", Status: 403, Code: "AccessDenied"})
	want := diagMessage("OSS Access Denied", "Reading the source object oss://"+src+"/k to plan its copy to "+
		"oss://"+dst+"/k failed. The credentials in use may not perform this operation on oss://"+src+"/k. "+
		"Grant the RAM user or role the permission (for example oss:GetObject on the source and "+
		"oss:PutObject on the destination). OSS operation: HeadObject OSS error code: AccessDenied (HTTP 403)")
	planErrorTest(t, o, o.config(copyConfig(dst, "k", src, "k", "")), withRequestID(want))
}

// TestAccDataSourceObject_ClockSkew reads an object from a machine whose
// clock is two hours behind OSS's, with max_retries = 0: the SDK corrects
// its clock only on a retry, so the skew reaches the user, who is told to
// synchronize the clock.
func TestAccDataSourceObject_ClockSkew(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the clock skew is the emulator's")
	bucket := o.newBucket(false)
	o.put(bucket, "k", []byte("k"), nil)
	o.emu.SetClockSkew(2 * time.Hour)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: o.providerWithoutRetries() + objectConfig(bucket, "k", ""),
			ExpectError: withRequestID(diagMessage("Clock Skew Too Large", "Reading oss://"+bucket+"/k failed. "+
				"This machine's clock differs from OSS's by more than 15 minutes. Synchronize the clock (NTP) "+
				"and retry. OSS error code: RequestTimeTooSkewed (HTTP 403)")),
		}},
	})
}

// TestAccObjectCopy_SourceDeletedAfterCopy deletes the unpinned source of
// a copy: the next plan keeps the copy, plans no change, and warns that
// changes to the source can no longer be followed. terraform-plugin-testing
// does not show warnings, so this runs the terraform CLI.
func TestAccObjectCopy_SourceDeletedAfterCopy(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t)
	o := newTestOSS(t)
	o.requireEmulator("the terraform CLI runs with an environment of its own, without real-OSS credentials")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("the source"), nil)
	cli.writeConfig(o.config(copyConfig(dst, "k", src, "k", "")))
	cli.mustRun("apply", "-auto-approve")
	o.remove(src, "k", "")

	// -detailed-exitcode: 0 is no changes, 2 would be a planned change.
	out := cli.mustRun("plan", "-detailed-exitcode")
	want := exactMessage("Warning: Source Object Not Found").String() + `[\s\S]*` +
		exactMessage("The source object oss://"+src+"/k no longer exists, so changes to it cannot be followed. "+
			"The copy is left as it is; a replacement of it would fail until the source exists again.").String()
	if !regexp.MustCompile(want).MatchString(out) {
		t.Errorf("plan after the source was deleted does not warn:\n%s", out)
	}
	if err := o.checkContent(dst, "k", "the source")(nil); err != nil {
		t.Error(err)
	}
	cli.mustRun("destroy", "-auto-approve")
	if _, err := o.head(dst, "k", ""); !isNotFound(err) {
		t.Errorf("oss://%s/k after destroy: %v, want not found", dst, err)
	}
}

// TestAccDataSourceObject_ServerError meets an OSS error that has no advice
// of its own, an InternalError with no retry left: the generic summary, and
// the OSS error code and request ID to give OSS support.
func TestAccDataSourceObject_ServerError(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the error is injected")
	bucket := o.newBucket(false)
	o.put(bucket, "k", []byte("k"), nil)
	o.emu.AddFault(ossemu.Fault{Op: "HeadObject", Status: 500, Code: "InternalError"})
	want := diagMessage("OSS Request Failed", "Reading oss://"+bucket+"/k failed. OSS error code: "+
		"InternalError (HTTP 500)")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      o.providerWithoutRetries() + objectConfig(bucket, "k", ""),
			ExpectError: withRequestID(want),
		}},
	})
}
