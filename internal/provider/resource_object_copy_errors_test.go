package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// errorTest runs one apply that must fail with msg (matched exactly, up to
// Terraform's line wrapping) and leave no copy and no multipart upload.
func errorTest(t *testing.T, o *testOSS, config, msg string) {
	t.Helper()
	errorTestMatching(t, o, config, exactMessage(msg))
}

// errorTestMatching is errorTest with a pattern for the error.
func errorTestMatching(t *testing.T, o *testOSS, config string, re *regexp.Regexp) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: re,
		}},
	})
	if err := o.uploadsLeft(); err != nil {
		t.Error(err)
	}
}

// planErrorTest plans (only) the configuration, which must fail with re.
func planErrorTest(t *testing.T, o *testOSS, config string, re *regexp.Regexp) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: re,
		}},
	})
}

func TestAccObjectCopy_MissingSource(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "missing.txt", "")),
		"There is no object at oss://"+src+"/missing.txt. Check source_bucket, source_key and source_version_id.")
}

// TestAccObjectCopy_CrossRegion copies from a bucket in another region than
// the provider's: OSS refuses the source's HEAD with the endpoint of the
// bucket's region, and the plan fails.
func TestAccObjectCopy_CrossRegion(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	far.put(src, "far/k.txt", []byte("far away"), nil)
	configured := "region " + o.region
	if o.endpoint != "" {
		configured += " (endpoint " + o.endpoint + ")"
	}
	msg := exactMessage("Reading the source object oss://" + src + "/far/k.txt to plan its copy to oss://" + dst +
		"/k failed. The source bucket " +
		src + " is in region " + far.region + " (endpoint oss-" + far.region + ".aliyuncs.com), but the provider is configured for " +
		configured + ". OSS copies objects only within one region, and serves a bucket only through the " +
		"endpoint of its own region. To copy oss://" + src + "/far/k.txt from there, set source_region = \"" +
		far.region + "\" (and source_endpoint when that region's public endpoint is not the one to use): the " +
		"copy then relays the bytes through the machine that runs Terraform. To copy on OSS's side instead, use " +
		"a destination bucket in region " + far.region + " and a provider configured for that region (for " +
		"example an aliased provider block with region = \"" + far.region + "\"). OSS operation: HeadObject " +
		"OSS error code: AccessDenied (HTTP 403)")
	planErrorTest(t, o, o.config(copyConfig(dst, "k", src, "far/k.txt", "")),
		regexp.MustCompile(`Error: Source Bucket in Another Region[\s\S]*`+msg.String()+
			`\s+Request\s+ID:\s+[0-9A-F]{24}\s+OSS\s+EC:\s+0003-00001403`))
}

// TestAccObjectCopy_CrossRegionDestination copies into a bucket in another
// region than the provider's, where the source is: OSS refuses the upload.
func TestAccObjectCopy_CrossRegionDestination(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	src, dst := o.newBucket(false), far.newBucket(false)
	o.put(src, "k", []byte("here"), nil)
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "k", "")),
		"The destination bucket "+dst+" is in region "+far.region+" (endpoint oss-"+far.region+
			".aliyuncs.com), but the provider is configured for region "+o.region)
	if err := far.uploadsLeft(); err != nil {
		t.Error(err)
	}
}

func TestAccObjectCopy_RetentionPolicy(t *testing.T) {
	o := newTestOSS(t)
	// A locked retention policy cannot be removed: a real bucket would stay.
	o.requireEmulator("a locked retention policy would leave a real bucket that cannot be deleted")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	if err := o.emu.LockBucketRetention(dst, 1); err != nil {
		t.Fatal(err)
	}
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "k", "")),
		"A retention (WORM) policy protects the object: OSS refuses to copy into or out of a bucket under retention")
}

func TestAccObjectCopy_ForbidOverwrite(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("new"), nil)
	o.put(dst, "k", []byte("already there"), nil)
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "k", "forbid_overwrite = true")),
		"An object already exists at oss://"+dst+"/k and forbid_overwrite is true.")
	if err := o.checkContent(dst, "k", "already there")(nil); err != nil {
		t.Error(err)
	}
}

