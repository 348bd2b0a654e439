package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestAccObjectCopy_LostCopyObjectAnswer loses the answer of a CopyObject
// that OSS applied, under forbid_overwrite: the SDK's retry meets the copy
// itself (FileAlreadyExists). The apply must take that copy for its own and
// track it, and destroy must remove it.
func TestAccObjectCopy_LostCopyObjectAnswer(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it loses an answer")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("copied once"), nil)
	o.emu.AddFault(ossemu.Fault{Op: "CopyObject", Nth: 1, AfterApply: true, Drop: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: o.config(copyConfig(dst, "k", src, "k", "forbid_overwrite = true")),
			Check: resource.ComposeTestCheckFunc(
				o.checkContent(dst, "k", "copied once"),
				o.checkRequests(map[string]int{"CopyObject": 2}),
				o.checkVersionsTracked(dst, "k"),
			),
		}},
	})
}

// TestAccObjectCopy_UnverifiedCopyIsTainted fails the HEAD that verifies a
// multipart copy once Complete has written it. The apply fails, and the
// state tracks exactly the version written, as tainted; the next apply
// replaces it, leaving only the new copy, and destroy leaves nothing.
func TestAccObjectCopy_UnverifiedCopyIsTainted(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it refuses one request")
	src, dst := o.newBucket(false), o.newBucket(true)
	o.put(src, "k", []byte(strings.Repeat("three parts, 16 ", 3*102400/16)), nil)
	config := o.config(copyConfig(dst, "k", src, "k", "part_size = 102400"))
	var tainted string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(o.checkDestroy, func(*terraform.State) error {
			if v := o.emu.ListObjectVersions(dst, "k"); len(v) != 0 {
				return fmt.Errorf("%d versions of oss://%s/k left after destroy: %+v", len(v), dst, v)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					o.emu.AddFault(ossemu.Fault{Op: "HeadObject", Bucket: dst, Nth: 1, Status: http.StatusForbidden, Code: "AccessDenied"})
				},
				Config: config,
				ExpectError: regexp.MustCompile(exactMessage("The copy was written to oss://"+dst+"/k (version").String() +
					`\s+\S+\)\s+` + exactMessage("but could not be verified or removed. Terraform records it as tainted: "+
					"the next terraform apply deletes it and copies again, and terraform destroy deletes it.").String()),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Tainted, nothing else changed: replaced.
					plancheck.ExpectResourceAction("oss_object_copy.test", plancheck.ResourceActionDestroyBeforeCreate),
					priorStateCheck(func(version, etag string) error {
						if tainted = version; version == "" {
							return fmt.Errorf("the failed apply recorded no version")
						}
						return o.onlyVersion(dst, "k", version, etag)
					}),
				}},
				Check: resource.ComposeTestCheckFunc(
					o.checkSameBytes(src, "k", dst, "k"),
					o.checkVersionsTracked(dst, "k"),
					func(s *terraform.State) error {
						if v := s.RootModule().Resources["oss_object_copy.test"].Primary.Attributes["version_id"]; v == tainted {
							return fmt.Errorf("the tainted version %s was not replaced", v)
						}
						return nil
					},
				),
			},
		},
	})
}

// priorStateCheck hands check the version_id and etag that the state
// before the plan records for oss_object_copy.test.
type priorStateCheck func(version, etag string) error

func (c priorStateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == "oss_object_copy.test" {
			version, _ := r.AttributeValues["version_id"].(string)
			etag, _ := r.AttributeValues["etag"].(string)
			resp.Error = c(version, etag)
			return
		}
	}
	resp.Error = fmt.Errorf("no oss_object_copy.test in the prior state")
}

// onlyVersion asserts that version, with etag, is the only version of
// oss://bucket/key.
func (o *testOSS) onlyVersion(bucket, key, version, etag string) error {
	versions := o.emu.ListObjectVersions(bucket, key)
	if len(versions) != 1 || versions[0].VersionID != version || trimETag(versions[0].ETag) != etag {
		return fmt.Errorf("oss://%s/%s has versions %+v; the state tracks version %q, ETag %q", bucket, key, versions, version, etag)
	}
	return nil
}

