package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const prefixCopyAddr = "oss_prefix_copy.test"

// prefixCopyConfig copies src/"in/" to dst/"out/", with extra arguments.
func prefixCopyConfig(o *testOSS, src, dst, extra string) string {
	return o.config(fmt.Sprintf(`
resource "oss_prefix_copy" "test" {
  source_bucket = %s
  source_prefix = "in/"
  bucket        = %s
  prefix        = "out/"
  %s
}
`, hcl(src), hcl(dst), extra))
}

// prefixContents lists a prefix through the SDK and reads each object:
// relative key to content.
func (o *testOSS) prefixContents(bucket, prefix string) (map[string]string, error) {
	out := map[string]string{}
	p := o.client.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: &bucket, Prefix: &prefix})
	for p.HasNext() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, err
		}
		for _, obj := range page.Contents {
			b, err := o.get(bucket, oss.ToString(obj.Key))
			if err != nil {
				return nil, err
			}
			out[strings.TrimPrefix(oss.ToString(obj.Key), prefix)] = string(b)
		}
	}
	return out, nil
}

// checkPrefix asserts that a prefix holds exactly want (relative key to
// content).
func (o *testOSS) checkPrefix(bucket, prefix string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := o.prefixContents(bucket, prefix)
		if err != nil {
			return err
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("oss://%s/%s holds %v, want %v", bucket, prefix, got, want)
		}
		return nil
	}
}

// expectPrefixPlan checks the counts and changes a plan shows.
func expectPrefixPlan(toCopy, bytes, toDelete int64, changes ...string) []plancheck.PlanCheck {
	lines := make([]knownvalue.Check, len(changes))
	for i, c := range changes {
		lines[i] = knownvalue.StringExact(c)
	}
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(prefixCopyAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("objects_to_copy"), knownvalue.Int64Exact(toCopy)),
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("bytes_to_copy"), knownvalue.Int64Exact(bytes)),
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("objects_to_delete"), knownvalue.Int64Exact(toDelete)),
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("changes"), knownvalue.ListExact(lines)),
		plancheck.ExpectUnknownValue(prefixCopyAddr, tfjsonpath.New("manifest_digest")),
	}
}

// unchangedPrefixStep plans config, which copies a prefix unchanged since
// the last apply: the plan is empty and costs one listing of each prefix.
func (o *testOSS) unchangedPrefixStep(config string) resource.TestStep {
	return resource.TestStep{
		PreConfig: o.resetRequests,
		Config:    config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectEmptyPlan(),
			o.expectRequests(map[string]int{"ListObjectsV2": 2}),
		}},
	}
}

