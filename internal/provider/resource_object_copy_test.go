package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
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
				Config: o.config(copyConfig(dst, "out/hello.txt", src, "in/hello.txt", "")),
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
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("copy_method"), knownvalue.StringExact("server-side")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(0)),
				},
				Check: o.checkSameBytes(src, "in/hello.txt", dst, "out/hello.txt"),
			},
			{
				// A refresh and plan with nothing changed must be empty.
				Config:   o.config(copyConfig(dst, "out/hello.txt", src, "in/hello.txt", "")),
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

// testData returns n deterministic bytes that differ with seed.
func testData(n int64, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

func TestAccObjectCopy_Multipart(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	const size = 5*objectcopy.MinPartSize + 7 // five full parts and a short last one
	o.put(src, "big.bin", testData(size, 1), nil)
	head, err := o.head(src, "big.bin", "")
	if err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: o.config(copyConfig(dst, "big.bin", src, "big.bin",
				fmt.Sprintf("part_size = %d\n  parallelism = 3", objectcopy.MinPartSize))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("etag"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-F]{32}-6$`))),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("crc64"), knownvalue.StringExact(*head.HashCRC64)),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(size)),
			},
			Check: resource.ComposeTestCheckFunc(
				o.checkSameBytes(src, "big.bin", dst, "big.bin"),
				o.checkRequests(map[string]int{"UploadPartCopy": 6, "CompleteMultipartUpload": 1}),
			),
		}},
	})
}

// TestAccObjectCopy_Sizes copies an empty object and objects at part
// boundaries: exactly one part, exactly two, and two plus one byte.
func TestAccObjectCopy_Sizes(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	sizes := map[string]struct {
		size int64
		etag string
	}{
		"empty":      {0, `^[0-9A-F]{32}$`},
		"one_part":   {objectcopy.MinPartSize, `^[0-9A-F]{32}-1$`},
		"two_parts":  {2 * objectcopy.MinPartSize, `^[0-9A-F]{32}-2$`},
		"two_plus_1": {2*objectcopy.MinPartSize + 1, `^[0-9A-F]{32}-3$`},
	}
	var config strings.Builder
	var checks []statecheck.StateCheck
	var byteChecks []resource.TestCheckFunc
	for name, s := range sizes {
		o.put(src, name, testData(s.size, 2), nil)
		head, err := o.head(src, name, "")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&config, `
resource "oss_object_copy" %q {
  bucket        = %q
  key           = %q
  source_bucket = %q
  source_key    = %q
  part_size     = %d
}
`, name, dst, name, src, name, objectcopy.MinPartSize)
		addr := "oss_object_copy." + name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(s.size)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("crc64"), knownvalue.StringExact(*head.HashCRC64)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("etag"), knownvalue.StringRegexp(regexp.MustCompile(s.etag))),
		)
		byteChecks = append(byteChecks, o.checkSameBytes(src, name, dst, name))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config:            o.config(config.String()),
			ConfigStateChecks: checks,
			Check:             resource.ComposeTestCheckFunc(byteChecks...),
		}},
	})
}

func TestAccObjectCopy_MetadataCopy(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "report.csv", []byte("a,b\n1,2\n"), map[string]string{
		"Content-Type":        "text/csv",
		"Cache-Control":       "no-cache",
		"Content-Disposition": "attachment; filename=report.csv",
		"x-oss-meta-owner":    "alice",
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			// A .txt key: with MIME guessing the copy would become text/plain.
			Config: o.config(copyConfig(dst, "copy.txt", src, "report.csv", "")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("content_type"), knownvalue.StringExact("text/csv")),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("metadata"), knownvalue.Null()),
			},
			Check: o.checkHead(dst, "copy.txt", map[string]string{
				"Content-Type":        "text/csv",
				"Cache-Control":       "no-cache",
				"Content-Disposition": "attachment; filename=report.csv",
				"X-Oss-Meta-Owner":    "alice",
			}),
		}},
	})
}

func TestAccObjectCopy_MetadataReplace(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "report.csv", []byte("a,b\n1,2\n"), map[string]string{
		"Content-Type":     "text/csv",
		"Cache-Control":    "no-cache",
		"x-oss-meta-owner": "alice",
	})
	replace := `metadata_directive  = "REPLACE"
  content_type        = "application/json"
  cache_control       = "max-age=60"
  content_disposition = "inline"
  content_encoding    = "identity"
  expires             = "Wed, 21 Oct 2026 07:28:00 GMT"
  metadata            = { team = "data" }`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: o.config(copyConfig(dst, "copy.json", src, "report.csv", replace)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("content_type"), knownvalue.StringExact("application/json")),
				},
				Check: resource.ComposeTestCheckFunc(
					o.checkHead(dst, "copy.json", map[string]string{
						"Content-Type":        "application/json",
						"Cache-Control":       "max-age=60",
						"Content-Disposition": "inline",
						"Content-Encoding":    "identity",
						"Expires":             "Wed, 21 Oct 2026 07:28:00 GMT",
						"X-Oss-Meta-Team":     "data",
						"X-Oss-Meta-Owner":    "",
					}),
					o.checkSameBytes(src, "report.csv", dst, "copy.json"),
				),
			},
			{
				// Metadata is part of what was copied: changing it copies again.
				Config: o.config(copyConfig(dst, "copy.json", src, "report.csv",
					strings.Replace(replace, `team = "data"`, `team = "platform"`, 1))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionReplace),
				}},
				Check: o.checkHead(dst, "copy.json", map[string]string{"X-Oss-Meta-Team": "platform"}),
			},
		},
	})
}

func TestAccObjectCopy_Tags(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "tagged", []byte("tagged"), map[string]string{"x-oss-tagging": "origin=source"})
	etag := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				// COPY carries the source's tags over.
				Config:            o.config(copyConfig(dst, "copied-tags", src, "tagged", "")),
				ConfigStateChecks: []statecheck.StateCheck{etag.AddStateValue(testResource, tfjsonpath.New("etag"))},
				Check:             o.checkTags(dst, "copied-tags", map[string]string{"origin": "source"}),
			},
			{
				Config: o.config(copyConfig(dst, "tags", src, "tagged",
					"tagging_directive = \"REPLACE\"\n  tags = { env = \"dev\" }")),
				Check: o.checkTags(dst, "tags", map[string]string{"env": "dev"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("tags"),
						knownvalue.MapExact(map[string]knownvalue.Check{"env": knownvalue.StringExact("dev")})),
				},
			},
			{
				// Tags change in place: no new copy, same ETag.
				PreConfig: o.resetRequests,
				Config: o.config(copyConfig(dst, "tags", src, "tagged",
					"tagging_directive = \"REPLACE\"\n  tags = { env = \"prod\", team = \"data\" }")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					o.checkTags(dst, "tags", map[string]string{"env": "prod", "team": "data"}),
					o.checkRequests(map[string]int{"PutObjectTagging": 1, "CopyObject": 0, "InitiateMultipartUpload": 0}),
				),
			},
		},
	})
}

func TestAccObjectCopy_ACL(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "acl", []byte("acl"), nil)
	etag := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config:            o.config(copyConfig(dst, "acl", src, "acl", `acl = "private"`)),
				ConfigStateChecks: []statecheck.StateCheck{etag.AddStateValue(testResource, tfjsonpath.New("etag"))},
				Check:             o.checkACL(dst, "acl", "private"),
			},
			{
				Config: o.config(copyConfig(dst, "acl", src, "acl", `acl = "public-read"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{etag.AddStateValue(testResource, tfjsonpath.New("etag"))},
				Check:             o.checkACL(dst, "acl", "public-read"),
			},
		},
	})
}

