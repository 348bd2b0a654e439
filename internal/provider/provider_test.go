package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// realOSSEnv switches the acceptance tests from the in-process emulator to
// real OSS, reached with OSS_REGION, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET
// and optionally OSS_ENDPOINT. Tests that need the emulator's controls skip.
const realOSSEnv = "OSS_ACC_REAL"

// testAccProtoV6ProviderFactories serves the provider under test in-process,
// so terraform-plugin-testing needs no installed provider binary.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"oss": providerserver.NewProtocol6WithError(New("test")()),
}

func TestProvider_Schema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	resp := &provider.SchemaResponse{}
	New("test")().Schema(ctx, provider.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
}

// testOSS is the OSS a test runs against: an emulator of its own, or real
// OSS when realOSSEnv is set. Fixtures go through the SDK in both cases.
type testOSS struct {
	t        *testing.T
	emu      *ossemu.Server // nil against real OSS
	client   *oss.Client
	region   string
	endpoint string
	id       string
	secret   string
	buckets  []string
}

// TestProvider_ConfiguredData checks what the resource and the data sources
// get in Configure: nothing before the provider is configured, and a
// provider-bug error for data of another type.
func TestProvider_ConfiguredData(t *testing.T) {
	var diags diag.Diagnostics
	if pd := configuredData(nil, &diags); pd != nil || diags.HasError() {
		t.Errorf("configuredData(nil) = %v, %v; want nil without errors", pd, diags)
	}
	want := &providerData{region: "cn-hangzhou"}
	if pd := configuredData(want, &diags); pd != want || diags.HasError() {
		t.Errorf("configuredData(%v) = %v, %v; want it back without errors", want, pd, diags)
	}
	if pd := configuredData("not provider data", &diags); pd != nil ||
		diags.ErrorsCount() != 1 || diags[0].Summary() != "Unexpected Provider Data Type" ||
		!strings.Contains(diags[0].Detail(), "string") {
		t.Errorf("configuredData(string) = %v, %v; want nil and one Unexpected Provider Data Type error naming the type", pd, diags)
	}
}

func newTestOSS(t *testing.T, opts ...ossemu.Option) *testOSS {
	t.Helper()
	o := &testOSS{t: t}
	if os.Getenv(realOSSEnv) != "" {
		o.region = os.Getenv("OSS_REGION")
		o.endpoint = os.Getenv("OSS_ENDPOINT")
		o.id = os.Getenv("OSS_ACCESS_KEY_ID")
		o.secret = os.Getenv("OSS_ACCESS_KEY_SECRET")
		if o.region == "" || o.id == "" || o.secret == "" {
			t.Fatalf("%s is set: OSS_REGION, OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET are required", realOSSEnv)
		}
		t.Cleanup(o.removeBuckets)
	} else {
		o.emu = ossemu.NewTestServer(t, opts...)
		o.region, o.endpoint = o.emu.Region(), o.emu.Endpoint()
		o.id, o.secret = o.emu.Credentials()
	}
	o.client = o.newClient()
	return o
}

// newClient is an SDK client for o's region and endpoint.
func (o *testOSS) newClient() *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithRegion(o.region).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.id, o.secret))
	if o.endpoint != "" {
		cfg = cfg.WithEndpoint(o.endpoint)
	}
	return oss.NewClient(cfg)
}

// otherRegion is the same OSS seen through the endpoint of another region
// than o's: cn-shanghai, or cn-hangzhou when o is in cn-shanghai. Its
// fixtures and cleanup go through that endpoint, the only one that serves
// its buckets: the emulator's RegionEndpoint, or OSS's public endpoint.
func (o *testOSS) otherRegion() *testOSS {
	o.t.Helper()
	other := &testOSS{t: o.t, emu: o.emu, region: "cn-shanghai", id: o.id, secret: o.secret}
	if o.region == other.region {
		other.region = "cn-hangzhou"
	}
	if o.emu != nil {
		endpoint, err := o.emu.RegionEndpoint(other.region)
		if err != nil {
			o.t.Fatal(err)
		}
		other.endpoint = endpoint
	} else {
		other.endpoint = "oss-" + other.region + ".aliyuncs.com"
		o.t.Cleanup(other.removeBuckets)
	}
	other.client = other.newClient()
	return other
}

// requireEmulator skips a test that needs a control only the emulator has.
func (o *testOSS) requireEmulator(why string) {
	o.t.Helper()
	if o.emu == nil {
		o.t.Skipf("runs only against the emulator: %s", why)
	}
}

// providerBlock configures the provider for this OSS. Against real OSS the
// provider reads the same environment variables the test does.
func (o *testOSS) providerBlock() string {
	if o.emu == nil {
		return `provider "oss" {}` + "\n"
	}
	return o.providerWith("access_key = " + hcl(o.id) + "\n  secret_key = " + hcl(o.secret))
}