// checkVersionsTracked asserts that the only version of oss://bucket/key is
// the one the state records: no copy is left that nothing tracks.
func (o *testOSS) checkVersionsTracked(bucket, key string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources["oss_object_copy.test"]
		if rs == nil {
			return fmt.Errorf("no oss_object_copy.test in the state")
		}
		return o.onlyVersion(bucket, key, rs.Primary.Attributes["version_id"], rs.Primary.Attributes["etag"])
	}
}

// lostCompleteSteps makes an apply whose CompleteMultipartUpload answer is
// lost (complete says whether OSS applied it first) while the destination
// cannot be read, so nothing tells whether the copy is there; then applies
// again with OSS healthy. The first apply must fail saying that the copy
// may be there, and record it as tainted; the second must replace it.
func lostCompleteSteps(o *testOSS, src, dst string, complete ossemu.Fault, config string) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig: func() {
				o.emu.AddFault(complete)
				o.emu.AddFault(ossemu.Fault{Op: "HeadObject", Bucket: dst, Status: http.StatusForbidden, Code: "AccessDenied"})
			},
			Config: config,
			ExpectError: regexp.MustCompile(exactMessage("The copy may have been written to oss://"+dst+"/k with ETag").String() +
				`\s+[0-9A-F]{32}-3:\s+` + exactMessage("OSS's answer to CompleteMultipartUpload was lost, and reading the "+
				"destination to tell failed. Terraform records it as tainted").String()),
		},
		{
			PreConfig: o.emu.ClearFaults,
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("oss_object_copy.test", plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: o.checkSameBytes(src, "k", dst, "k"),
		},
	}
}

// TestAccObjectCopy_LostCompleteAnswerIsTainted: Complete went through, in a
// versioned bucket where another writer's version was already current.
// The tainted copy is found by its ETag and replaced, and destroy removes
// exactly the copies, never the other writer's version.
func TestAccObjectCopy_LostCompleteAnswerIsTainted(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it loses an answer")
	src, dst := o.newBucket(false), o.newBucket(true)
	o.put(src, "k", []byte(strings.Repeat("three parts, 16 ", 3*102400/16)), nil)
	other := o.put(dst, "k", []byte("another writer's object"), nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkOnlyVersion(dst, "k", other),
		Steps: lostCompleteSteps(o, src, dst,
			ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, AfterApply: true, Drop: true},
			o.config(copyConfig(dst, "k", src, "k", "part_size = 102400"))),
	})
}

// TestAccObjectCopy_LostCompleteNotApplied: the upload vanished without
// Complete taking effect (here, Complete answers NoSuchUpload; on OSS,
// someone aborted it), and another writer's version is current. The
// refresh must not take that version for the copy's: destroying the
// tainted copy would delete it.
func TestAccObjectCopy_LostCompleteNotApplied(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it refuses requests")
	src, dst := o.newBucket(false), o.newBucket(true)
	o.put(src, "k", []byte(strings.Repeat("three parts, 16 ", 3*102400/16)), nil)
	other := o.put(dst, "k", []byte("another writer's object"), nil)
	steps := lostCompleteSteps(o, src, dst,
		ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, Status: http.StatusNotFound, Code: "NoSuchUpload"},
		o.config(copyConfig(dst, "k", src, "k", "part_size = 102400")))
	// The fault left the upload that OSS would have lost with the abort.
	clearFaults := steps[1].PreConfig
	steps[1].PreConfig = func() {
		clearFaults()
		for _, u := range o.emu.Uploads() {
			if _, err := o.client.AbortMultipartUpload(context.Background(), &oss.AbortMultipartUploadRequest{
				Bucket: oss.Ptr(u.Bucket), Key: oss.Ptr(u.Key), UploadId: oss.Ptr(u.UploadID),
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkOnlyVersion(dst, "k", other),
		Steps:                    steps,
	})
}

// checkOnlyVersion asserts that version is the only version of
// oss://bucket/key left.
func (o *testOSS) checkOnlyVersion(bucket, key, version string) func(*terraform.State) error {
	return func(*terraform.State) error {
		versions := o.emu.ListObjectVersions(bucket, key)
		if len(versions) != 1 || versions[0].VersionID != version {
			return fmt.Errorf("oss://%s/%s has versions %+v, want only %s", bucket, key, versions, version)
		}
		return nil
	}
}
