package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const testResource = "oss_object_copy.test"

// copyConfig is a minimal oss_object_copy block; extra goes inside it.
func copyConfig(bucket, key, srcBucket, srcKey, extra string) string {
	return `
resource "oss_object_copy" "test" {
  bucket        = ` + hcl(bucket) + `
  key           = ` + hcl(key) + `
  source_bucket = ` + hcl(srcBucket) + `
  source_key    = ` + hcl(srcKey) + `
` + extra + `
}
`
}

func TestAccObjectCopy_Basic(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	data := []byte("hello, oss")
	o.put(src, "in/hello.txt", data, map[string]string{"Content-Type": "text/plain"})
	head, err := o.head(src, "in/hello.txt", "")
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: o.config("%s", copyConfig(dst, "out/hello.txt", src, "in/hello.txt", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("id"),
						knownvalue.StringExact(dst+"/out/hello.txt="+src+"/in/hello.txt")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(int64(len(data)))),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("crc64"), knownvalue.StringExact(*head.HashCRC64)),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_etag"), knownvalue.StringExact(trimETag(*head.ETag))),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("content_type"), knownvalue.StringExact("text/plain")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("metadata_directive"), knownvalue.StringExact("COPY")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("version_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("last_modified"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check: o.checkSameBytes(src, "in/hello.txt", dst, "out/hello.txt"),
			},
			{
				// A refresh and plan with nothing changed must be empty.
				Config:   o.config("%s", copyConfig(dst, "out/hello.txt", src, "in/hello.txt", "")),
				PlanOnly: true,
			},
			{
				ResourceName:      testResource,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}
