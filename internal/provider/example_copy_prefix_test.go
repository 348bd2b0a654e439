package provider

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	recipeSourcePrefix = "golden/fixtures/v3/"
	recipeDestPrefix   = "seed/"
)

// recipeObject is a source object of the copy-prefix recipe test, by its
// path relative to the source prefix.
type recipeObject struct {
	path string
	size int64
	// seed picks the content; a generated object is large, stored without
	// its bytes and copied in parts.
	seed      uint64
	generated bool
}

// recipeSources returns the 50 objects the recipe copies: mostly small,
// some empty, five above the copy engine's 16 MiB single-request limit, so
// copied in parts, with keys that need encoding in listings, URLs and
// Terraform addresses.
func recipeSources() []recipeObject {
	odd := []string{
		"a b.txt", "\u00fcber/\u6587\u4ef6.json", "c++/x+y.txt", "100%/p%20q.bin", "what?.txt",
		"#tag.md", "k=v/eq=.csv", "deep/a/b/c/d.txt", "empty.bin", "sp ace/ lead.txt",
	}
	var objs []recipeObject
	for i, p := range odd {
		objs = append(objs, recipeObject{path: p, size: int64(i * 97), seed: uint64(i)})
	}
	for i := range 35 {
		objs = append(objs, recipeObject{path: fmt.Sprintf("data/part-%02d.csv", i), size: int64(i * 1031), seed: uint64(100 + i)})
	}
	for i, mib := range []int64{17, 24, 100, 256, 1024} {
		objs = append(objs, recipeObject{path: fmt.Sprintf("big/blob-%d.bin", i), size: mib << 20, seed: uint64(200 + i), generated: true})
	}
	return objs
}

// putRecipeObject stores a source object straight into the emulator.
func putRecipeObject(t *testing.T, o *testOSS, bucket string, obj recipeObject) {
	t.Helper()
	key := recipeSourcePrefix + obj.path
	var err error
	if obj.generated {
		_, err = o.emu.PutGeneratedObject(bucket, key, obj.size, obj.seed, nil)
	} else {
		_, err = o.emu.PutObject(bucket, key, testData(obj.size, byte(obj.seed)), nil)
	}
	if err != nil {
		t.Fatalf("putting %s: %v", key, err)
	}
}

// recipeAddr is the address of the copy of a relative path.
func recipeAddr(path string) string {
	return `oss_object_copy.this["` + path + `"]`
}

// recipeDir is the recipe's directory, used as the root module as it is.
func recipeDir(t *testing.T) config.TestStepConfigFunc {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "copy-prefix"))
	if err != nil {
		t.Fatal(err)
	}
	return config.StaticDirectory(dir)
}

// stateCheckFunc runs a check of OSS itself as a state check. Step checks
// (TestCheckFunc) cannot be used here: terraform-plugin-testing converts the
// state for them into a legacy form that has no for_each instances.
type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// checkPrefixCopied asserts that the destination bucket holds exactly the
// given relative paths under the destination prefix, each with its
// source's size and CRC64.
func checkPrefixCopied(o *testOSS, src, dst string, paths func() []string) statecheck.StateCheck {
	return stateCheckFunc(func() error {
		listed, err := listObjects(context.Background(), o.client, &oss.ListObjectsV2Request{Bucket: &dst}, 0)
		if err != nil {
			return err
		}
		var got []string
		for _, obj := range listed.objects {
			got = append(got, oss.ToString(obj.Key))
		}
		var want []string
		for _, p := range paths() {
			want = append(want, recipeDestPrefix+p)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("destination keys:\n got %q\nwant %q", got, want)
		}
		for _, p := range paths() {
			s, err := o.emu.HeadObject(src, recipeSourcePrefix+p, "")
			if err != nil {
				return err
			}
			d, err := o.emu.HeadObject(dst, recipeDestPrefix+p, "")
			if err != nil {
				return err
			}
			if d.Size != s.Size || d.CRC64 != s.CRC64 {
				return fmt.Errorf("%q: copy has size %d and CRC64 %d, source %d and %d", p, d.Size, d.CRC64, s.Size, s.CRC64)
			}
		}
		return nil
	})
}