func TestAccObjectCopy_StorageClassAndEncryption(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	// One part through InitiateMultipartUpload, where storage class and
	// encryption are given for a multipart copy.
	o.put(src, "cold", testData(objectcopy.MinPartSize, 3), nil)
	tuning := fmt.Sprintf("\n  part_size = %d", objectcopy.MinPartSize)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: o.config(copyConfig(dst, "cold", src, "cold",
					"storage_class = \"IA\"\n  server_side_encryption = \"AES256\""+tuning)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("storage_class"), knownvalue.StringExact("IA")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("server_side_encryption"), knownvalue.StringExact("AES256")),
				},
				Check: o.checkHead(dst, "cold", map[string]string{
					"X-Oss-Storage-Class":          "IA",
					"X-Oss-Server-Side-Encryption": "AES256",
				}),
			},
			{
				Config: o.config(copyConfig(dst, "cold", src, "cold",
					"storage_class = \"Standard\"\n  server_side_encryption = \"AES256\""+tuning)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionReplace),
				}},
				Check: o.checkHead(dst, "cold", map[string]string{"X-Oss-Storage-Class": "Standard"}),
			},
		},
	})
}

// TestAccObjectCopy_EncryptedSourceNotEncrypted copies an encrypted source
// without server_side_encryption, by a single CopyObject and by a multipart
// copy: OSS does not carry the source's encryption over, so the copy is not
// encrypted, state says so, and a refresh (a HEAD of the copy) agrees.
func TestAccObjectCopy_EncryptedSourceNotEncrypted(t *testing.T) {
	for name, tuning := range map[string]string{
		"single request": "",
		"multipart":      fmt.Sprintf("part_size = %d", objectcopy.MinPartSize),
	} {
		t.Run(name, func(t *testing.T) {
			o := newTestOSS(t)
			src, dst := o.newBucket(false), o.newBucket(false)
			o.put(src, "sealed", testData(objectcopy.MinPartSize+1, 5), map[string]string{"x-oss-server-side-encryption": "AES256"})
			// Without an encrypted source this test would show nothing.
			if err := o.checkHead(src, "sealed", map[string]string{"X-Oss-Server-Side-Encryption": "AES256"})(nil); err != nil {
				t.Fatal(err)
			}

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             o.checkDestroy,
				Steps: []resource.TestStep{{
					Config: o.config(copyConfig(dst, "sealed", src, "sealed", tuning)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testResource, tfjsonpath.New("server_side_encryption"), knownvalue.Null()),
						statecheck.ExpectKnownValue(testResource, tfjsonpath.New("kms_key_id"), knownvalue.Null()),
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					Check: o.checkHead(dst, "sealed", map[string]string{"X-Oss-Server-Side-Encryption": ""}),
				}},
			})
		})
	}
}

