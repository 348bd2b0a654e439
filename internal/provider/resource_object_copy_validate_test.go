package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// offlineProvider configures the provider without any server: validation
// must fail before a request is made, and port 1 refuses any that is.
const offlineProvider = `
provider "oss" {
  region     = "cn-hangzhou"
  endpoint   = "http://127.0.0.1:1"
  access_key = "id"
  secret_key = "secret"
}
`

func TestAccObjectCopy_PlanTimeValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 1024)
	tags11 := "tagging_directive = \"REPLACE\"\n  tags = {"
	for i := range 11 {
		tags11 += " t" + string(rune('a'+i)) + " = \"v\","
	}
	tags11 += " }"

	testCases := map[string]struct {
		config string
		want   string // the exact message; Terraform may wrap it anywhere
	}{
		"bucket uppercase": {
			copyConfig("Bad_Bucket", "k", "src-bucket", "k", ""),
			"Attribute bucket must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, got: Bad_Bucket",
		},
		"bucket too short": {
			copyConfig("ab", "k", "src-bucket", "k", ""),
			"Attribute bucket must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, got: ab",
		},
		"source bucket hyphen edge": {
			copyConfig("dst-bucket", "k", "-src-", "k", ""),
			"Attribute source_bucket must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, got: -src-",
		},
		"key empty": {
			copyConfig("dst-bucket", "", "src-bucket", "k", ""),
			"Attribute key string length must be between 1 and 1023, got: 0",
		},
		"key too long": {
			copyConfig("dst-bucket", long, "src-bucket", "k", ""),
			"Attribute key string length must be between 1 and 1023, got: 1024",
		},
		"key leading slash": {
			copyConfig("dst-bucket", "/abs", "src-bucket", "k", ""),
			`Attribute key must not start with "/" or "\", got: /abs`,
		},
		"source key leading backslash": {
			copyConfig("dst-bucket", "k", "src-bucket", `\abs`, ""),
			`Attribute source_key must not start with "/" or "\", got: \abs`,
		},
		"destination is source": {
			copyConfig("same-bucket", "k", "same-bucket", "k", ""),
			"Destination Is the Source",
		},
		"content_type under default COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `content_type = "text/plain"`),
			`content_type is applied only when metadata_directive is "REPLACE"; with "COPY" the copy takes it from the source. Set metadata_directive = "REPLACE" or remove content_type.`,
		},
		"cache_control under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", "metadata_directive = \"COPY\"\n  cache_control = \"no-cache\""),
			`cache_control is applied only when metadata_directive is "REPLACE"`,
		},
		"content_disposition under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `content_disposition = "inline"`),
			`content_disposition is applied only when metadata_directive is "REPLACE"`,
		},
		"content_encoding under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `content_encoding = "gzip"`),
			`content_encoding is applied only when metadata_directive is "REPLACE"`,
		},
		"expires under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `expires = "Wed, 21 Oct 2026 07:28:00 GMT"`),
			`expires is applied only when metadata_directive is "REPLACE"`,
		},
		"metadata under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `metadata = { a = "b" }`),
			`metadata is applied only when metadata_directive is "REPLACE"`,
		},
		"tags under COPY": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `tags = { a = "b" }`),
			`tags is applied only when tagging_directive is "REPLACE"; with "COPY" the copy takes it from the source. Set tagging_directive = "REPLACE" or remove tags.`,
		},
		"too many tags": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", tags11),
			"Attribute tags map must contain at most 10 elements, got: 11",
		},
		"kms_key_id without KMS": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", "server_side_encryption = \"AES256\"\n  kms_key_id = \"key\""),
			`kms_key_id is used only when server_side_encryption is "KMS". Set server_side_encryption = "KMS" or remove kms_key_id.`,
		},
		"kms_key_id without encryption": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `kms_key_id = "key"`),
			`kms_key_id is used only when server_side_encryption is "KMS".`,
		},
		"unknown metadata_directive": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `metadata_directive = "MOVE"`),
			`Attribute metadata_directive value must be one of: ["COPY" "REPLACE"], got: "MOVE"`,
		},
		"unknown tagging_directive": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `tagging_directive = "copy"`),
			`Attribute tagging_directive value must be one of: ["COPY" "REPLACE"], got: "copy"`,
		},
		"unknown storage class": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `storage_class = "Cold"`),
			`Attribute storage_class value must be one of: ["Standard" "IA" "Archive" "ColdArchive" "DeepColdArchive"], got: "Cold"`,
		},
		"unknown acl": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `acl = "public"`),
			`Attribute acl value must be one of: ["default" "private" "public-read" "public-read-write"], got: "public"`,
		},
		"unknown encryption": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `server_side_encryption = "aes256"`),
			`Attribute server_side_encryption value must be one of: ["AES256" "KMS" "SM4"], got: "aes256"`,
		},
		"part_size too small": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `part_size = 102399`),
			"Attribute part_size value must be between 102400 and 5368709120, got: 102399",
		},
		"part_size too large": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `part_size = 5368709121`),
			"Attribute part_size value must be between 102400 and 5368709120, got: 5368709121",
		},
		"parallelism zero": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `parallelism = 0`),
			"Attribute parallelism value must be between 1 and 100, got: 0",
		},
		"parallelism too high": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `parallelism = 101`),
			"Attribute parallelism value must be between 1 and 100, got: 101",
		},
		"empty source_version_id": {
			copyConfig("dst-bucket", "k", "src-bucket", "k", `source_version_id = ""`),
			"Attribute source_version_id string length must be at least 1, got: 0",
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      offlineProvider + tc.config,
					PlanOnly:    true,
					ExpectError: exactMessage(tc.want),
				}},
			})
		})
	}
}

