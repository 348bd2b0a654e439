package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// prefixRelayArgs reads the source from region far.
func prefixRelayArgs(far *testOSS, extra string) string {
	return fmt.Sprintf("source_region   = %s\n  source_endpoint = %s\n  %s", hcl(far.region), hcl(far.endpoint), extra)
}

// checkCopiesSameCRC64 compares each copy under dst/"out/" with its source
// under src/"in/" (as prefixCopyConfig copies) by CRC64 and size, each read
// in its own region.
func checkCopiesSameCRC64(srcOSS *testOSS, src string, o *testOSS, dst string, keys ...string) resource.TestCheckFunc {
	checks := make([]resource.TestCheckFunc, len(keys))
	for i, k := range keys {
		checks[i] = checkSameCRC64(srcOSS, src, "in/"+k, o, dst, "out/"+k)
	}
	return resource.ComposeTestCheckFunc(checks...)
}

// expectRelayed checks that a plan relays the copy, and how many bytes.
func expectRelayed(relayBytes int64) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("copy_method"), knownvalue.StringExact(copyRelay)),
		plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(relayBytes)),
	}
}

// TestAccPrefixCopy_RelayAcrossRegions copies a prefix from a bucket in
// another region: the plan says the copy is a relay of every byte, each
// copy has its source's CRC64 and none was made on the server side, an
// unchanged prefix plans nothing, a copy overwritten at the destination is
// relayed again (and only it), and destroy deletes exactly the copies.
func TestAccPrefixCopy_RelayAcrossRegions(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	far.put(src, "in/a.txt", []byte("alpha"), nil)
	far.put(src, "in/dir/big.bin", testData(relaySize, 5), nil)
	far.put(src, "in/empty", nil, nil)
	o.put(dst, "out/unrelated.txt", []byte("not a copy"), nil)
	keys := []string{"a.txt", "dir/big.bin", "empty"}
	total := int64(len("alpha")) + relaySize
	config := prefixCopyConfig(o, src, dst, prefixRelayArgs(far, ""))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			o.checkPrefix(dst, "out/", map[string]string{"unrelated.txt": "not a copy"}),
			func(*terraform.State) error { return o.uploadsLeft() },
		),
		Steps: []resource.TestStep{
			{
				PreConfig: o.resetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectRelayed(total),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("objects_to_copy"), knownvalue.Int64Exact(3)),
					plancheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("bytes_to_copy"), knownvalue.Int64Exact(total)),
				)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("copy_method"), knownvalue.StringExact(copyRelay)),
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(total)),
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("object_count"), knownvalue.Int64Exact(3)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCopiesSameCRC64(far, src, o, dst, keys...),
					o.checkRequests(map[string]int{"CopyObject": 0, "UploadPartCopy": 0}),
					func(*terraform.State) error { return o.uploadsLeft() },
				),
			},
			// Unchanged: the plan lists each prefix once (the refresh does not).
			o.unchangedPrefixStep(config),
			{
				// Overwritten at the destination: relayed again, alone.
				PreConfig: func() {
					o.put(dst, "out/a.txt", []byte("tampered"), nil)
					o.resetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(
					expectPrefixPlan(1, 5, 0, "overwritten at destination: a.txt"), expectRelayed(5)...)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(5)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCopiesSameCRC64(far, src, o, dst, keys...),
					o.checkRequests(map[string]int{"UploadPart": 1, "CopyObject": 0, "UploadPartCopy": 0}),
				),
			},
		},
	})
}

