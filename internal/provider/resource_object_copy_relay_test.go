package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// relaySize is three parts of the smallest size, the last one short.
const relaySize = 3*objectcopy.MinPartSize - 5

// relayConfig copies oss://src/k from region far to oss://dst/k, by relay.
func relayConfig(o, far *testOSS, dst, src, extra string) string {
	return o.config(copyConfig(dst, "k", src, "k", fmt.Sprintf(
		"source_region   = %s\n  source_endpoint = %s\n  part_size       = %d\n%s",
		hcl(far.region), hcl(far.endpoint), objectcopy.MinPartSize, extra)))
}

// checkSameCRC64 compares the CRC64 of a copy with its source's, each read
// through the client of its own region.
func checkSameCRC64(srcOSS *testOSS, srcBucket, srcKey string, o *testOSS, bucket, key string) func(*terraform.State) error {
	return func(*terraform.State) error {
		src, err := srcOSS.head(srcBucket, srcKey, "")
		if err != nil {
			return err
		}
		dst, err := o.head(bucket, key, "")
		if err != nil {
			return err
		}
		if got, want := dst.HashCRC64, src.HashCRC64; got == nil || want == nil || *got != *want || dst.ContentLength != src.ContentLength {
			return fmt.Errorf("oss://%s/%s: CRC64 %v and %d bytes, the source's %v and %d", bucket, key, got,
				dst.ContentLength, want, src.ContentLength)
		}
		return nil
	}
}

// TestAccObjectCopy_RelayAcrossRegions copies from a bucket in another
// region: the plan says the copy is a relay of the source's size, the bytes
// arrive whole (CRC64) without any server-side copy, a changed source plans
// a replacement that relays the new bytes, and destroy leaves nothing.
func TestAccObjectCopy_RelayAcrossRegions(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	far.put(src, "k", testData(relaySize, 1), nil)
	config := relayConfig(o, far, dst, src, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: o.resetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(testResource, tfjsonpath.New("copy_method"), knownvalue.StringExact("relay")),
					plancheck.ExpectKnownValue(testResource, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(relaySize)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("copy_method"), knownvalue.StringExact("relay")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(relaySize)),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(relaySize)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkSameCRC64(far, src, "k", o, dst, "k"),
					o.checkRequests(map[string]int{"UploadPartCopy": 0, "CopyObject": 0, "UploadPart": 3}),
				),
			},
			{
				// Nothing changed: nothing to do.
				Config:   config,
				PlanOnly: true,
			},
			{
				// The source changes: the copy is replaced with the new bytes.
				PreConfig:        func() { far.put(src, "k", testData(relaySize, 2), nil) },
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				Check:            checkSameCRC64(far, src, "k", o, dst, "k"),
			},
		},
	})
}

// TestAccObjectCopy_RelayAcrossAccounts copies from a bucket of another
// account. With the provider's credentials OSS refuses the source, and the
// plan says so; with the other account's credentials in source_credentials
// (a profile, found as the provider finds its own) the copy is relayed.
func TestAccObjectCopy_RelayAcrossAccounts(t *testing.T) {
	const otherID, otherSecret = "LTAIsourceAccount01", "source-account-secret"
	o := newTestOSS(t, ossemu.WithAccount(otherID, otherSecret))
	o.requireEmulator("needs a second account")
	const src = "other-account-bucket"
	if err := o.emu.CreateAccountBucket(otherID, src, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.emu.PutObject(src, "k", testData(relaySize, 3), nil); err != nil {
		t.Fatal(err)
	}
	dst := o.newBucket(false)
	file := writeCLIConfig(t, "source", otherID, otherSecret)
	credentials := fmt.Sprintf("  source_credentials {\n    profile                 = \"source\"\n"+
		"    shared_credentials_file = %s\n  }\n", hcl(file))
	partSize := fmt.Sprintf("part_size = %d\n", objectcopy.MinPartSize)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: o.config(copyConfig(dst, "k", src, "k", partSize)),
				ExpectError: exactMessage("Reading the source object oss://" + src + "/k to plan its copy to oss://" +
					dst + "/k failed."),
			},
			{
				Config: o.config(copyConfig(dst, "k", src, "k", partSize+credentials)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(testResource, tfjsonpath.New("copy_method"), knownvalue.StringExact("relay")),
					plancheck.ExpectKnownValue(testResource, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(relaySize)),
				}},
				Check: func(*terraform.State) error {
					src, err := o.emu.HeadObject(src, "k", "")
					if err != nil {
						return err
					}
					got, err := o.emu.HeadObject(dst, "k", "")
					if err != nil {
						return err
					}
					if got.CRC64 != src.CRC64 || got.Size != src.Size {
						return fmt.Errorf("copy has CRC64 %d and %d bytes, the source %d and %d", got.CRC64, got.Size, src.CRC64, src.Size)
					}
					return nil
				},
			},
		},
	})
}

