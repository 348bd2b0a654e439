package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// transition moves the copy to another storage class as a lifecycle rule
// does, keeping its ETag and version.
func (o *testOSS) transition(bucket, key, class string) {
	o.t.Helper()
	if err := o.emu.TransitionObject(bucket, key, "", class); err != nil {
		o.t.Fatal(err)
	}
}

// noCopy are the request counts of an apply that copies nothing.
var noCopy = map[string]int{"CopyObject": 0, "InitiateMultipartUpload": 0, "UploadPartCopy": 0, "DeleteObject": 0}

// TestAccObjectCopy_StorageClassLifecycle moves a copy made with
// storage_class = "IA" to colder classes as a lifecycle rule does: no drift,
// and current_storage_class shows where the copy is. Configuring the class
// the copy is already in only records it; another class, or a class warmer
// than configured, makes a new copy.
func TestAccObjectCopy_StorageClassLifecycle(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("a lifecycle transition is simulated")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("cold data"), nil)
	config := func(class string) string {
		return o.config(copyConfig(dst, "k", src, "k", "storage_class = "+hcl(class)))
	}
	classes := func(configured, current string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(testResource, tfjsonpath.New("storage_class"), knownvalue.StringExact(configured)),
			statecheck.ExpectKnownValue(testResource, tfjsonpath.New("current_storage_class"), knownvalue.StringExact(current)),
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config:            config("IA"),
				ConfigStateChecks: classes("IA", "IA"),
			},
			{
				// IA, then Archive after more days: not drift.
				PreConfig: func() {
					o.transition(dst, "k", "Archive")
					o.resetRequests()
				},
				Config: config("IA"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: classes("IA", "Archive"),
				Check:             o.checkRequests(noCopy),
			},
			{
				// The configuration catches up with the lifecycle rule.
				PreConfig:         o.resetRequests,
				Config:            config("Archive"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: classes("Archive", "Archive"),
				Check:             o.checkRequests(noCopy),
			},
			{
				// A class the copy is not in: a new copy in that class.
				Config:            config("ColdArchive"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: classes("ColdArchive", "ColdArchive"),
				Check:             o.checkHead(dst, "k", map[string]string{"X-Oss-Storage-Class": "ColdArchive"}),
			},
			{
				// Warmer than configured is drift, whatever moved it.
				PreConfig:         func() { o.transition(dst, "k", "Standard") },
				Config:            config("ColdArchive"),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: classes("ColdArchive", "ColdArchive"),
				Check:             o.checkHead(dst, "k", map[string]string{"X-Oss-Storage-Class": "ColdArchive"}),
			},
		},
	})
}

// TestAccObjectCopy_TagsDrift changes managed tags out of band: the plan
// updates the copy in place and the apply puts the configured tags back.
func TestAccObjectCopy_TagsDrift(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("tagged"), nil)
	config := o.config(copyConfig(dst, "k", src, "k", "tagging_directive = \"REPLACE\"\n  tags = { env = \"prod\" }"))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					o.putTags(dst, "k", map[string]string{"env": "dev", "owner": "mallory"})
					o.resetRequests()
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					o.checkTags(dst, "k", map[string]string{"env": "prod"}),
					o.checkRequests(map[string]int{"PutObjectTagging": 1, "CopyObject": 0, "DeleteObject": 0}),
				),
			},
			{
				// Tags removed out of band come back too.
				PreConfig:        func() { o.deleteTags(dst, "k") },
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            o.checkTags(dst, "k", map[string]string{"env": "prod"}),
			},
		},
	})
}

// TestAccObjectCopy_ACLDrift makes a copy with a managed ACL
// public-read-write out of band: the plan shows it and the apply restores
// the configured ACL.
func TestAccObjectCopy_ACLDrift(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("secret"), nil)
	config := o.config(copyConfig(dst, "k", src, "k", `acl = "private"`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					o.putACL(dst, "k", oss.ObjectACLPublicReadWrite)
					o.resetRequests()
				},
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					o.checkACL(dst, "k", "private"),
					o.checkRequests(map[string]int{"PutObjectAcl": 1, "CopyObject": 0, "DeleteObject": 0}),
				),
			},
		},
	})
}

