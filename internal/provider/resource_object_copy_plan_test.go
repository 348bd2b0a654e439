package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// TestAccObjectCopy_PlanShowsSource checks that the plan of a new copy, and
// of the new object of a replacement, shows which source version it will
// copy, at the cost of one HeadObject of the source per plan.
func TestAccObjectCopy_PlanShowsSource(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(true), o.newBucket(false)
	v1 := o.put(src, "in/seed.bin", testData(1234, 1), nil)
	head1, err := o.head(src, "in/seed.bin", v1)
	if err != nil {
		t.Fatal(err)
	}
	var v2 string
	cfg := o.config(copyConfig(dst, "out/seed.bin", src, "in/seed.bin", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: o.resetRequests,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(1234)),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("source_etag"), knownvalue.StringExact(trimETag(*head1.ETag))),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"), knownvalue.StringExact(v1)),
						o.expectRequests(map[string]int{"HeadObject": 1}),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"), knownvalue.StringExact(v1)),
					// The version the plan found is not pinned by the configuration,
					// so it is not part of the id.
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("id"),
						knownvalue.StringExact(dst+"/out/seed.bin="+src+"/in/seed.bin")),
				},
			},
			{
				// A new source version: the plan replaces the copy and shows the
				// new version; the replacement's new object reuses the drift
				// check's HeadObject, so the plan reads the source once (and the
				// copy once, to refresh it).
				PreConfig: func() {
					v2 = o.put(src, "in/seed.bin", testData(4321, 2), nil)
					o.resetRequests()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionReplace),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(4321)),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"),
							knownvalue.StringFunc(func(v string) error {
								// v2 is written by PreConfig, after the checks are built.
								if v != v2 {
									return fmt.Errorf("got %q, want the new version %q", v, v2)
								}
								return nil
							})),
						o.expectRequests(map[string]int{"HeadObject": 2}),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(4321)),
				},
				Check: o.checkSameBytes(src, "in/seed.bin", dst, "out/seed.bin"),
			},
		},
	})
}

// TestAccObjectCopy_PlanUnknownSource checks a source that the same apply
// writes: the plan cannot read it, so what it will copy is known only after
// apply, and the copy still succeeds.
func TestAccObjectCopy_PlanUnknownSource(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a.txt", []byte("first hop"), nil)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: o.config(fmt.Sprintf(`
resource "oss_object_copy" "first" {
  bucket        = %[2]q
  key           = "hop1.txt"
  source_bucket = %[1]q
  source_key    = "a.txt"
}

resource "oss_object_copy" "second" {
  bucket        = %[2]q
  key           = "hop2.txt"
  source_bucket = oss_object_copy.first.bucket
  source_key    = oss_object_copy.first.key
}
`, src, dst)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					// An unversioned source: known to have no version.
					plancheck.ExpectKnownValue("oss_object_copy.first", tfjsonpath.New("size"), knownvalue.Int64Exact(9)),
					plancheck.ExpectKnownValue("oss_object_copy.first", tfjsonpath.New("source_version_id"), knownvalue.Null()),
					plancheck.ExpectUnknownValue("oss_object_copy.second", tfjsonpath.New("size")),
					plancheck.ExpectUnknownValue("oss_object_copy.second", tfjsonpath.New("source_etag")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("oss_object_copy.second", tfjsonpath.New("size"), knownvalue.Int64Exact(9)),
			},
			Check: o.checkSameBytes(src, "a.txt", dst, "hop2.txt"),
		}},
	})
}

// TestPlannedSources_OnlyTheMatchingCopy shows what keeps the handoff of
// planned sources, keyed by destination, correct when resources applied in
// parallel share one: a Create gets the source its own plan shows or none
// (and the copy engine reads the source itself), and an entry serves one
// Create only.
func TestPlannedSources_OnlyTheMatchingCopy(t *testing.T) {
	t.Parallel()
	copyOf := func(srcKey, etag string) objectCopyResourceModel {
		return objectCopyResourceModel{
			Bucket: types.StringValue("dst"), Key: types.StringValue("k"),
			SourceBucket: types.StringValue("src"), SourceKey: types.StringValue(srcKey),
			SourceETag: types.StringValue(etag), SourceVersionID: types.StringNull(), Size: types.Int64Value(10),
		}
	}
	source := func(key, etag string) *objectcopy.Source {
		return &objectcopy.Source{Bucket: "src", Key: key, ETag: `"` + etag + `"`, Size: 10}
	}
	testCases := map[string]struct {
		planned *objectcopy.Source
		copy    objectCopyResourceModel
		want    bool
	}{
		"its own plan":                  {planned: source("a", "E1"), copy: copyOf("a", "E1"), want: true},
		"another copy's source":         {planned: source("b", "E1"), copy: copyOf("a", "E1")},
		"its source, read again since":  {planned: source("a", "E2"), copy: copyOf("a", "E1")},
		"its source at another version": {planned: &objectcopy.Source{Bucket: "src", Key: "a", ETag: `"E1"`, VersionID: "v2", Size: 10}, copy: copyOf("a", "E1")},
		"nothing planned":               {copy: copyOf("a", "E1")},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var s plannedSources
			if tc.planned != nil {
				s.put(tc.copy.destination(), tc.planned)
			}
			if got := tc.copy.plannedSource(&s); (got != nil) != tc.want || (got != nil && got != tc.planned) {
				t.Fatalf("plannedSource = %+v, want the planned source: %v", got, tc.want)
			}
			if again := tc.copy.plannedSource(&s); again != nil {
				t.Errorf("a second Create got the planned source %+v too", again)
			}
		})
	}
}
