package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const testObjectDataSource = "data.oss_object.test"

// objectConfig is an oss_object block; extra goes inside it.
func objectConfig(bucket, key, extra string) string {
	return `
data "oss_object" "test" {
  bucket = ` + hcl(bucket) + `
  key    = ` + hcl(key) + `
` + extra + `
}
`
}

func TestAccDataSourceObject_Versions(t *testing.T) {
	o := newTestOSS(t)
	bucket := o.newBucket(true)
	key := "seed/a b+c=d%?#\u00fc.json"
	v1 := o.put(bucket, key, []byte(`{"v":1}`), map[string]string{
		"Content-Type":        "application/json",
		"Cache-Control":       "max-age=60",
		"Content-Disposition": `attachment; filename="seed.json"`,
		"Content-Encoding":    "identity",
		"Expires":             "Wed, 21 Oct 2026 07:28:00 GMT",
		"x-oss-meta-Owner":    "data-team",
		"x-oss-meta-release":  "v3",
		"x-oss-tagging":       "env=test&team=data",
		"x-oss-storage-class": "IA",
	})
	head1, err := o.head(bucket, key, v1)
	if err != nil {
		t.Fatal(err)
	}
	v2 := o.put(bucket, key, []byte(`{"v":2, "more":true}`), nil)
	head2, err := o.head(bucket, key, v2)
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Without version_id: the current version, which has no
				// headers, metadata or tags of its own.
				PreConfig: o.resetRequests,
				Config:    o.config(objectConfig(bucket, key, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{o.expectRequests(map[string]int{"HeadObject": 1, "GetObjectTagging": 1})},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("version_id"), knownvalue.StringExact(v2)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("size"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("etag"), knownvalue.StringExact(trimETag(*head2.ETag))),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("crc64"), knownvalue.StringExact(*head2.HashCRC64)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("cache_control"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("storage_class"), knownvalue.StringExact("Standard")),
				},
			},
			{
				// A pinned older version, with everything it was written with.
				Config: o.config(objectConfig(bucket, key, "version_id = "+hcl(v1))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("version_id"), knownvalue.StringExact(v1)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("size"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("etag"), knownvalue.StringExact(trimETag(*head1.ETag))),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("crc64"), knownvalue.StringExact(*head1.HashCRC64)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("content_type"), knownvalue.StringExact("application/json")),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("cache_control"), knownvalue.StringExact("max-age=60")),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("content_disposition"), knownvalue.StringExact(`attachment; filename="seed.json"`)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("content_encoding"), knownvalue.StringExact("identity")),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("expires"), knownvalue.StringExact("Wed, 21 Oct 2026 07:28:00 GMT")),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"owner":   knownvalue.StringExact("data-team"),
						"release": knownvalue.StringExact("v3"),
					})),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env":  knownvalue.StringExact("test"),
						"team": knownvalue.StringExact("data"),
					})),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("storage_class"), knownvalue.StringExact("IA")),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("last_modified"),
						knownvalue.StringExact(head1.LastModified.UTC().Format("2006-01-02T15:04:05Z"))),
				},
			},
		},
	})
}

func TestAccDataSourceObject_Unversioned(t *testing.T) {
	o := newTestOSS(t)
	bucket := o.newBucket(false)
	o.put(bucket, "k", []byte("x"), map[string]string{"x-oss-tagging": "a=1"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Error steps come first: the post-test destroy uses the last step's configuration.
				Config:      o.config(objectConfig(bucket, "missing", "")),
				ExpectError: regexp.MustCompile(`Object Not Found`),
			},
			{
				Config:      o.config(objectConfig(bucket, "/abs", "")),
				ExpectError: regexp.MustCompile(`must not start with "/" or "\\"`),
			},
			{
				Config: o.config(objectConfig(bucket, "k", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("version_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("size"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(testObjectDataSource, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"a": knownvalue.StringExact("1"),
					})),
				},
			},
		},
	})
}

// TestAccDataSourceObject_OtherRegion reads an object in a bucket of another
// region than the provider's: the error names the bucket's region.
func TestAccDataSourceObject_OtherRegion(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	bucket := far.newBucket(false)
	far.put(bucket, "k", []byte("far away"), nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: o.config(objectConfig(bucket, "k", "")),
			ExpectError: exactMessage("Reading oss://" + bucket + "/k failed. The bucket " +
				bucket + " is in region " + far.region + " (endpoint oss-" + far.region + ".aliyuncs.com), but the " +
				"provider is configured for region " + o.region),
		}},
	})
}
