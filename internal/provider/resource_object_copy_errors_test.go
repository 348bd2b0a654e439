package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// errorTest runs one apply that must fail with msg (matched exactly, up to
// Terraform's line wrapping) and leave no copy and no multipart upload.
func errorTest(t *testing.T, o *testOSS, config, msg string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: exactMessage(msg),
		}},
	})
	if err := o.uploadsLeft(); err != nil {
		t.Error(err)
	}
}

func TestAccObjectCopy_MissingSource(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "missing.txt", "")),
		"There is no object at oss://"+src+"/missing.txt. Check source_bucket, source_key and source_version_id.")
}

func TestAccObjectCopy_CrossRegion(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it creates a bucket in a second region")
	dst := o.newBucket(false)
	const src = "tfacc-other-region"
	if err := o.emu.CreateBucket(src, "cn-shanghai"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.emu.PutObject(src, "k", []byte("far away"), nil); err != nil {
		t.Fatal(err)
	}
	errorTest(t, o, o.config(copyConfig(dst, "k", src, "k", "")),
		"The source bucket "+src+" is in region cn-shanghai and the destination bucket "+dst+" is in region "+
			o.region+"; OSS copies objects only within one region.")
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

func TestAccObjectCopy_WrongSecret(t *testing.T) {
	o := newTestOSS(t)
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("k"), nil)
	config := o.providerWith("access_key = "+hcl(o.id)+"\n  secret_key = \"not-the-secret\"") +
		copyConfig(dst, "k", src, "k", "")
	errorTest(t, o, config, "OSS Rejected the Access Key Secret")
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