// TestAccObjectCopy_WrongSecret plans with a secret that does not belong
// to the access key ID: the plan fails and says which argument to check.
func TestAccObjectCopy_WrongSecret(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	config := o.providerWith("access_key = "+hcl(o.id)+"\n  secret_key = \"not-the-secret\"") +
		copyConfig(dst, "k", src, "k", "")
	planErrorTest(t, o, config, withRequestID(diagMessage("OSS Rejected the Access Key Secret",
		"Reading the source object oss://"+src+"/k to plan its copy to oss://"+dst+"/k failed. The request "+
			"signature does not match: the access key secret does not belong to the access key ID. Check the "+
			"secret: \"secret_key\" or OSS_ACCESS_KEY_SECRET, ALICLOUD_SECRET_KEY, ALIBABA_CLOUD_ACCESS_KEY_SECRET. "+
			"OSS operation: HeadObject OSS error code: SignatureDoesNotMatch (HTTP 403)")))
}

// TestAccObjectCopy_UnknownAccessKey plans with an access key ID that OSS
// does not know: the plan fails and says which argument to check.
func TestAccObjectCopy_UnknownAccessKey(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	config := o.providerWith("access_key = \"LTAI-no-such-key\"\n  secret_key = "+hcl(o.secret)) +
		copyConfig(dst, "k", src, "k", "")
	planErrorTest(t, o, config, withRequestID(diagMessage("Invalid OSS Access Key ID",
		"Reading the source object oss://"+src+"/k to plan its copy to oss://"+dst+"/k failed. OSS does not "+
			"know the access key ID in use. Check the access key ID: \"access_key\" or OSS_ACCESS_KEY_ID, "+
			"ALICLOUD_ACCESS_KEY, ALIBABA_CLOUD_ACCESS_KEY_ID. OSS operation: HeadObject OSS error code: "+
			"InvalidAccessKeyId (HTTP 403)")))
}

// TestAccObjectCopy_ConnectionRefused needs no server: nothing listens on
// port 1, and the apply must give up within seconds, not minutes.
func TestAccObjectCopy_ConnectionRefused(t *testing.T) {
	t.Parallel()
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: offlineProvider + copyConfig("dst-bucket", "k", "src-bucket", "k", ""),
			ExpectError: exactMessage(`The provider could not connect to the OSS endpoint http://127.0.0.1:1. ` +
				`Check "endpoint" and "region" (or OSS_ENDPOINT and OSS_REGION, ALICLOUD_REGION, ` +
				`ALIBABA_CLOUD_REGION) and the network.`),
		}},
	})
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("a refused connection took %s to fail", elapsed)
	}
}

// TestAccObjectCopy_RetentionOnDestroy locks the destination bucket after
// the copy: destroy must fail and explain the retention, and succeed once
// the retention period is over.
func TestAccObjectCopy_RetentionOnDestroy(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("a locked retention policy would leave a real bucket that cannot be deleted")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	config := o.config(copyConfig(dst, "k", src, "k", ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := o.emu.LockBucketRetention(dst, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				Destroy:     true,
				ExpectError: exactMessage("Object Is Immutable (Retention Policy)"),
			},
			{
				// Two days later the retention is over; the SDK corrects its
				// clock to the server's on the first RequestTimeTooSkewed.
				PreConfig: func() { o.emu.SetClockSkew(48 * time.Hour) },
				Config:    config,
			},
		},
	})
}

// TestCopyErrorDiag_DifferentRegions covers OSS's refusal of the copy itself,
// which only an endpoint that reaches buckets of several regions lets
// through (the emulator, like OSS's regional endpoints, refuses earlier).
func TestCopyErrorDiag_DifferentRegions(t *testing.T) {
	t.Parallel()
	r := &objectCopyResource{data: &providerData{region: "cn-hangzhou"}}
	p := objectcopy.Params{SourceBucket: "src", SourceKey: "k", Bucket: "dst", Key: "k"}
	err := &objectcopy.Error{Op: "UploadPartCopy", Bucket: "dst", Key: "k", Err: &oss.ServiceError{
		Code: "AccessDenied", StatusCode: 403, RequestID: "RID",
		Message: "Target object does not reside in the same data center as source object.",
	}}
	d := r.copyErrorDiag(context.Background(), p, err)
	if d.Summary() != "Cross-Region Copy Not Supported" || !strings.Contains(d.Detail(), "The source bucket src and the "+
		"destination bucket dst are in different regions; OSS copies objects only within one region.") ||
		!strings.Contains(d.Detail(), "OSS error code: AccessDenied (HTTP 403)\nRequest ID: RID") {
		t.Errorf("diagnostic %q:\n%s", d.Summary(), d.Detail())
	}
}
