package provider

import (
	"cmp"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

var (
	_ plancheck.PlanCheck = resetRequestsPlanCheck{}
)

// resetRequestsPlanCheck starts a new count once the plan is made, so that
// what follows counts the apply alone.
type resetRequestsPlanCheck struct{ o *testOSS }

func (c resetRequestsPlanCheck) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	c.o.resetRequests()
}

// TestAccObjectCopy_CreateRequests counts what applying one new copy sends:
// the HeadObject of the source that the plan Terraform repeats at apply
// makes (see planNewCopy), then the copy engine's requests and nothing
// more: a single CopyObject is pinned to the source that HeadObject read,
// and the result describes the new object as completely as a HeadObject
// would. The import step shows that the state made from the result equals
// the one Read makes from a HeadObject.
func TestAccObjectCopy_CreateRequests(t *testing.T) {
	testCases := map[string]struct {
		size   int64
		source map[string]string
		extra  string
		want   map[string]int
		class  string
		// kmsKey checks kms_key_id; nil means it must be null.
		kmsKey knownvalue.Check
	}{
		"single request, source's storage class": {
			// The plan's HeadObject of the source and CopyObject: the copy
			// keeps the class that HeadObject reported, not the destination
			// bucket's Standard.
			size:   1000,
			source: map[string]string{"x-oss-storage-class": "IA"},
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
			class:  "IA",
		},
		"single request, storage class and encryption given": {
			size:   1000,
			extra:  "storage_class = \"IA\"\n  server_side_encryption = \"KMS\"\n  kms_key_id = \"key-1\"",
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
			class:  "IA",
			kmsKey: knownvalue.StringExact("key-1"),
		},
		"single request, KMS with OSS's default key": {
			// CopyObject's answer names the key OSS chose, as a HeadObject
			// would (the import step compares them).
			size:   1000,
			extra:  "server_side_encryption = \"KMS\"",
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
			class:  "Standard",
			kmsKey: knownvalue.NotNull(),
		},
		"multipart, KMS with OSS's default key": {
			size:  16<<20 + 1,
			extra: "server_side_encryption = \"KMS\"",
			want: map[string]int{
				"HeadObject": 1 + 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1,
				"UploadPartCopy": 8, "CompleteMultipartUpload": 1,
			},
			class:  "Standard",
			kmsKey: knownvalue.NotNull(),
		},
		"multipart": {
			// The plan's HeadObject of the source carries the metadata
			// Initiate needs; a HeadObject of the completed object (Describe)
			// tells last_modified and that it got the destination bucket's
			// storage class. The size is just past what one CopyObject
			// copies. GetObjectTagging reads the source's tags, which
			// tagging_directive COPY copies. The provider's Tuner, which
			// has measured no parts yet, copies one round of 8 parts.
			size:   16<<20 + 1,
			source: map[string]string{"x-oss-storage-class": "IA"},
			want: map[string]int{
				"HeadObject": 1 + 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1,
				"UploadPartCopy": 8, "CompleteMultipartUpload": 1,
			},
			class: "Standard",
		},
		"multipart, parallelism given": {
			// No Tuner: the static part size, DefaultParallelism parts.
			size:  16<<20 + 1,
			extra: "parallelism = 4",
			want: map[string]int{
				"HeadObject": 1 + 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1,
				"UploadPartCopy": objectcopy.DefaultParallelism, "CompleteMultipartUpload": 1,
			},
			class: "Standard",
		},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			o := newTestOSS(t)
			o.requireEmulator("counts requests")
			src, dst := o.newBucket(false), o.newBucket(false)
			o.put(src, "k", testData(tc.size, 3), tc.source)
			config := o.config(copyConfig(dst, "k", src, "k", tc.extra))

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             o.checkDestroy,
				Steps: []resource.TestStep{
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{resetRequestsPlanCheck{o}}},
						Check: func(*terraform.State) error {
							return o.requestsSinceReset(tc.want)
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(testResource, tfjsonpath.New("storage_class"), knownvalue.StringExact(tc.class)),
							statecheck.ExpectKnownValue(testResource, tfjsonpath.New("size"), knownvalue.Int64Exact(tc.size)),
							statecheck.ExpectKnownValue(testResource, tfjsonpath.New("kms_key_id"), cmp.Or[knownvalue.Check](tc.kmsKey, knownvalue.Null())),
						},
					},
					{
						ResourceName:      testResource,
						ImportState:       true,
						ImportStateVerify: true,
						// Import cannot know how the copy was made.
						ImportStateVerifyIgnore: []string{"parallelism"},
					},
				},
			})
		})
	}
}