func TestAccObjectCopy_Versioned(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(true)
	o.put(src, "v.txt", []byte("copied"), nil)
	older := o.put(dst, "v.txt", []byte("older version, not ours"), nil)
	var ours string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Destroy removes exactly our version: the older one is current
		// again, with no delete marker in front of it.
		CheckDestroy: func(s *terraform.State) error {
			if err := o.checkDestroy(s); err != nil {
				return err
			}
			head, err := o.head(dst, "v.txt", "")
			if err != nil {
				return fmt.Errorf("after destroy, the current version: %w", err)
			}
			if got := oss.ToString(head.VersionId); got != older {
				return fmt.Errorf("after destroy, current version is %q, want the older %q", got, older)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: o.config(copyConfig(dst, "v.txt", src, "v.txt", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("version_id"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					ours = s.RootModule().Resources[testResource].Primary.Attributes["version_id"]
					if ours == older {
						return fmt.Errorf("version_id is the older version %q", older)
					}
					return o.checkSameBytes(src, "v.txt", dst, "v.txt")(s)
				},
			},
			{
				// A newer write to the key leaves our version intact: no drift.
				PreConfig: func() { o.put(dst, "v.txt", []byte("newer"), nil) },
				Config:    o.config(copyConfig(dst, "v.txt", src, "v.txt", "")),
				PlanOnly:  true,
			},
			{
				// Back to our version being current, for destroy's check.
				PreConfig: func() {
					head, err := o.head(dst, "v.txt", "")
					if err != nil {
						t.Fatal(err)
					}
					o.remove(dst, "v.txt", oss.ToString(head.VersionId))
				},
				Config:   o.config(copyConfig(dst, "v.txt", src, "v.txt", "")),
				PlanOnly: true,
			},
		},
	})
}

func TestAccObjectCopy_SourceVersionPinned(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(true), o.newBucket(false)
	v1 := o.put(src, "doc", []byte("first"), nil)
	o.put(src, "doc", []byte("second"), nil)
	config := o.config(copyConfig(dst, "doc", src, "doc", "source_version_id = "+hcl(v1)))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("source_version_id"), knownvalue.StringExact(v1)),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("id"),
						knownvalue.StringExact(dst+"/doc="+src+"/doc?versionId="+url.QueryEscape(v1))),
				},
				Check: o.checkContent(dst, "doc", "first"),
			},
			{
				// A pinned copy ignores newer source versions.
				PreConfig: func() { o.put(src, "doc", []byte("third"), nil) },
				Config:    config,
				PlanOnly:  true,
			},
			{
				ResourceName:      testResource,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccObjectCopy_DestinationDeleted(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", []byte("a"), nil)
	config := o.config(copyConfig(dst, "a", src, "a", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { o.remove(dst, "a", "") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionCreate),
				}},
				Check: o.checkContent(dst, "a", "a"),
			},
		},
	})
}