// TestAccObjectCopy_RelayInterruptAbortsUpload presses Ctrl-C while the
// parts of a relayed copy are being sent: the upload is aborted within
// abortBound, nothing is written or recorded.
func TestAccObjectCopy_RelayInterruptAbortsUpload(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t)
	o := newTestOSS(t)
	o.requireEmulator("the parts are slowed down by injected delays")
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	const parts = 32
	if _, err := o.emu.PutGeneratedObject(src, "k", parts*objectcopy.MinPartSize, 7, nil); err != nil {
		t.Fatal(err)
	}
	// 32 parts, 2 at a time, a quarter of a second each: four seconds.
	o.emu.AddFault(ossemu.Fault{Op: "UploadPart", Delay: 250 * time.Millisecond})
	cli.writeConfig(relayConfig(o, far, dst, src, "  parallelism = 2\n"))

	var out bytes.Buffer
	cmd := cli.command(&out, nil, "apply", "-auto-approve")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !waitFor(time.Minute, func() bool { return o.emu.RequestCount("UploadPart") > 0 }) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		t.Fatalf("the copy did not start\n%s", out.String())
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	aborted := waitFor(abortBound, func() bool { return len(o.emu.Uploads()) == 0 })
	if err := cmd.Wait(); err == nil {
		t.Errorf("interrupted apply succeeded\n%s", out.String())
	}
	if !aborted {
		t.Errorf("the multipart upload was not aborted within %v of the interrupt", abortBound)
	}
	if n := o.emu.RequestCount("AbortMultipartUpload"); n != 1 {
		t.Errorf("%d AbortMultipartUpload requests, want 1", n)
	}
	if n := o.emu.RequestCount("UploadPart"); n >= parts {
		t.Errorf("%d parts sent: the copy was not stopped in the middle", n)
	}
	if _, err := o.head(dst, "k", ""); !isNotFound(err) {
		t.Errorf("destination exists after the stopped apply (%v)", err)
	}
	if res := cli.stateResources(); len(res) != 0 {
		t.Errorf("state records %v after the stopped apply\n%s", res, out.String())
	}
	if want := regexp.MustCompile(`Interrupt received`); !want.MatchString(out.String()) {
		t.Errorf("terraform did not see the interrupt\n%s", out.String())
	}
}

// TestAccObjectCopy_RelaySourceKeysWriteOnly gives the other account's key
// pair in source_credentials: the copy is relayed with it, and neither the
// access key secret nor the ID is stored in the state.
func TestAccObjectCopy_RelaySourceKeysWriteOnly(t *testing.T) {
	const otherID, otherSecret = "LTAIwriteOnlyKey01", "write-only-secret-value"
	const src = "write-only-source"
	o := newOtherAccountOSS(t, otherID, otherSecret, src)
	if _, err := o.emu.PutObject(src, "k", testData(100, 4), nil); err != nil {
		t.Fatal(err)
	}
	dst := o.newBucket(false)
	credentials := "  " + sourceKeysBlock(otherID, otherSecret)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: o.config(copyConfig(dst, "k", src, "k", credentials)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("copy_method"), knownvalue.StringExact("relay")),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_credentials").AtMapKey("secret_key"), knownvalue.Null()),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_credentials").AtMapKey("access_key"), knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(checkStateHasNo(otherID, otherSecret), func(*terraform.State) error {
				got, err := o.emu.HeadObject(dst, "k", "")
				if err != nil {
					return err
				}
				if want, _ := o.emu.HeadObject(src, "k", ""); got.CRC64 != want.CRC64 {
					return fmt.Errorf("copy has CRC64 %d, the source %d", got.CRC64, want.CRC64)
				}
				return nil
			}),
		}},
	})
}

// newOtherAccountOSS skips unless write-only arguments and the emulator are
// there, and starts an emulator with a second account, id and secret, that
// owns bucket src.
func newOtherAccountOSS(t *testing.T, id, secret, src string) *testOSS {
	t.Helper()
	if strings.Contains(filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), "tofu") {
		t.Skip("write-only arguments need Terraform 1.11 or OpenTofu 1.11; CI's OpenTofu is 1.10")
	}
	o := newTestOSS(t, ossemu.WithAccount(id, secret))
	o.requireEmulator("needs a second account")
	if err := o.emu.CreateAccountBucket(id, src, ""); err != nil {
		t.Fatal(err)
	}
	return o
}

// sourceKeysBlock is a source_credentials block with a key pair.
func sourceKeysBlock(id, secret string) string {
	return fmt.Sprintf("source_credentials {\n    access_key = %s\n    secret_key = %s\n  }\n", hcl(id), hcl(secret))
}

// checkStateHasNo fails when any attribute in the state holds one of
// secrets.
func checkStateHasNo(secrets ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			for name, v := range rs.Primary.Attributes {
				for _, secret := range secrets {
					if strings.Contains(v, secret) {
						return fmt.Errorf("the state stores a source key in %s.%s", rs.Type, name)
					}
				}
			}
		}
		return nil
	}
}