// providerWith configures the provider for this OSS's region and endpoint,
// with other arguments (credentials, client options) given by the test.
func (o *testOSS) providerWith(arguments string) string {
	b := "provider \"oss\" {\n  region = " + hcl(o.region) + "\n"
	if o.endpoint != "" {
		b += "  endpoint = " + hcl(o.endpoint) + "\n"
	}
	return b + "  " + arguments + "\n}\n"
}

// config prepends the provider block to a test configuration.
func (o *testOSS) config(body string) string {
	return o.providerBlock() + body
}

// newBucket creates a bucket with a unique name.
func (o *testOSS) newBucket(versioned bool) string {
	o.t.Helper()
	ctx := context.Background()
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "tfacc-" + hex.EncodeToString(suffix)
	if _, err := o.client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: &name}); err != nil {
		o.t.Fatalf("creating bucket %s: %v", name, err)
	}
	o.buckets = append(o.buckets, name)
	if versioned {
		_, err := o.client.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{
			Bucket:                  &name,
			VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled},
		})
		if err != nil {
			o.t.Fatalf("enabling versioning on %s: %v", name, err)
		}
	}
	return name
}

// put stores an object and returns its version ID ("" when unversioned).
func (o *testOSS) put(bucket, key string, data []byte, header map[string]string) string {
	o.t.Helper()
	req := &oss.PutObjectRequest{Bucket: &bucket, Key: &key, Body: bytes.NewReader(data)}
	req.Headers = header
	res, err := o.client.PutObject(context.Background(), req)
	if err != nil {
		o.t.Fatalf("putting oss://%s/%s: %v", bucket, key, err)
	}
	return oss.ToString(res.VersionId)
}

// get reads the bytes of an object's current version.
func (o *testOSS) get(bucket, key string) ([]byte, error) {
	res, err := o.client.GetObject(context.Background(), &oss.GetObjectRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

func (o *testOSS) head(bucket, key, versionID string) (*oss.HeadObjectResult, error) {
	return headObject(context.Background(), o.client, bucket, key, versionID)
}

// remove deletes an object (or one version of it) out of band.
func (o *testOSS) remove(bucket, key, versionID string) {
	o.t.Helper()
	_, err := o.client.DeleteObject(context.Background(), &oss.DeleteObjectRequest{
		Bucket: &bucket, Key: &key, VersionId: optionalString(versionID),
	})
	if err != nil {
		o.t.Fatalf("deleting oss://%s/%s: %v", bucket, key, err)
	}
}

// uploadsLeft reports multipart uploads still open in the test's buckets.
func (o *testOSS) uploadsLeft() error {
	for _, b := range o.buckets {
		res, err := o.client.ListMultipartUploads(context.Background(), &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr(b)})
		if err != nil {
			return fmt.Errorf("listing uploads in %s: %w", b, err)
		}
		if n := len(res.Uploads); n > 0 {
			return fmt.Errorf("%d multipart upload(s) left in %s, first for key %q", n, b, oss.ToString(res.Uploads[0].Key))
		}
	}
	return nil
}

// expectAction is the plan check of a step whose plan must take action on
// the test's copy, before the apply.
func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testResource, action)}}
}

// checkNothingWritten asserts what a copy that failed before writing
// leaves: no object at bucket/key and no multipart upload.
func (o *testOSS) checkNothingWritten(bucket, key string) error {
	if o.emu != nil {
		return nothingWritten(o.emu, bucket, key)
	}
	if err := o.uploadsLeft(); err != nil {
		return err
	}
	if _, err := o.head(bucket, key, ""); !isNotFound(err) {
		return fmt.Errorf("oss://%s/%s exists after the failed copy (%v)", bucket, key, err)
	}
	return nil
}

// nothingWritten is checkNothingWritten asked of the emulator itself, which
// counts no request for it: tests that count requests see only the copy's.
func nothingWritten(emu *ossemu.Server, bucket, key string) error {
	if ups := emu.Uploads(); len(ups) != 0 {
		return fmt.Errorf("multipart uploads left: %+v", ups)
	}
	if _, err := emu.HeadObject(bucket, key, ""); !errors.Is(err, ossemu.ErrNotFound) {
		return fmt.Errorf("oss://%s/%s exists after the failed copy (%v)", bucket, key, err)
	}
	return nil
}

// checkDestroy asserts that every copy in the state is gone (the version
// it created, in a versioned bucket) and that no multipart upload is left.
func (o *testOSS) checkDestroy(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "oss_object_copy" {
			continue
		}
		a := rs.Primary.Attributes
		_, err := o.head(a["bucket"], a["key"], a["version_id"])
		if err == nil {
			return fmt.Errorf("oss://%s/%s (version %q) still exists", a["bucket"], a["key"], a["version_id"])
		}
		if !isNotFound(err) {
			return err
		}
	}
	return o.uploadsLeft()
}

