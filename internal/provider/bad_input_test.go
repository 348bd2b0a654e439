package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// badInputEnv is one bad-input case's own emulator, with a source bucket
// holding the object "k" and an empty destination bucket.
type badInputEnv struct {
	emu     *ossemu.Server
	cleanup func(func()) // the case's t.Cleanup
}

const (
	badSrc = "bad-input-src"
	badDst = "bad-input-dst"
	// STS key pairs the emulator knows; their secret is the id reversed.
	stsExpiredID = "STS.expired"
	stsValidID   = "STS.valid"
	stsToken     = "CAIS-the-token"
)

// provider returns a provider block for the emulator; set replaces or adds
// arguments (a value "" drops the argument; max_retries is a number, and
// "extra" is copied into the block as it is, for nested blocks).
func (e badInputEnv) provider(set map[string]string) string {
	id, secret := e.emu.Credentials()
	args := map[string]string{
		"region": e.emu.Region(), "endpoint": e.emu.Endpoint(), "access_key": id, "secret_key": secret,
	}
	maps.Copy(args, set)
	var b strings.Builder
	b.WriteString("provider \"oss\" {\n")
	for _, name := range []string{"region", "endpoint", "access_key", "secret_key", "security_token", "max_retries"} {
		if v := args[name]; v != "" {
			if name == "max_retries" {
				fmt.Fprintf(&b, "  %s = %s\n", name, v)
			} else {
				fmt.Fprintf(&b, "  %s = %s\n", name, hcl(v))
			}
		}
	}
	b.WriteString(args["extra"] + "\n}\n")
	return b.String()
}

// badCopy is an oss_object_copy of the source object "k" with extra inside
// the block.
func badCopy(extra string) string {
	return copyConfig(badDst, "copy", badSrc, "k", extra)
}