// TestAccPrefixCopy_RelaySourceKeysWriteOnly lists and copies a prefix of
// another account's bucket with that account's key pair, given write-only:
// every plan lists the source with it, from the configuration, and neither
// the key ID nor the secret is stored in the state.
func TestAccPrefixCopy_RelaySourceKeysWriteOnly(t *testing.T) {
	const otherID, otherSecret = "LTAIprefixRelayKey01", "prefix-relay-secret"
	const src = "prefix-relay-source"
	o := newOtherAccountOSS(t, otherID, otherSecret, src)
	for k, v := range map[string]string{"in/a.txt": "alpha", "in/b/c.txt": "charlie"} {
		if _, err := o.emu.PutObject(src, k, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
	}
	dst := o.newBucket(false)
	credentials := sourceKeysBlock(otherID, otherSecret)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkPrefix(dst, "out/", map[string]string{}),
		Steps: []resource.TestStep{
			{
				// With the provider's credentials OSS refuses the source.
				Config:      prefixCopyConfig(o, src, dst, ""),
				ExpectError: exactMessage("Listing the source objects under oss://" + src + "/in/ failed."),
			},
			{
				Config:           prefixCopyConfig(o, src, dst, credentials),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectRelayed(int64(len("alpha") + len("charlie")))},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("source_credentials").AtMapKey("access_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("source_credentials").AtMapKey("secret_key"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					o.checkPrefix(dst, "out/", map[string]string{"a.txt": "alpha", "b/c.txt": "charlie"}),
					checkStateHasNo(otherID, otherSecret),
				),
			},
			{
				// A source object changed: found by the plan, with the keys.
				PreConfig: func() {
					if _, err := o.emu.PutObject(src, "in/a.txt", []byte("alpha, revised"), nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:           prefixCopyConfig(o, src, dst, credentials),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectPrefixPlan(1, 14, 0, "changed: a.txt")},
				Check:            o.checkPrefix(dst, "out/", map[string]string{"a.txt": "alpha, revised", "b/c.txt": "charlie"}),
			},
		},
	})
}

// TestAccPrefixCopy_RelayFailedPart fails one part of a relayed object: the
// object is named with the OSS error, its multipart upload is aborted (no
// upload is left), the other object is copied and recorded, and the next
// apply relays only the failed one.
func TestAccPrefixCopy_RelayFailedPart(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("injects a failure")
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	far.put(src, "in/a.txt", []byte("alpha"), nil)
	config := prefixCopyConfig(o, src, dst, prefixRelayArgs(far, "parallelism = 1"))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// One object at a time, in key order: b.bin first, whose three
				// parts go at once; the second part to arrive is refused.
				PreConfig: func() {
					far.put(src, "in/b.bin", testData(relaySize, 6), nil)
					far.put(src, "in/c.txt", []byte("charlie"), nil)
					o.emu.AddFault(ossemu.Fault{Op: "UploadPart", Bucket: dst, Nth: 2, Code: "AccessDenied"})
				},
				Config:      config,
				ExpectError: deniedCopyError(src, dst, "b.bin", "UploadPart", 2, 1),
			},
			{
				PreConfig: func() {
					if err := o.uploadsLeft(); err != nil {
						t.Errorf("after the failed part: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(
					expectPrefixPlan(1, relaySize, 0, "added: b.bin"), expectRelayed(relaySize)...)},
				Check: resource.ComposeTestCheckFunc(
					checkCopiesSameCRC64(far, src, o, dst, "a.txt", "b.bin", "c.txt"),
					func(*terraform.State) error { return o.uploadsLeft() },
				),
			},
		},
	})
}

// TestAccPrefixCopy_RelayUnknownAtPlan relays from an endpoint known only
// at apply: the plan cannot tell the copy method, nor list the source, and
// leaves them unknown; the apply, planned again once the endpoint is known,
// relays the prefix and records it as a relay.
func TestAccPrefixCopy_RelayUnknownAtPlan(t *testing.T) {
	o := newTestOSS(t)
	far := o.otherRegion()
	src, dst := far.newBucket(false), o.newBucket(false)
	far.put(src, "in/a.txt", []byte("alpha"), nil)
	config := o.config(fmt.Sprintf(`
resource "terraform_data" "later" {}

resource "oss_prefix_copy" "test" {
  source_bucket   = %s
  source_prefix   = "in/"
  source_region   = %s
  source_endpoint = "%s${substr(terraform_data.later.id, 0, 0)}"
  bucket          = %s
  prefix          = "out/"
}
`, hcl(src), hcl(far.region), far.endpoint, hcl(dst)))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(prefixCopyAddr, tfjsonpath.New("copy_method")),
				plancheck.ExpectUnknownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("copy_method"), knownvalue.StringExact(copyRelay)),
				statecheck.ExpectKnownValue(prefixCopyAddr, tfjsonpath.New("relay_bytes"), knownvalue.Int64Exact(5)),
			},
			Check: checkCopiesSameCRC64(far, src, o, dst, "a.txt"),
		}},
	})
}