// TestAccPrefixCopy_Lifecycle copies a prefix, then follows every kind of
// change: a plan of an unchanged prefix is empty and costs one listing
// request per prefix; source objects added and changed and copies deleted
// and overwritten at the destination are copied, and only they; a source
// object removed leaves its copy until delete_removed asks; destroy deletes
// the copies and nothing else under the destination prefix.
func TestAccPrefixCopy_Lifecycle(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "in/", nil, nil) // a folder placeholder: not copied
	o.put(src, "in/a.txt", []byte("alpha"), nil)
	o.put(src, "in/dir/b.txt", []byte("bravo"), nil)
	o.put(src, "in/dir/c d+ü.txt", []byte("charlie"), nil)
	o.put(src, "other/x.txt", []byte("outside the prefix"), nil)
	o.put(dst, "out/unrelated.txt", []byte("not a copy"), nil)
	config := prefixCopyConfig(o, src, dst, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return o.checkPrefix(dst, "out/", map[string]string{"unrelated.txt": "not a copy"})(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("objects_to_copy"), knownvalue.Int64Exact(3)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("bytes_to_copy"), knownvalue.Int64Exact(17)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("object_count"), knownvalue.Int64Exact(3)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("copy_method"), knownvalue.StringExact(copyServerSide)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(0)),
				}},
				Check: resource.ComposeTestCheckFunc(
					// Server side: no byte was read or written by the provider
					// (checkPrefix, which reads them, comes after).
					o.checkRequests(map[string]int{"GetObject": 0, "UploadPart": 0}),
					o.checkPrefix(dst, "out/", map[string]string{
						"a.txt": "alpha", "dir/b.txt": "bravo", "dir/c d+ü.txt": "charlie", "unrelated.txt": "not a copy",
					}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("object_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(17)),
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("manifest_digest"),
						knownvalue.StringRegexp(regexp.MustCompile(`^sha256:[0-9a-f]{64}$`))),
				},
			},
			// Unchanged: the refresh lists each prefix once, and that is all.
			o.unchangedPrefixStep(config),
			{
				PreConfig: func() {
					o.put(src, "in/new.txt", []byte("delta"), nil)           // added
					o.put(src, "in/a.txt", []byte("alpha, revised"), nil)    // changed
					o.put(dst, "out/dir/b.txt", []byte("someone else"), nil) // overwritten at destination
					o.remove(dst, "out/dir/c d+ü.txt", "")                   // deleted at destination
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectPrefixPlan(4, 14+5+7+5, 0,
					"changed: a.txt", "overwritten at destination: dir/b.txt", "deleted at destination: dir/c d+ü.txt", "added: new.txt"),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("object_count"), knownvalue.Int64Exact(4)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("total_bytes"), knownvalue.Int64Exact(31)),
				)},
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"a.txt": "alpha, revised", "dir/b.txt": "bravo", "dir/c d+ü.txt": "charlie", "new.txt": "delta",
					"unrelated.txt": "not a copy",
				}),
			},
			{
				// A source removed: its copy stays, and nothing is planned.
				PreConfig: func() { o.remove(src, "in/new.txt", "") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"a.txt": "alpha, revised", "dir/b.txt": "bravo", "dir/c d+ü.txt": "charlie", "new.txt": "delta",
					"unrelated.txt": "not a copy",
				}),
			},
			{
				Config: prefixCopyConfig(o, src, dst, "delete_removed = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPrefixPlan(0, 0, 1,
					"delete, source removed: new.txt")},
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"a.txt": "alpha, revised", "dir/b.txt": "bravo", "dir/c d+ü.txt": "charlie", "unrelated.txt": "not a copy",
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("object_count"), knownvalue.Int64Exact(3)),
				},
			},
			{
				// Overwritten after the last apply: no longer the copy, so
				// destroy leaves it (CheckDestroy), as it leaves unrelated.txt.
				PreConfig: func() { o.put(dst, "out/a.txt", []byte("mine now"), nil) },
				Config:    prefixCopyConfig(o, src, dst, "delete_removed = true"),
				Destroy:   true,
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"a.txt": "mine now", "unrelated.txt": "not a copy",
				}),
			},
		},
	})
}