// reverse makes the secret of an STS key pair from its id.
func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// TestAccObjectCopy_BadInput is the table of inputs a person can get wrong
// that the plan-time validation tests (resource_object_copy_validate_test.go)
// and the OSS error tests (resource_object_copy_errors_test.go) do not
// cover already. Each case asserts the exact text of the error. A case
// marked noRequests must fail before any request reaches OSS: its emulator
// counts every request it receives, and must have received none. The other
// cases fail at apply; they must leave no object and no multipart upload.
func TestAccObjectCopy_BadInput(t *testing.T) {
	tooLong := "b" + strings.Repeat("a", 62) + "c" // 64 characters

	testCases := map[string]struct {
		opts       []ossemu.Option
		setup      func(t *testing.T, e badInputEnv)
		config     func(e badInputEnv) string // default: the provider and badCopy("")
		importID   string                     // import this id instead of applying
		env        map[string]string          // run sequentially with these variables set
		noRequests bool
		want       string                     // exact text; "" = the apply must succeed
		wantFor    func(e badInputEnv) string // want, when it names something setup made
	}{
		// Configuration mistakes: rejected before any request.
		"bucket of 64 characters": {
			config:     func(e badInputEnv) string { return e.provider(nil) + copyConfig(tooLong, "copy", badSrc, "k", "") },
			noRequests: true,
			want: "Attribute bucket must be 3-63 lowercase letters, digits and hyphens, starting and ending " +
				"with a letter or digit, got: " + tooLong,
		},
		"source bucket with a dot": {
			config:     func(e badInputEnv) string { return e.provider(nil) + copyConfig(badDst, "copy", "src.bucket", "k", "") },
			noRequests: true,
			want: "Attribute source_bucket must be 3-63 lowercase letters, digits and hyphens, starting and " +
				"ending with a letter or digit, got: src.bucket",
		},
		"key of 1026 bytes in 342 characters": {
			// The limit is in bytes of UTF-8, not in characters.
			config: func(e badInputEnv) string {
				return e.provider(nil) + copyConfig(badDst, strings.Repeat("日", 342), badSrc, "k", "")
			},
			noRequests: true,
			want:       "Attribute key string length must be between 1 and 1023, got: 1026",
		},
		"source key empty": {
			config:     func(e badInputEnv) string { return e.provider(nil) + copyConfig(badDst, "copy", badSrc, "", "") },
			noRequests: true,
			want:       "Attribute source_key string length must be between 1 and 1023, got: 0",
		},
		"misspelled argument": {
			config:     func(e badInputEnv) string { return e.provider(nil) + badCopy(`sorce_version_id = "v1"`) },
			noRequests: true,
			want:       `An argument named "sorce_version_id" is not expected here. Did you mean "source_version_id"?`,
		},
		"missing source_key": {
			config: func(e badInputEnv) string {
				return e.provider(nil) + "resource \"oss_object_copy\" \"test\" {\n  bucket = \"" + badDst +
					"\"\n  key = \"copy\"\n  source_bucket = \"" + badSrc + "\"\n}\n"
			},
			noRequests: true,
			want:       `The argument "source_key" is required, but no definition was found.`,
		},
		"part_size not a number": {
			config:     func(e badInputEnv) string { return e.provider(nil) + badCopy(`part_size = "8MiB"`) },
			noRequests: true,
			want:       `Inappropriate value for attribute "part_size": a number is required.`,
		},
		"parallelism negative": {
			config:     func(e badInputEnv) string { return e.provider(nil) + badCopy(`parallelism = -4`) },
			noRequests: true,
			want:       "Attribute parallelism value must be between 1 and 100, got: -4",
		},
		"create timeout not a duration": {
			config: func(e badInputEnv) string {
				return e.provider(nil) + badCopy("timeouts {\n    create = \"1 hour\"\n  }")
			},
			noRequests: true,
			want: `"1 hour" must be a string containing a sequence of decimal numbers, each with optional ` +
				`fraction and a unit suffix, such as "300ms", "-1.5h" or "2h45m". Valid time units are "ns", "us" ` +
				`(or "µs"), "ms", "s", "m", "h".`,
		},
		"max_retries out of range": {
			config:     func(e badInputEnv) string { return e.provider(map[string]string{"max_retries": "21"}) + badCopy("") },
			noRequests: true,
			want:       "Attribute max_retries value must be between 0 and 20, got: 21",
		},
		"assume_role duration too short": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"extra": "  assume_role {\n    role_arn = \"acs:ram::1:role/r\"\n" +
					"    duration_seconds = 899\n  }"}) + badCopy("")
			},
			noRequests: true,
			want:       "Attribute assume_role.duration_seconds value must be between 900 and 43200, got: 899",
		},
		"assume_role with an empty role_arn": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"extra": "  assume_role {\n    role_arn = \"\"\n  }"}) + badCopy("")
			},
			noRequests: true,
			want:       "Attribute assume_role.role_arn string length must be at least 1, got: 0",
		},
		"import ID with an unknown query parameter": {
			importID:   badDst + "/copy=" + badSrc + "/k?version=1",
			noRequests: true,
			want: `The import ID "` + badDst + `/copy=` + badSrc + `/k?version=1" is not valid: unknown query ` +
				`parameter "version" (only versionId is allowed).`,
		},
		"import ID with an empty versionId": {
			importID:   badDst + "/copy=" + badSrc + "/k?versionId=",
			noRequests: true,
			want:       `The import ID "` + badDst + `/copy=` + badSrc + `/k?versionId=" is not valid: empty versionId.`,
		},
		"import ID with a broken escape": {
			importID:   badDst + "/50%=" + badSrc + "/k",
			noRequests: true,
			want:       `The import ID "` + badDst + `/50%=` + badSrc + `/k" is not valid: destination: key "50%": invalid URL escape "%".`,
		},
		"import ID without a source key": {
			importID:   badDst + "/copy=" + badSrc,
			noRequests: true,
			want:       `The import ID "` + badDst + `/copy=` + badSrc + `" is not valid: source: "` + badSrc + `" is not BUCKET/KEY.`,
		},

		// Credentials: wrong ones are refused by OSS at the first request,
		// missing ones before any request.
		"no credentials anywhere": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"access_key": "", "secret_key": ""}) + badCopy("")
			},
			env:        map[string]string{"HOME": "", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"},
			noRequests: true,
			want: `The provider could not get credentials from the default credential chain. Set "access_key" ` +
				`and "secret_key" in the provider block, or the environment variables OSS_ACCESS_KEY_ID and ` +
				`OSS_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY, or ALIBABA_CLOUD_ACCESS_KEY_ID ` +
				`and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or a "profile".`,
		},
		"unknown access key ID": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"access_key": "LTAInobodyhasthis"}) + badCopy("")
			},
			want: `OSS does not know the access key ID in use. Check the access key ID: "access_key" or OSS_ACCESS_KEY_ID`,
		},
		"expired STS token": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"access_key": stsExpiredID, "secret_key": reverse(stsExpiredID),
					"security_token": stsToken}) + badCopy("")
			},
			want: `The STS security token is invalid or has expired. Get new temporary credentials`,
		},
		"wrong STS token": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"access_key": stsValidID, "secret_key": reverse(stsValidID),
					"security_token": "CAIS-another-token"}) + badCopy("")
			},
			want: `The STS security token is invalid or has expired. Get new temporary credentials`,
		},
		"STS key pair without its token": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"access_key": stsValidID, "secret_key": reverse(stsValidID)}) + badCopy("")
			},
			want: `The STS security token is invalid or has expired. Get new temporary credentials`,
		},
		"clock two hours ahead": {
			// The SDK adopts the server's clock from the first
			// RequestTimeTooSkewed answer and retries: a skewed clock costs
			// one request, not the apply.
			setup: func(t *testing.T, e badInputEnv) {
				e.emu.SetClockSkew(-2 * time.Hour)
				// Without the SDK's correction the skew is refused.
				c := oss.NewClient(e.emu.ClientConfig().WithRetryMaxAttempts(1))
				_, err := c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr(badSrc), Key: oss.Ptr("k")})
				var se *oss.ServiceError
				if !errors.As(err, &se) || se.Code != "RequestTimeTooSkewed" {
					t.Fatalf("a request two hours off the server's clock got %v, want RequestTimeTooSkewed", err)
				}
			},
		},
		"endpoint without scheme is https": {
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"endpoint": strings.TrimPrefix(e.emu.Endpoint(), "http://")}) + badCopy("")
			},
			wantFor: func(e badInputEnv) string {
				return `Head "https://` + strings.TrimPrefix(e.emu.Endpoint(), "http://") + `/` + badSrc +
					`/k": http: server gave HTTP response to HTTPS client`
			},
		},

		// Objects and buckets that are not what the configuration says.
		"source bucket does not exist": {
			config: func(e badInputEnv) string {
				return e.provider(nil) + copyConfig(badDst, "copy", "no-such-source", "k", "")
			},
			want: "The bucket no-such-source does not exist in this region. Check the bucket name and the provider's region.",
		},
		"destination bucket does not exist": {
			config: func(e badInputEnv) string {
				return e.provider(nil) + copyConfig("no-such-dest", "copy", badSrc, "k", "")
			},
			want: "The bucket no-such-dest does not exist in this region. Check the bucket name and the provider's region.",
		},
		"source version does not exist": {
			setup: func(t *testing.T, e badInputEnv) {
				if err := e.emu.SetBucketVersioning(badSrc, true); err != nil {
					t.Fatal(err)
				}
			},
			config: func(e badInputEnv) string {
				return e.provider(nil) + badCopy(`source_version_id = "CAEQ0000000000000000000000000000"`)
			},
			want: "There is no object at oss://" + badSrc + "/k. Check source_bucket, source_key and source_version_id.",
		},
		"source version is a delete marker": {
			setup: func(t *testing.T, e badInputEnv) {
				if err := e.emu.SetBucketVersioning(badSrc, true); err != nil {
					t.Fatal(err)
				}
				c := oss.NewClient(e.emu.ClientConfig())
				if _, err := c.DeleteObject(context.Background(), &oss.DeleteObjectRequest{Bucket: oss.Ptr(badSrc), Key: oss.Ptr("k")}); err != nil {
					t.Fatal(err)
				}
			},
			config: func(e badInputEnv) string {
				return e.provider(nil) + badCopy(`source_version_id = "`+deleteMarker(e)+`"`)
			},
			wantFor: func(e badInputEnv) string {
				return "Version " + deleteMarker(e) + " of oss://" + badSrc + "/k is a delete marker, which holds no data to " +
					"copy. Set source_version_id to a version that holds the object, or remove it to copy the current version."
			},
		},
		"source bucket under retention": {
			setup: func(t *testing.T, e badInputEnv) {
				if err := e.emu.LockBucketRetention(badSrc, 1); err != nil {
					t.Fatal(err)
				}
			},
			want: "A retention (WORM) policy protects the object: OSS refuses to copy into or out of a bucket under retention",
		},
		"source too large for 10,000 parts of 5 GiB": {
			// OSS itself stores at most 48.8 TiB, so the emulator cannot
			// hold such a source either: a proxy in front of it reports the
			// size of one beyond the limit on HeadObject.
			config: func(e badInputEnv) string {
				return e.provider(map[string]string{"endpoint": sizeLyingProxy(e, "k", 10000*(5<<30)+1)}) + badCopy("")
			},
			want: "OSS copies an object in at most 10,000 parts of at most 5 GiB each. Raise part_size as the " +
				"error says, or leave it unset to have it chosen from the object's size.\n\nOriginal Error: " +
				"objectcopy: too many parts: an object of 53687091200001 bytes is too large for a multipart " +
				"copy: at most 10000 parts of 5368709120 bytes (53687091200000 bytes) are possible",
		},
		"part_size too small for the source": {
			// MD5 cannot be combined from parts: only identity digests
			// make an object of this size quick to create.
			opts: []ossemu.Option{ossemu.WithDigestFromExtentIdentity()},
			setup: func(t *testing.T, e badInputEnv) {
				if _, err := e.emu.PutGeneratedObject(badSrc, "big", 2<<30, 1, nil); err != nil {
					t.Fatal(err)
				}
			},
			config: func(e badInputEnv) string {
				return e.provider(nil) + copyConfig(badDst, "copy", badSrc, "big", "part_size = 102400")
			},
			want: "Original Error: objectcopy: too many parts: part size 102400 cuts the 2147483648-byte object " +
				"into 20972 parts, more than the 10000 OSS allows: use a part size of at least 214749 bytes",
		},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			if tc.env == nil {
				t.Parallel()
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.env != nil {
				clearEnv(t, envAccessKey, envSecretKey, envSecurityToken, envProfile, envCredsFile)
				t.Setenv("HOME", t.TempDir())
			}
			opts := append([]ossemu.Option{
				ossemu.WithTemporaryCredentials(stsExpiredID, reverse(stsExpiredID), stsToken, time.Now().Add(-time.Minute)),
				ossemu.WithTemporaryCredentials(stsValidID, reverse(stsValidID), stsToken, time.Now().Add(time.Hour)),
			}, tc.opts...)
			e := badInputEnv{emu: ossemu.NewTestServer(t, opts...), cleanup: t.Cleanup}
			for _, b := range []string{badSrc, badDst} {
				if err := e.emu.CreateBucket(b, ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.emu.PutObject(badSrc, "k", []byte("the source"), nil); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, e)
			}
			e.emu.ResetCounts()

			config := e.provider(nil) + badCopy("")
			if tc.config != nil {
				config = tc.config(e)
			}
			step := resource.TestStep{Config: config}
			if tc.importID != "" {
				step.ResourceName, step.ImportState, step.ImportStateId = testResource, true, tc.importID
			}
			if tc.wantFor != nil {
				tc.want = tc.wantFor(e)
			}
			if tc.want != "" {
				step.ExpectError = exactMessage(tc.want)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{step},
			})

			if tc.noRequests {
				if got := e.emu.RequestCounts(); len(got) != 0 {
					t.Errorf("rejected configuration still sent requests to OSS: %v", got)
				}
			}
			if tc.want != "" {
				if err := nothingWritten(e.emu, badDst, "copy"); err != nil {
					t.Error(err)
				}
			} else if ups := e.emu.Uploads(); len(ups) != 0 {
				t.Errorf("multipart uploads left: %+v", ups)
			}
		})
	}
}

// deleteMarker deletes the source object "k" in a versioned bucket and
// returns the version ID of the delete marker.
func deleteMarker(e badInputEnv) string {
	for _, v := range e.emu.ListObjectVersions(badSrc, "k") {
		if v.DeleteMarker {
			return v.VersionID
		}
	}
	return ""
}

// sizeLyingProxy serves the emulator through a reverse proxy that reports
// size as the Content-Length of every HeadObject of key, and returns the
// proxy's endpoint.
func sizeLyingProxy(e badInputEnv, key string, size int64) string {
	return emulatorProxy(e.cleanup, e.emu, nil, func(resp *http.Response) {
		if resp.Request.Method == http.MethodHead && strings.HasSuffix(resp.Request.URL.Path, "/"+key) {
			resp.Header.Set("Content-Length", strconv.FormatInt(size, 10))
		}
	})
}