// checkSameBytes compares a copy with its source byte for byte.
func (o *testOSS) checkSameBytes(srcBucket, srcKey, bucket, key string) func(*terraform.State) error {
	return func(*terraform.State) error {
		want, err := o.get(srcBucket, srcKey)
		if err != nil {
			return err
		}
		got, err := o.get(bucket, key)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("oss://%s/%s: %d bytes differ from the source's %d", bucket, key, len(got), len(want))
		}
		return nil
	}
}

// checkRequests asserts emulator request counts by operation; against
// real OSS there is nothing to count.
func (o *testOSS) checkRequests(want map[string]int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if o.emu == nil {
			return nil
		}
		var errs []error
		for op, n := range want {
			if got := o.emu.RequestCount(op); got != n {
				errs = append(errs, fmt.Errorf("%s requests: got %d, want %d", op, got, n))
			}
		}
		return errors.Join(errs...)
	}
}

// resetRequests starts a new count; a no-op against real OSS.
func (o *testOSS) resetRequests() {
	if o.emu != nil {
		o.emu.ResetCounts()
	}
}

// removeBuckets empties and deletes the buckets a real-OSS test made.
func (o *testOSS) removeBuckets() {
	ctx := context.Background()
	for _, b := range o.buckets {
		p := o.client.NewListObjectVersionsPaginator(&oss.ListObjectVersionsRequest{Bucket: oss.Ptr(b)})
		for p.HasNext() {
			page, err := p.NextPage(ctx)
			if err != nil {
				o.t.Logf("cleanup: listing %s: %v", b, err)
				break
			}
			for _, v := range page.ObjectVersions {
				_, _ = o.client.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(b), Key: v.Key, VersionId: v.VersionId})
			}
			for _, m := range page.ObjectDeleteMarkers {
				_, _ = o.client.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(b), Key: m.Key, VersionId: m.VersionId})
			}
		}
		if _, err := o.client.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(b)}); err != nil {
			o.t.Logf("cleanup: deleting bucket %s: %v", b, err)
		}
	}
}

// emulatorProxy serves emu through a reverse proxy, which cleanup stops at
// the end of the test, and returns the proxy's endpoint. inspect sees every
// request before it is forwarded and modify every answer before the client
// gets it; either may be nil.
func emulatorProxy(cleanup func(func()), emu *ossemu.Server, inspect func(*http.Request), modify func(*http.Response)) string {
	target, _ := url.Parse(emu.Endpoint()) // the emulator's own endpoint always parses
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			if inspect != nil {
				inspect(r.In)
			}
			r.SetURL(target)
			r.Out.Host = r.In.Host // signed requests name the host they were sent to
		},
		ModifyResponse: func(resp *http.Response) error {
			if modify != nil {
				modify(resp)
			}
			return nil
		},
	})
	cleanup(proxy.Close)
	return proxy.URL
}

// hcl quotes a string for a configuration, escaping template sequences.
func hcl(s string) string {
	return fmt.Sprintf("%q", strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s))
}

// checkHead compares response headers of a HeadObject; "" means absent.
func (o *testOSS) checkHead(bucket, key string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		res, err := o.head(bucket, key, "")
		if err != nil {
			return err
		}
		var errs []error
		for name, v := range want {
			if got := res.Headers.Get(name); got != v {
				errs = append(errs, fmt.Errorf("oss://%s/%s %s: got %q, want %q", bucket, key, name, got, v))
			}
		}
		return errors.Join(errs...)
	}
}

// checkTags compares an object's tags.
func (o *testOSS) checkTags(bucket, key string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		res, err := o.client.GetObjectTagging(context.Background(), &oss.GetObjectTaggingRequest{Bucket: &bucket, Key: &key})
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, tag := range res.Tags {
			got[oss.ToString(tag.Key)] = oss.ToString(tag.Value)
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("oss://%s/%s tags: got %v, want %v", bucket, key, got, want)
		}
		return nil
	}
}

// checkACL compares an object's ACL.
func (o *testOSS) checkACL(bucket, key, want string) func(*terraform.State) error {
	return func(*terraform.State) error {
		res, err := o.client.GetObjectAcl(context.Background(), &oss.GetObjectAclRequest{Bucket: &bucket, Key: &key})
		if err != nil {
			return err
		}
		if got := oss.ToString(res.ACL); got != want {
			return fmt.Errorf("oss://%s/%s ACL: got %q, want %q", bucket, key, got, want)
		}
		return nil
	}
}

// copyTest applies config, which copies an object to oss://bucket/key, and
// checks that the copy holds want and that destroy leaves nothing behind.
// It runs in parallel only if the test called t.Parallel, which a test that
// sets environment variables cannot.
func (o *testOSS) copyTest(config, bucket, key, want string) {
	o.t.Helper()
	resource.Test(o.t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  o.checkContent(bucket, key, want),
		}},
	})
}

// checkContent compares an object's current bytes with want.
func (o *testOSS) checkContent(bucket, key, want string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got, err := o.get(bucket, key)
		if err != nil {
			return err
		}
		if string(got) != want {
			return fmt.Errorf("oss://%s/%s: got %q, want %q", bucket, key, got, want)
		}
		return nil
	}
}