func TestAccObjectCopy_DestinationOverwritten(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", []byte("from source"), nil)
	config := o.config(copyConfig(dst, "a", src, "a", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { o.put(dst, "a", []byte("written by someone else"), nil) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionReplace),
				}},
				Check: o.checkContent(dst, "a", "from source"),
			},
		},
	})
}

func TestAccObjectCopy_SourceChanged(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", []byte("old"), nil)
	config := o.config(copyConfig(dst, "a", src, "a", ""))
	sourceETag := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{sourceETag.AddStateValue(testResource, tfjsonpath.New("source_etag"))},
			},
			{
				PreConfig: func() { o.put(src, "a", []byte("new"), nil) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sourceETag.AddStateValue(testResource, tfjsonpath.New("source_etag"))},
				Check:             o.checkContent(dst, "a", "new"),
			},
		},
	})
}

// TestAccObjectCopy_TuningCopiesNothing changes part_size and parallelism,
// which steer how a copy runs: the update is in place and copies nothing.
func TestAccObjectCopy_TuningCopiesNothing(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "a", testData(3*objectcopy.MinPartSize, 4), nil)
	etag := statecheck.CompareValue(compare.ValuesSame())
	tuned := func(partSize int64, parallelism int) string {
		return o.config(copyConfig(dst, "a", src, "a",
			fmt.Sprintf("part_size = %d\n  parallelism = %d", partSize, parallelism)))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config:            tuned(objectcopy.MinPartSize, 2),
				ConfigStateChecks: []statecheck.StateCheck{etag.AddStateValue(testResource, tfjsonpath.New("etag"))},
			},
			{
				PreConfig: o.resetRequests,
				Config:    tuned(2*objectcopy.MinPartSize, 8),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					etag.AddStateValue(testResource, tfjsonpath.New("etag")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("part_size"), knownvalue.Int64Exact(2*objectcopy.MinPartSize)),
				},
				Check: o.checkRequests(map[string]int{
					"InitiateMultipartUpload": 0, "UploadPartCopy": 0, "CopyObject": 0, "DeleteObject": 0,
				}),
			},
		},
	})
}

// TestAccObjectCopy_KeyCharacters copies and imports keys with characters
// that URLs, the import id and HCL treat specially.
func TestAccObjectCopy_KeyCharacters(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	srcKey := "in/dir with space/ünïcødé+plus%25?q#h=eq.txt"
	dstKey := "out/a b/ü+%/?#=&.txt"
	o.put(src, srcKey, []byte("odd"), nil)
	// The same key copied in parts takes the UploadPartCopy path, whose
	// copy source header is encoded separately.
	bigKey := "parts/ü +%?#=.bin"
	o.put(src, bigKey, testData(2*objectcopy.MinPartSize+1, 5), nil)
	config := o.config(copyConfig(dst, dstKey, src, srcKey, "") + `
resource "oss_object_copy" "parts" {
  bucket        = ` + hcl(dst) + `
  key           = ` + hcl(bigKey) + `
  source_bucket = ` + hcl(src) + `
  source_key    = ` + hcl(bigKey) + `
  part_size     = ` + fmt.Sprint(objectcopy.MinPartSize) + `
}
`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("key"), knownvalue.StringExact(dstKey)),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("id"), knownvalue.StringExact(
						dst+"/out/a%20b/%C3%BC+%25/%3F%23%3D&.txt="+src+"/in/dir%20with%20space/%C3%BCn%C3%AFc%C3%B8d%C3%A9+plus%2525%3Fq%23h%3Deq.txt")),
				},
				Check: resource.ComposeTestCheckFunc(
					o.checkContent(dst, dstKey, "odd"),
					o.checkSameBytes(src, bigKey, dst, bigKey),
				),
			},
			{
				ResourceName:      testResource,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}
