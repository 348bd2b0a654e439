package provider

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestAccObjectCopy_STSTokenExpiresDuringCopy copies with a static STS
// security token that expires once the first part is being copied: the
// parts and the abort are refused, so the upload stays. The error must
// name it and say how to remove it.
func TestAccObjectCopy_STSTokenExpiresDuringCopy(t *testing.T) {
	// Parallel before the token's expiry is set: a parallel test is paused
	// until the serial ones finish, which can take longer than a minute.
	t.Parallel()
	const id, secret, token = "STS.tfacc", "sts-secret", "sts-token"
	o := newTestOSS(t, ossemu.WithTemporaryCredentials(id, secret, token, time.Now().Add(time.Minute)))
	o.requireEmulator("it moves the server's clock")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte(strings.Repeat("three parts, 16 ", 3*102400/16)), nil)
	var once sync.Once
	endpoint := emulatorProxy(t.Cleanup, o.emu, func(r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") {
			once.Do(func() { o.emu.SetClockSkew(2 * time.Minute) })
		}
	}, nil)
	config := `
provider "oss" {
  region         = ` + hcl(o.region) + `
  endpoint       = ` + hcl(endpoint) + `
  access_key     = ` + hcl(id) + `
  secret_key     = ` + hcl(secret) + `
  security_token = ` + hcl(token) + `
}
` + copyConfig(dst, "k", src, "k", "part_size = 102400\n  parallelism = 1")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: regexp.MustCompile(exactMessage("OSS Rejected the Security Token").String() + `[\s\S]*` +
				exactMessage("Aborting the multipart upload").String() + `\s+([0-9A-F]{32})\s+` +
				exactMessage("of oss://"+dst+"/k failed: OSS answered SecurityTokenExpired (HTTP 403, request ID").String() +
				`\s+[0-9A-F]{24}\)\.\s+` + exactMessage("The upload and the parts copied so far stay, and are billed, until "+
				"they are removed: abort it with working credentials, for example \"ossutil api abort-multipart-upload "+
				"--bucket "+dst+" --key k --upload-id").String() + `\s+([0-9A-F]{32})"` +
				exactMessage(", or give the bucket a lifecycle rule that aborts incomplete multipart uploads.").String()),
		}},
	})
	uploads := o.emu.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("uploads %+v, want the one the expired token could not abort", uploads)
	}
}
