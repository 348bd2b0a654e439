package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const testObjectsDataSource = "data.oss_objects.test"

// objectsConfig is an oss_objects block; extra goes inside it.
func objectsConfig(bucket, extra string) string {
	return `
data "oss_objects" "test" {
  bucket = ` + hcl(bucket) + `
` + extra + `
}
`
}

// stringsExact matches a list of exactly these strings, in order.
func stringsExact(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

func TestAccDataSourceObjects_Listing(t *testing.T) {
	o := newTestOSS(t)
	bucket := o.newBucket(false)
	// Keys in byte order; the odd ones would be mangled by a listing that
	// is not URL-encoded or is decoded with the wrong rules.
	keys := []string{
		"in/a b.txt",
		"in/a+b=c%20?#.txt",
		"in/dir/1.bin",
		"in/dir/2.bin",
		"in/z",
		"in/\u00fcber/\u6587\u4ef6.txt",
	}
	for i, k := range keys {
		o.put(bucket, k, make([]byte, i*10), map[string]string{"x-oss-storage-class": "IA"})
	}
	o.put(bucket, "other/x", []byte("x"), nil)
	o.put(bucket, "in", []byte("not under in/"), nil)
	head, err := o.head(bucket, "in/z", "")
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Every key under the prefix, with what the listing says about each.
				Config: o.config(objectsConfig(bucket, `prefix = "in/"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"), stringsExact(keys...)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("common_prefixes"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("objects").AtSliceIndex(4), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"key":           knownvalue.StringExact("in/z"),
						"size":          knownvalue.Int64Exact(40),
						"etag":          knownvalue.StringExact(trimETag(*head.ETag)),
						"storage_class": knownvalue.StringExact("IA"),
						"last_modified": knownvalue.StringExact(head.LastModified.UTC().Format("2006-01-02T15:04:05Z")),
					})),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("objects").AtSliceIndex(1).AtMapKey("key"),
						knownvalue.StringExact("in/a+b=c%20?#.txt")),
				},
			},
			{
				// One directory level: the keys in it and its subdirectories.
				Config: o.config(objectsConfig(bucket, `
  prefix    = "in/"
  delimiter = "/"
`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"),
						stringsExact("in/a b.txt", "in/a+b=c%20?#.txt", "in/z")),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("common_prefixes"),
						stringsExact("in/dir/", "in/\u00fcber/")),
				},
			},
			{
				// start_after skips keys up to and including it; max_keys stops
				// after that many entries.
				Config: o.config(objectsConfig(bucket, `
  prefix      = "in/"
  start_after = "in/a+b=c%20?#.txt"
  max_keys    = 2
`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"),
						stringsExact("in/dir/1.bin", "in/dir/2.bin")),
				},
			},
			{
				// A prefix nothing is under gives empty lists, not nulls.
				Config: o.config(objectsConfig(bucket, `prefix = "nothing/"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("objects"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				// The whole bucket.
				Config: o.config(objectsConfig(bucket, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"), knownvalue.ListSizeExact(len(keys)+2)),
				},
			},
		},
	})
}

func TestAccDataSourceObjects_Errors(t *testing.T) {
	o := newTestOSS(t)
	missing := o.newBucket(false) + "-missing"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      o.config(objectsConfig(missing, "")),
				ExpectError: regexp.MustCompile(`Bucket Not Found`),
			},
			{
				Config:      o.config(objectsConfig("Not_A_Bucket", "")),
				ExpectError: regexp.MustCompile(`must be 3-63 lowercase letters`),
			},
			{
				Config:      o.config(objectsConfig("some-bucket", "max_keys = 0")),
				ExpectError: regexp.MustCompile(`max_keys value must be at least 1`),
			},
		},
	})
}

// TestAccDataSourceObjects_ManyPages lists a prefix with 2,500 keys, which
// takes one ListObjectsV2 request per 1,000 keys, the last page partial.
// More keys test nothing more, and terraform takes seconds per thousand.
func TestAccDataSourceObjects_ManyPages(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("2,500 fixture objects are created straight in the emulator's storage")
	bucket := o.newBucket(false)
	const n = 2500
	for i := range n {
		if _, err := o.emu.PutObject(bucket, fmt.Sprintf("many/%05d", i), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Neighbours that a wrong prefix match or a paging bug would pick up.
	for _, k := range []string{"man", "many", "manz/0"} {
		if _, err := o.emu.PutObject(bucket, k, nil, http.Header{}); err != nil {
			t.Fatal(err)
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: o.resetRequests,
				Config:    o.config(objectsConfig(bucket, `prefix = "many/"`)) + keysOutput,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The plan read the data source once.
					PreApply: []plancheck.PlanCheck{o.expectRequests(map[string]int{"ListObjectsV2": (n + listPageSize - 1) / listPageSize})},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"), knownvalue.ListSizeExact(n)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("objects"), knownvalue.ListSizeExact(n)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys").AtSliceIndex(0), knownvalue.StringExact("many/00000")),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys").AtSliceIndex(n-1), knownvalue.StringExact("many/02499")),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys").AtSliceIndex(1250), knownvalue.StringExact("many/01250")),
					statecheck.ExpectKnownOutputValue("distinct", knownvalue.Int64Exact(n)),
				},
			},
			{
				// A limit that ends inside a page asks only for what is left.
				PreConfig: o.resetRequests,
				Config:    o.config(objectsConfig(bucket, "prefix = \"many/\"\n  max_keys = 1500")) + keysOutput,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{o.expectRequests(map[string]int{"ListObjectsV2": 2})},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys"), knownvalue.ListSizeExact(1500)),
					statecheck.ExpectKnownValue(testObjectsDataSource, tfjsonpath.New("keys").AtSliceIndex(1499), knownvalue.StringExact("many/01499")),
				},
			},
		},
	})
}

// keysOutput counts the distinct keys, so a page listed twice would show.
const keysOutput = `
output "distinct" {
  value = length(toset(data.oss_objects.test.keys))
}
`
