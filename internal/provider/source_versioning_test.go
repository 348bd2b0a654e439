package provider

import (
	"context"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// setVersioning enables or suspends versioning of a bucket out of band.
func (o *testOSS) setVersioning(bucket string, status oss.VersioningStatusType) {
	o.t.Helper()
	_, err := o.client.PutBucketVersioning(context.Background(), &oss.PutBucketVersioningRequest{
		Bucket: &bucket, VersioningConfiguration: &oss.VersioningConfiguration{Status: status},
	})
	if err != nil {
		o.t.Fatalf("setting versioning of %s to %s: %v", bucket, status, err)
	}
}

// TestAccObjectCopy_SourceVersioningEnabled copies from a bucket without
// versioning, then turns versioning on and suspends it. OSS then reports
// the object written before as version "null", where the copy recorded no
// version: the source did not change, so the plan must not replace the
// copy. A write to the source afterwards still replaces it, and import
// records what the copy records.
func TestAccObjectCopy_SourceVersioningEnabled(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", []byte("written before versioning"), nil)
	config := o.config(copyConfig(dst, "a", src, "a", ""))
	headVersion := func() string {
		head, err := o.head(src, "a", "")
		if err != nil {
			t.Fatal(err)
		}
		return oss.ToString(head.VersionId)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() {
					o.setVersioning(src, oss.VersionEnabled)
					if v := headVersion(); v != "null" {
						t.Fatalf("with versioning enabled, the object written before has version %q, want null", v)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				PreConfig: func() { o.setVersioning(src, oss.VersionSuspended) },
				Config:    config,
				PlanOnly:  true,
			},
			{
				// Suspended: the write replaces the null version in place.
				PreConfig:        func() { o.put(src, "a", []byte("written while suspended"), nil) },
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"), knownvalue.StringExact("null")),
				},
				Check: o.checkContent(dst, "a", "written while suspended"),
			},
			{
				// Enabled again: a write makes a new version, which is a change.
				PreConfig: func() {
					o.setVersioning(src, oss.VersionEnabled)
					o.put(src, "a", []byte("a new version"), nil)
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionReplace),
				Check:            o.checkContent(dst, "a", "a new version"),
			},
			{
				ResourceName:      testResource,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccObjectCopy_ImportBeforeSourceVersioning imports a copy of a
// source without versioning, then versioning is enabled on the source: the
// imported state, which records no source version, plans no change either.
func TestAccObjectCopy_ImportBeforeSourceVersioning(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", []byte("the source"), nil)
	o.put(dst, "a", []byte("the source"), nil)
	config := o.config(copyConfig(dst, "a", src, "a", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       testResource,
				ImportState:        true,
				ImportStateId:      dst + "/a=" + src + "/a",
				ImportStatePersist: true,
			},
			{
				PreConfig:        func() { o.setVersioning(src, oss.VersionEnabled) },
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}