// TestAccObjectCopy_RefreshRequests counts what a refresh sends: one
// HeadObject for a copy whose configuration sets neither tags nor acl, and
// one GetObjectTagging and one GetObjectAcl more for a copy that sets both.
// The sources are pinned, so that the plan that follows the refresh reads
// no source.
func TestAccObjectCopy_RefreshRequests(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("counts requests")
	src, dst := o.newBucket(true), o.newBucket(false)
	v := o.put(src, "k", []byte("k"), nil)
	config := o.config(copyConfig(dst, "managed", src, "k",
		"source_version_id = "+hcl(v)+"\n  tagging_directive = \"REPLACE\"\n  tags = { env = \"prod\" }\n  acl = \"private\"") + `
resource "oss_object_copy" "plain" {
  bucket            = ` + hcl(dst) + `
  key               = "plain"
  source_bucket     = ` + hcl(src) + `
  source_key        = "k"
  source_version_id = ` + hcl(v) + `
}
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    o.resetRequests,
				RefreshState: true,
				Check: func(*terraform.State) error {
					return o.requestsSinceReset(map[string]int{"HeadObject": 2, "GetObjectTagging": 1, "GetObjectAcl": 1})
				},
			},
		},
	})
}

// TestAccObjectCopy_ImportTagsACL imports, with import blocks, copies made
// outside Terraform: one with tags of its own and an ACL, one whose tags are
// the source's. A configuration that describes each as it is plans nothing,
// and the imported tags and ACL are watched from then on.
func TestAccObjectCopy_ImportTagsACL(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("imported"), map[string]string{"x-oss-tagging": "origin=source"})
	o.put(dst, "own", []byte("imported"), map[string]string{"x-oss-tagging": "env=prod&team=data", "x-oss-object-acl": "public-read"})
	o.put(dst, "same", []byte("imported"), map[string]string{"x-oss-tagging": "origin=source"})
	own := copyConfig(dst, "own", src, "k",
		"tagging_directive = \"REPLACE\"\n  tags = { env = \"prod\", team = \"data\" }\n  acl = \"public-read\"")
	importID := func(key string) string { return dst + "/" + key + "=" + src + "/k" }
	importBlock := func(key string) string {
		return "import {\n  to = " + testResource + "\n  id = " + hcl(importID(key)) + "\n}\n"
	}

	// An import block as a first step leaves no state for a step after it.
	importPlan := func(config, key string, checks ...plancheck.PlanCheck) resource.TestStep {
		return resource.TestStep{
			Config:                 o.config(config + importBlock(key)),
			ResourceName:           testResource,
			ImportStateId:          importID(key),
			ImportState:            true,
			ImportStateKind:        resource.ImportBlockWithID,
			ImportStateConfigExact: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: append([]plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop),
			}, checks...)},
		}
	}
	testCases := []struct {
		name  string
		steps []resource.TestStep
	}{
		{"own tags and ACL", []resource.TestStep{importPlan(own, "own",
			plancheck.ExpectKnownValue(testResource, tfjsonpath.New("tagging_directive"), knownvalue.StringExact("REPLACE")),
			plancheck.ExpectKnownValue(testResource, tfjsonpath.New("acl"), knownvalue.StringExact("public-read")),
		)}},
		{"the source's tags", []resource.TestStep{importPlan(copyConfig(dst, "same", src, "k", ""), "same",
			plancheck.ExpectKnownValue(testResource, tfjsonpath.New("tagging_directive"), knownvalue.StringExact("COPY")),
			plancheck.ExpectKnownValue(testResource, tfjsonpath.New("acl"), knownvalue.Null()),
		)}},
		{"then watched", []resource.TestStep{
			{
				// Imported for good by an apply; then the ACL drifts and
				// is put back.
				Config:           o.config(own + importBlock("own")),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
			{
				PreConfig:        func() { o.putACL(dst, "own", oss.ObjectACLPublicReadWrite) },
				Config:           o.config(own),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            o.checkACL(dst, "own", "public-read"),
			},
		}},
	}
	// In order: the last one destroys the object the first one imports.
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             o.checkDestroy,
				Steps:                    tc.steps,
			})
		})
	}
}

// TestAccObjectCopy_ImportNotACopy imports a destination that does not hold
// the source's bytes: the import fails, naming both objects and both CRC64s.
func TestAccObjectCopy_ImportNotACopy(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("the source"), nil)
	o.put(dst, "k", []byte("something else"), nil)
	srcHead, err := o.head(src, "k", "")
	if err != nil {
		t.Fatal(err)
	}
	dstHead, err := o.head(dst, "k", "")
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        o.config(copyConfig(dst, "k", src, "k", "")),
			ResourceName:  testResource,
			ImportState:   true,
			ImportStateId: dst + "/k=" + src + "/k",
			ExpectError: exactMessage(fmt.Sprintf("Error: Destination Is Not a Copy of the Source "+
				"oss://%s/k does not hold the bytes of oss://%s/k, so it was not imported as a copy of it. "+
				"Destination: CRC64 %s, 14 bytes. Source: CRC64 %s, 10 bytes. Check the import ID. To have "+
				"the destination replaced by a copy of the source, do not import it: apply the "+
				"configuration, which overwrites it.",
				dst, src, oss.ToString(dstHead.HashCRC64), oss.ToString(srcHead.HashCRC64))),
		}},
	})
}

// TestAccObjectCopy_DestroyKeepsOtherWritersObject overwrites a copy in a
// bucket without versioning out of band, then destroys it: the other
// writer's object stays, the resource leaves the state, and a warning names
// the object and both ETags. terraform-plugin-testing does not show
// warnings, so this runs the terraform CLI.
func TestAccObjectCopy_DestroyKeepsOtherWritersObject(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t)
	o := newTestOSS(t)
	o.requireEmulator("the terraform CLI runs with an environment of its own, without real-OSS credentials")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("the source"), nil)
	cli.writeConfig(o.config(copyConfig(dst, "k", src, "k", "")))
	cli.mustRun("apply", "-auto-approve")
	copied, err := o.head(dst, "k", "")
	if err != nil {
		t.Fatal(err)
	}
	o.put(dst, "k", []byte("another writer's data"), nil)
	found, err := o.head(dst, "k", "")
	if err != nil {
		t.Fatal(err)
	}

	o.resetRequests()
	out := cli.mustRun("destroy", "-auto-approve")
	want := exactMessage("Warning: Destination Object Not Deleted").String() + `[\s\S]*` +
		exactMessage(fmt.Sprintf("oss://%s/k is no longer the object this resource copied: the copy had "+
			"ETag %s, the object there now has ETag %s, so another writer has replaced it. That object was "+
			"left in place, not deleted, and the resource was removed from the state. If this destroy is "+
			"part of a replacement, the new copy is written to the same key next and replaces that object, "+
			"as the configuration asks.", dst, trimETag(*copied.ETag), trimETag(*found.ETag))).String()
	if !regexp.MustCompile(want).MatchString(out) {
		t.Errorf("destroy of an overwritten copy does not warn:\n%s", out)
	}
	if err := o.checkContent(dst, "k", "another writer's data")(nil); err != nil {
		t.Errorf("destroy deleted another writer's object: %v", err)
	}
	if got := cli.stateResources(); len(got) != 0 {
		t.Errorf("state after destroy: %v, want empty", got)
	}
	if got := o.emu.RequestCount("DeleteObject"); got != 0 {
		t.Errorf("DeleteObject requests: %d, want none", got)
	}
}

// TestAccObjectCopy_DestroySuspendedVersioning overwrites a copy in a bucket
// whose versioning is suspended: both writes are the "null" version, so
// deleting that version would delete the other writer's object. Removing
// the resource from the configuration keeps that object.
func TestAccObjectCopy_DestroySuspendedVersioning(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(true)
	_, err := o.client.PutBucketVersioning(context.Background(), &oss.PutBucketVersioningRequest{
		Bucket: &dst, VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionSuspended},
	})
	if err != nil {
		t.Fatal(err)
	}
	o.put(src, "k", []byte("the source"), nil)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: o.config(copyConfig(dst, "k", src, "k", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("version_id"), knownvalue.StringExact("null")),
				},
			},
			{
				PreConfig: func() { o.put(dst, "k", []byte("another writer's data"), nil) },
				Config:    o.config(""),
				Check:     o.checkContent(dst, "k", "another writer's data"),
			},
		},
	})
}

// TestAccObjectCopy_DestroyAfterTransition destroys a copy that a lifecycle
// rule moved to Archive in a bucket without versioning: the transition
// keeps the ETag, so the copy is still the resource's and is deleted.
func TestAccObjectCopy_DestroyAfterTransition(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("a lifecycle transition is simulated")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("the source"), nil)
	config := o.config(copyConfig(dst, "k", src, "k", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { o.transition(dst, "k", "Archive") },
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
}

// putTags replaces an object's tags out of band.
func (o *testOSS) putTags(bucket, key string, tags map[string]string) {
	o.t.Helper()
	_, err := o.client.PutObjectTagging(context.Background(), &oss.PutObjectTaggingRequest{
		Bucket: &bucket, Key: &key, Tagging: ossTagging(tags),
	})
	if err != nil {
		o.t.Fatalf("tagging oss://%s/%s: %v", bucket, key, err)
	}
}

// deleteTags removes an object's tags out of band.
func (o *testOSS) deleteTags(bucket, key string) {
	o.t.Helper()
	_, err := o.client.DeleteObjectTagging(context.Background(), &oss.DeleteObjectTaggingRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		o.t.Fatalf("removing the tags of oss://%s/%s: %v", bucket, key, err)
	}
}

// putACL sets an object's ACL out of band.
func (o *testOSS) putACL(bucket, key string, acl oss.ObjectACLType) {
	o.t.Helper()
	_, err := o.client.PutObjectAcl(context.Background(), &oss.PutObjectAclRequest{Bucket: &bucket, Key: &key, Acl: acl})
	if err != nil {
		o.t.Fatalf("setting the ACL of oss://%s/%s: %v", bucket, key, err)
	}
}

// TestKeptStorageClass lists what a refresh records in storage_class.
func TestKeptStorageClass(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ recorded, found, want string }{
		{"IA", "IA", "IA"},
		{"IA", "Archive", "IA"},                     // lifecycle, colder
		{"Standard", "DeepColdArchive", "Standard"}, // lifecycle, coldest
		{"Archive", "IA", "IA"},                     // warmer: drift
		{"IA", "Glacier", "Glacier"},                // a class this provider does not know
		{"", "IA", "IA"},                            // imported: nothing recorded yet
	} {
		recorded := stringOrNull(tc.recorded)
		if got := keptStorageClass(recorded, types.StringValue(tc.found)); got.ValueString() != tc.want {
			t.Errorf("recorded %q, found %q: got %q, want %q", tc.recorded, tc.found, got.ValueString(), tc.want)
		}
	}
}