// exactMessage matches msg exactly, except that Terraform wraps long
// diagnostics at any space.
func exactMessage(msg string) *regexp.Regexp {
	words := strings.Fields(msg)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// clearEnv unsets variables for one sequential test, so that the machine's
// own configuration cannot satisfy the provider.
func clearEnv(t *testing.T, names ...[]string) {
	for _, group := range names {
		for _, name := range group {
			t.Setenv(name, "")
		}
	}
}

func TestProvider_MissingRegion(t *testing.T) {
	clearEnv(t, envRegion)
	planFails(t, `
provider "oss" {
  access_key = "id"
  secret_key = "secret"
}
`, exactMessage(`The oss provider needs the region of the buckets, for example cn-hangzhou. `+
		`Set the "region" argument in the provider block or one of the environment variables `+
		`OSS_REGION, ALICLOUD_REGION, ALIBABA_CLOUD_REGION.`))
}

func TestProvider_AccessKeyWithoutSecret(t *testing.T) {
	clearEnv(t, envSecretKey)
	planFails(t, `
provider "oss" {
  region     = "cn-hangzhou"
  access_key = "id"
}
`, exactMessage(`"access_key" is set in the provider block, so the oss provider takes the whole key `+
		`pair, and its security token, from the provider block: credentials never come partly from arguments `+
		`and partly from environment variables. Set the access key secret in "secret_key" in the provider `+
		`block, or remove "access_key" to take the credentials from the environment.`))
}

// TestProvider_AssumeRoleWithoutRoleARN checks that an assume_role block
// without role_arn fails when the provider is configured, before any
// request, and says what to set.
func TestProvider_AssumeRoleWithoutRoleARN(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", "")
	planFails(t, `
provider "oss" {
  region     = "cn-hangzhou"
  access_key = "id"
  secret_key = "secret"
  assume_role {}
}
`, exactMessage(`Setting up assuming the RAM role failed. Set "role_arn" in the `+
		`assume_role block to the ARN of the role.`))
}

func TestProvider_PlanTimeValidation(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		arguments string // inside the provider block, besides the region
		want      string
	}{
		"sign_version": {
			`sign_version = "v2"`,
			`Attribute sign_version value must be one of: ["v4" "v1"], got: "v2"`,
		},
		"max_retries": {
			`max_retries = 21`,
			`Attribute max_retries value must be between 0 and 20, got: 21`,
		},
		"assume_role duration": {
			"assume_role {\n    role_arn = \"acs:ram::1:role/r\"\n    duration_seconds = 899\n  }",
			`Attribute assume_role.duration_seconds value must be between 900 and 43200, got: 899`,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			planFails(t, "provider \"oss\" {\n  region = \"cn-hangzhou\"\n  "+tc.arguments+"\n}\n", exactMessage(tc.want))
		})
	}
}

func TestAccObjectCopy_InvalidImportID(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        offlineProvider + copyConfig("dst-bucket", "k", "src-bucket", "k", ""),
			ResourceName:  testResource,
			ImportState:   true,
			ImportStateId: "dst-bucket/k",
			ExpectError: exactMessage(`The import ID "dst-bucket/k" is not valid: missing "=" between ` +
				`destination and source.`),
		}},
	})
}