// TestAccExampleCopyPrefix runs examples/copy-prefix: it copies 50 objects,
// measures what a plan of them costs, refresh included, then changes the
// source and checks that the plan touches exactly the changed objects.
//
// The recipe runs unchanged as the root module, as a user would run it: it
// names the provider by its published address, ossprovider/oss, so the
// in-process provider is served under that namespace, and the provider is
// configured from the environment. Both are process-wide, which is why
// this test does not run in parallel.
func TestAccExampleCopyPrefix(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("large sources are generated in the emulator and requests are counted")
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ossprovider")
	t.Setenv("OSS_REGION", o.region)
	t.Setenv("OSS_ENDPOINT", o.endpoint)
	t.Setenv("OSS_ACCESS_KEY_ID", o.id)
	t.Setenv("OSS_ACCESS_KEY_SECRET", o.secret)
	src, dst := o.newBucket(false), o.newBucket(false)
	vars := config.Variables{
		"source_bucket":      config.StringVariable(src),
		"source_prefix":      config.StringVariable(recipeSourcePrefix),
		"destination_bucket": config.StringVariable(dst),
		"destination_prefix": config.StringVariable(recipeDestPrefix),
	}
	emptyVars := maps.Clone(vars)
	emptyVars["source_prefix"] = config.StringVariable("nothing-here/")

	objs := recipeSources()
	paths := map[string]recipeObject{}
	var total int64
	for _, obj := range objs {
		putRecipeObject(t, o, src, obj)
		paths[obj.path] = obj
		total += obj.size
	}
	// Not copied: the prefix's own placeholder, and neighbours that share
	// the prefix without its trailing slash.
	for _, k := range []string{recipeSourcePrefix, "golden/fixtures/v3", "golden/fixtures/v30/x.txt"} {
		if _, err := o.emu.PutObject(src, k, []byte("not copied"), nil); err != nil {
			t.Fatal(err)
		}
	}
	current := func() []string { return slices.Sorted(maps.Keys(paths)) }
	n := len(objs)

	// The source changes between the first apply and the last plan.
	added := []recipeObject{
		{path: "new file.txt", size: 5, seed: 1},
		{path: "\u00fcber/\u65b0 #2?.txt", size: 300, seed: 2},
	}
	changed := []recipeObject{
		{path: "a b.txt", size: 11, seed: 77},
		{path: "big/blob-1.bin", size: 30 << 20, seed: 999, generated: true},
	}
	removed := []string{"what?.txt", "deep/a/b/c/d.txt"}
	changeSource := func() {
		for _, obj := range append(slices.Clone(added), changed...) {
			putRecipeObject(t, o, src, obj)
			paths[obj.path] = obj
		}
		for _, p := range removed {
			o.remove(src, recipeSourcePrefix+p, "")
			delete(paths, p)
		}
	}
	// Every copy the plan must touch, and every other one, which it must not.
	expectAction := map[string]plancheck.ResourceActionType{}
	for p := range paths {
		expectAction[p] = plancheck.ResourceActionNoop
	}
	for _, obj := range added {
		expectAction[obj.path] = plancheck.ResourceActionCreate
	}
	for _, obj := range changed {
		expectAction[obj.path] = plancheck.ResourceActionReplace
	}
	for _, p := range removed {
		expectAction[p] = plancheck.ResourceActionDestroy
	}
	var changePlan []plancheck.PlanCheck
	for _, p := range slices.Sorted(maps.Keys(expectAction)) {
		changePlan = append(changePlan, plancheck.ExpectResourceAction(recipeAddr(p), expectAction[p]))
	}

	var createPlan []plancheck.PlanCheck
	var multipartChecks []statecheck.StateCheck
	for _, obj := range objs {
		createPlan = append(createPlan, plancheck.ExpectResourceAction(recipeAddr(obj.path), plancheck.ResourceActionCreate))
		if obj.generated {
			// A multipart ETag ends in the number of parts.
			multipartChecks = append(multipartChecks, statecheck.ExpectKnownValue(recipeAddr(obj.path),
				tfjsonpath.New("etag"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-F]{32}-\d+$`))))
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			listed, err := listObjects(context.Background(), o.client, &oss.ListObjectsV2Request{Bucket: &dst}, 0)
			if err != nil {
				return err
			}
			if len(listed.objects) > 0 {
				return fmt.Errorf("%d copies left after destroy, first %q", len(listed.objects), oss.ToString(listed.objects[0].Key))
			}
			return o.uploadsLeft()
		},
		Steps: []resource.TestStep{
			{
				// Copy all 50, and nothing else under or next to the prefix.
				ConfigDirectory:  recipeDir(t),
				ConfigVariables:  vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createPlan},
				ConfigStateChecks: append(multipartChecks,
					statecheck.ExpectKnownOutputValue("object_count", knownvalue.Int64Exact(int64(n))),
					statecheck.ExpectKnownOutputValue("total_bytes", knownvalue.Int64Exact(total)),
					statecheck.ExpectKnownValue(recipeAddr("100%/p%20q.bin"), tfjsonpath.New("key"),
						knownvalue.StringExact(recipeDestPrefix+"100%/p%20q.bin")),
					checkPrefixCopied(o, src, dst, current),
				),
			},
			{
				// terraform plan: without refresh, each copy asks whether its
				// source changed (one HeadObject); the refresh adds one
				// HeadObject per copy to read it. Either way one listing.
				// (A RefreshState step cannot be used: see stateCheckFunc.)
				PreConfig:       o.resetRequests,
				ConfigDirectory: recipeDir(t),
				ConfigVariables: vars,
				PlanOnly:        true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{o.expectRequests(map[string]int{"HeadObject": n, "ListObjectsV2": 1})},
					PostApplyPostRefresh: []plancheck.PlanCheck{o.expectRequests(map[string]int{"HeadObject": 2 * n, "ListObjectsV2": 1})},
				},
			},
			{
				// Two objects added, two changed, two removed: the plan creates,
				// replaces and destroys exactly their copies.
				PreConfig:        changeSource,
				ConfigDirectory:  recipeDir(t),
				ConfigVariables:  vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: changePlan},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("object_count", knownvalue.Int64Exact(int64(n))),
					checkPrefixCopied(o, src, dst, current),
				},
			},
			{
				// An empty prefix destroys every copy. This step also leaves a
				// state without for_each instances, which the post-test
				// destroy needs (see stateCheckFunc).
				ConfigDirectory: recipeDir(t),
				ConfigVariables: emptyVars,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("object_count", knownvalue.Int64Exact(0)),
					checkPrefixCopied(o, src, dst, func() []string { return nil }),
				},
			},
		},
	})
}