// failFirstRelayedApply runs a first, relayed apply of three objects of
// which one fails: Terraform taints the resource, and the error says that
// terraform untaint lets the next apply copy only what is left.
func failFirstRelayedApply(t *testing.T) (cli *terraformCLI, o, far *testOSS, src, dst string) {
	t.Helper()
	cli = newTerraformCLI(t)
	o = newTestOSS(t)
	o.requireEmulator("injects a failure")
	far = o.otherRegion()
	src, dst = far.newBucket(false), o.newBucket(false)
	far.put(src, "in/a.txt", []byte("alpha"), nil)
	far.put(src, "in/b.bin", testData(relaySize, 7), nil)
	far.put(src, "in/c.txt", []byte("charlie"), nil)
	// One object at a time, in key order: a.txt's one part is the first
	// UploadPart, and one of b.bin's three parts the second.
	o.emu.AddFault(ossemu.Fault{Op: "UploadPart", Bucket: dst, Nth: 2, Code: "AccessDenied"})
	cli.writeConfig(prefixCopyConfig(o, src, dst, prefixRelayArgs(far, "parallelism = 1")))

	out, err := cli.run("apply", "-auto-approve")
	if err == nil {
		t.Fatalf("the first apply succeeded despite the refused part\n%s", out)
	}
	if want := exactMessage("This was the resource's first apply, so Terraform marks it tainted, and the " +
		"next apply would replace it and copy every object again: run terraform untaint on it first to copy " +
		"only what is left."); !want.MatchString(out) {
		t.Fatalf("the error does not advise terraform untaint\n%s", failureOutput(out))
	}
	if err := o.uploadsLeft(); err != nil {
		t.Fatalf("after the failed first apply: %v", err)
	}
	o.resetRequests()
	return cli, o, far, src, dst
}

// TestAccPrefixCopy_RelayFirstApplyUntaint untaints the resource after a
// failed first apply, as the error advises: the next apply relays only the
// failed object and deletes none.
func TestAccPrefixCopy_RelayFirstApplyUntaint(t *testing.T) {
	t.Parallel()
	cli, o, far, src, dst := failFirstRelayedApply(t)
	cli.mustRun("untaint", prefixCopyAddr)
	cli.mustRun("apply", "-auto-approve")
	if err := o.checkRequests(map[string]int{"UploadPart": 3, "DeleteMultipleObjects": 0, "CopyObject": 0})(nil); err != nil {
		t.Errorf("the apply after untaint: %v", err)
	}
	if err := checkCopiesSameCRC64(far, src, o, dst, "a.txt", "b.bin", "c.txt")(nil); err != nil {
		t.Error(err)
	}
}

// TestAccPrefixCopy_RelayFirstApplyReplaced applies again after a failed
// first apply without untainting: Terraform replaces the resource, whose
// Delete is not given the manifest, so it deletes nothing and says so, and
// the new copy relays every object again, over the copies made.
// Reference: the replacement failed with "Invalid Private State: the
// manifest is missing" before Delete handled it.
func TestAccPrefixCopy_RelayFirstApplyReplaced(t *testing.T) {
	t.Parallel()
	cli, o, far, src, dst := failFirstRelayedApply(t)
	out := cli.mustRun("apply", "-auto-approve")
	if want := exactMessage("Warning: Copies Left in Place"); !want.MatchString(out) {
		t.Errorf("no warning that the copies were left in place\n%s", out)
	}
	if err := o.checkRequests(map[string]int{"UploadPart": 5, "DeleteMultipleObjects": 0, "CopyObject": 0})(nil); err != nil {
		t.Errorf("the replacing apply: %v", err)
	}
	if err := checkCopiesSameCRC64(far, src, o, dst, "a.txt", "b.bin", "c.txt")(nil); err != nil {
		t.Error(err)
	}
	if err := o.uploadsLeft(); err != nil {
		t.Error(err)
	}
}