// TestAccPrefixCopy_Filters copies only the keys include selects and
// exclude does not, and names the attribute of an invalid pattern.
func TestAccPrefixCopy_Filters(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	for _, k := range []string{"top.csv", "top.txt", "d/e/deep.csv", "tmp/t.csv", "d/tmp/keep.csv"} {
		o.put(src, "in/"+k, []byte(k), nil)
	}
	filters := `include = ["**/*.csv"]
  exclude = ["tmp/**"]`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkPrefix(dst, "out/", map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: prefixCopyConfig(o, src, dst, `exclude = ["ok/*", "[unclosed"]`),
				ExpectError: diagMessage("Invalid Glob Pattern", `Element exclude[1] is not a pattern the prefix copy `+
					`can match keys with: "[unclosed" is not a valid glob pattern (check its brackets and braces).`),
			},
			{
				Config: prefixCopyConfig(o, src, dst, filters),
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"top.csv": "top.csv", "d/e/deep.csv": "d/e/deep.csv", "d/tmp/keep.csv": "d/tmp/keep.csv",
				}),
			},
			{
				// A filter that no longer selects a copy: with delete_removed,
				// it is deleted; a newly selected object is copied.
				Config: prefixCopyConfig(o, src, dst, `include = ["*.csv", "*.txt"]
  delete_removed = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPrefixPlan(1, 7, 2,
					"added: top.txt", "delete, source removed: d/e/deep.csv", "delete, source removed: d/tmp/keep.csv")},
				Check: o.checkPrefix(dst, "out/", map[string]string{"top.csv": "top.csv", "top.txt": "top.txt"}),
			},
		},
	})
}

// TestAccPrefixCopy_OverlappingPrefixes refuses a destination under the
// source prefix in the same bucket.
func TestAccPrefixCopy_OverlappingPrefixes(t *testing.T) {
	o := newTestOSS(t)
	b := o.newBucket(false)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: o.config(fmt.Sprintf(`
resource "oss_prefix_copy" "test" {
  source_bucket = %[1]s
  source_prefix = "in/"
  bucket        = %[1]s
  prefix        = "in/copy/"
}
`, hcl(b))),
			ExpectError: diagMessage("Overlapping Prefixes", `In the same bucket, prefix "in/copy/" and source_prefix "in/" overlap`),
		}},
	})
}

// TestAccPrefixCopy_VersionedDestroy deletes exactly the versions the copy
// made: a version written over a copy stays, and no delete marker is left.
func TestAccPrefixCopy_VersionedDestroy(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(true)
	o.put(src, "in/a.txt", []byte("alpha"), nil)
	o.put(src, "in/b.txt", []byte("bravo"), nil)
	var theirs string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			got := o.versions(dst, "out/")
			want := []string{"out/a.txt@" + theirs}
			if !slices.Equal(got, want) {
				return fmt.Errorf("versions left in %s: %v, want %v", dst, got, want)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: prefixCopyConfig(o, src, dst, "")},
			{
				// Written over the copy after the apply: destroy deletes the
				// copy's version beneath it and leaves this one.
				PreConfig: func() { theirs = o.put(dst, "out/a.txt", []byte("theirs"), nil) },
				Config:    prefixCopyConfig(o, src, dst, ""),
				Destroy:   true,
			},
		},
	})
}

// versions lists every version and delete marker under a prefix as
// key@version.
func (o *testOSS) versions(bucket, prefix string) []string {
	o.t.Helper()
	var out []string
	p := o.client.NewListObjectVersionsPaginator(&oss.ListObjectVersionsRequest{Bucket: &bucket, Prefix: &prefix})
	for p.HasNext() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			o.t.Fatal(err)
		}
		for _, v := range page.ObjectVersions {
			out = append(out, oss.ToString(v.Key)+"@"+oss.ToString(v.VersionId))
		}
		for _, m := range page.ObjectDeleteMarkers {
			out = append(out, oss.ToString(m.Key)+"@"+oss.ToString(m.VersionId)+" (delete marker)")
		}
	}
	return out
}

// TestAccPrefixCopy_PartialFailure records the copies an apply made before
// one failed, names the failed object with its OSS code and request ID, and
// copies only what is left on the next apply.
func TestAccPrefixCopy_PartialFailure(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("injects a failure")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "in/a.txt", []byte("alpha"), nil)
	config := prefixCopyConfig(o, src, dst, "parallelism = 1")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// With one object at a time, in key order, the second copy fails.
				PreConfig: func() {
					for _, k := range []string{"b.txt", "c.txt", "d.txt"} {
						o.put(src, "in/"+k, []byte(k), nil)
					}
					o.emu.AddFault(ossemu.Fault{Op: "CopyObject", Bucket: dst, Nth: 2, Code: "AccessDenied"})
				},
				Config:      config,
				ExpectError: deniedCopyError(src, dst, "c.txt", "CopyObject", 3, 2),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPrefixPlan(1, 5, 0, "added: c.txt")},
				Check: o.checkPrefix(dst, "out/", map[string]string{
					"a.txt": "alpha", "b.txt": "b.txt", "c.txt": "c.txt", "d.txt": "d.txt",
				}),
			},
		},
	})
}

// deniedCopyError is the error of an apply that copied copied of toCopy
// objects, and failed on key, where op was denied.
func deniedCopyError(src, dst, key, op string, toCopy, copied int) *regexp.Regexp {
	return regexp.MustCompile(withRequestID(regexp.MustCompile(
		diagMessage("OSS Access Denied", "Copying oss://"+src+"/in/"+key+" to oss://"+dst+"/out/"+key+" failed.").String()+
			`[\s\S]*`+exactMessage("OSS operation: "+op+" OSS error code: AccessDenied (HTTP 403)").String(),
	)).String() + `[\s\S]*` + diagMessage("Prefix Copy Incomplete", fmt.Sprintf("Of %d objects to copy and 0 "+
		"copies to delete, %d were copied and 0 deleted; 1 failed. The copies made are recorded: the next "+
		"terraform apply copies only what is left.", toCopy, copied)).String())
}

// TestAccExamples_PrefixCopy applies the documentation's provider and
// oss_prefix_copy examples, unchanged, against the emulator.
func TestAccExamples_PrefixCopy(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the examples name fixed buckets")
	createExampleBucket(o, "golden-data", false)
	createExampleBucket(o, "env-staging", false)
	for _, k := range []string{"users.csv", "schema/users.json", "tmp/draft.csv", "README.md"} {
		o.put("golden-data", "fixtures/v3/"+k, []byte(k), nil)
	}
	setExampleEnv(t, o)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkPrefix("env-staging", "seed/", map[string]string{}),
		Steps: []resource.TestStep{{
			Config: readExample(t, "provider", "provider.tf") + readExample(t, "resources", "oss_prefix_copy", "resource.tf"),
			Check: o.checkPrefix("env-staging", "seed/", map[string]string{
				"users.csv": "users.csv", "schema/users.json": "schema/users.json",
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("seed_objects", knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownOutputValue("seed_bytes", knownvalue.Int64Exact(int64(len("users.csv")+len("schema/users.json")))),
			},
		}},
	})
}
