package provider

import (
	"bytes"
	"context"
	"hash/crc64"
	"strconv"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const restoreTimesText = "about a minute for Archive, 1 to 12 hours for ColdArchive and 12 to 48 hours for " +
	"DeepColdArchive, depending on the restore tier"

func notRestoredMessage(src, class string) string {
	return "The source object " + src + " is stored as " + class + " and is not restored, so OSS refuses to read " +
		"or copy it. Restore it with RestoreObject (for example ossutil restore " + src + ", or the OSS " +
		"console); a restore takes " + restoreTimesText + `. Once HeadObject shows x-oss-restore: ` +
		`ongoing-request="false", apply again: the copy can be made until the restored state's expiry-date.`
}

func (o *testOSS) restore(bucket, key string) {
	o.t.Helper()
	if _, err := o.client.RestoreObject(context.Background(), &oss.RestoreObjectRequest{Bucket: oss.Ptr(bucket),
		Key: oss.Ptr(key)}); err != nil {
		o.t.Fatal(err)
	}
}

// TestAccObjectCopy_SourceNotCopyable plans copies of sources that OSS
// would not copy as a copy of their bytes. Each plan fails on the source's
// HEAD, naming the source and what to do, and nothing is copied: a
// symbolic link (whose target the diagnostic names, from GetSymlink), an
// appendable object, an Archive object never restored and a ColdArchive
// object still being restored.
func TestAccObjectCopy_SourceNotCopyable(t *testing.T) {
	testCases := map[string]struct {
		emulatorOnly bool
		make         func(o *testOSS, src string)
		summary      string
		detail       func(src, dst string) string
	}{
		"symlink": {
			make: func(o *testOSS, src string) {
				o.put(src, "data/target.bin", []byte("the bytes meant"), nil)
				if _, err := o.client.PutSymlink(context.Background(), &oss.PutSymlinkRequest{Bucket: oss.Ptr(src),
					Key: oss.Ptr("k"), Target: oss.Ptr("data/target.bin")}); err != nil {
					o.t.Fatal(err)
				}
			},
			summary: "Source Is a Symbolic Link",
			detail: func(src, dst string) string {
				return "The source object oss://" + src + "/k is a symbolic link to oss://" + src + "/data/target.bin. " +
					"OSS copies a symbolic link as the link itself, not the object it points to, and the copy " +
					"would look its target up in the destination bucket " + dst + ", where that key may hold " +
					`nothing or another object. Set source_key = "data/target.bin" to copy the object the link ` +
					"points to."
			},
		},
		"appendable": {
			make: func(o *testOSS, src string) {
				if _, err := o.client.AppendObject(context.Background(), &oss.AppendObjectRequest{Bucket: oss.Ptr(src),
					Key: oss.Ptr("k"), Position: oss.Ptr(int64(0)), Body: bytes.NewReader([]byte("log line\n"))}); err != nil {
					o.t.Fatal(err)
				}
			},
			summary: "Source Is an Appendable Object",
			detail: func(src, _ string) string {
				return "The source object oss://" + src + "/k was written by AppendObject, and OSS cannot copy " +
					"appendable objects server-side. Once nothing appends to it any more, write its content as a " +
					"normal object (PutObject or a multipart upload) and point source_key at that."
			},
		},
		"Archive, not restored": {
			make: func(o *testOSS, src string) {
				o.put(src, "k", []byte("frozen"), map[string]string{"x-oss-storage-class": "Archive"})
			},
			summary: "Source Object Is Not Restored",
			detail:  func(src, _ string) string { return notRestoredMessage("oss://"+src+"/k", "Archive") },
		},
		"ColdArchive, being restored": {
			emulatorOnly: true, // OSS's restore may end before the plan
			make: func(o *testOSS, src string) {
				o.put(src, "k", []byte("thawing"), map[string]string{"x-oss-storage-class": "ColdArchive"})
				o.emu.SetRestoreDuration(time.Hour)
				o.restore(src, "k")
			},
			summary: "Source Object Is Being Restored",
			detail: func(src, _ string) string {
				return "The source object oss://" + src + `/k is stored as ColdArchive and its restore is still in ` +
					`progress (x-oss-restore: ongoing-request="true"); OSS copies it only once it is restored, ` +
					"which takes " + restoreTimesText + `. Apply again when HeadObject shows x-oss-restore: ` +
					`ongoing-request="false".`
			},
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			o := newTestOSS(t)
			if tc.emulatorOnly {
				o.requireEmulator("the restore must still be running when terraform plans")
			}
			src, dst := o.newBucket(false), o.newBucket(false)
			tc.make(o, src)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(s *terraform.State) error {
					if err := o.checkNothingWritten(dst, "k"); err != nil {
						return err
					}
					return o.checkRequests(map[string]int{"CopyObject": 0, "InitiateMultipartUpload": 0})(s)
				},
				Steps: []resource.TestStep{{
					Config:      o.config(copyConfig(dst, "k", src, "k", "")),
					PlanOnly:    true,
					ExpectError: diagMessage(tc.summary, tc.detail(src, dst)),
				}},
			})
		})
	}
}

// TestAccObjectCopy_RestoredArchiveSource copies an Archive source while it
// is restored: the copy's bytes and CRC64 are the source's. When the
// restored state later expires, the source is frozen again but its bytes
// did not change, so the next plan is empty: no replacement is planned.
func TestAccObjectCopy_RestoredArchiveSource(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the restored state must expire within the test, on the emulator's clock")
	src, dst := o.newBucket(false), o.newBucket(false)
	data := bytes.Repeat([]byte("archived "), 50000) // 450,000 bytes: five parts of 100,000 bytes
	o.put(src, "k", data, map[string]string{"x-oss-storage-class": "Archive"})
	// One day of the restored state lasts 4 minutes, within the 15 minutes
	// of clock skew that signatures allow.
	o.emu.SetRestoreDay(4 * time.Minute)
	o.restore(src, "k")
	crc := strconv.FormatUint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), 10)

	for name, extra := range map[string]string{"single request": "", "multipart": "part_size = 102400"} {
		t.Run(name, func(t *testing.T) {
			key := "copy-" + strconv.Itoa(len(extra))
			config := o.config(copyConfig(dst, key, src, "k", "storage_class = \"Standard\"\n  "+extra))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             o.checkDestroy,
				Steps: []resource.TestStep{
					{
						PreConfig: func() { o.emu.SetClockSkew(0) },
						Config:    config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(testResource, tfjsonpath.New("crc64"), knownvalue.StringExact(crc)),
						},
						Check: o.checkSameBytes(src, "k", dst, key),
					},
					{
						PreConfig: func() {
							o.emu.SetClockSkew(5 * time.Minute)
							head, err := o.head(src, "k", "")
							if err != nil || head.Restore != nil {
								t.Fatalf("source still restored after its expiry (x-oss-restore %q, %v)",
									oss.ToString(head.Restore), err)
							}
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}

// TestAccObjectCopy_SourceReplacedByArchive replaces a copied source by
// new bytes in the Archive class: the drift check would plan a
// replacement, which deletes the copy before copying the new source, so the
// plan fails instead, saying to restore the source, and the copy stays.
// Once the source is restored, the replacement is planned and applied.
func TestAccObjectCopy_SourceReplacedByArchive(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the source must be restored at once")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte("first bytes"), nil)
	archived := []byte("archived bytes")
	config := o.config(copyConfig(dst, "k", src, "k", ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { o.put(src, "k", archived, map[string]string{"x-oss-storage-class": "Archive"}) },
				Config:      config,
				ExpectError: diagMessage("Source Object Is Not Restored", notRestoredMessage("oss://"+src+"/k", "Archive")),
			},
			{
				PreConfig: func() {
					if got, err := o.get(dst, "k"); err != nil || string(got) != "first bytes" {
						t.Fatalf("the copy is %q (%v) after the failed plan, want the first bytes", got, err)
					}
					o.restore(src, "k")
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("crc64"), knownvalue.StringExact(
						strconv.FormatUint(crc64.Checksum(archived, crc64.MakeTable(crc64.ECMA)), 10))),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("storage_class"), knownvalue.StringExact("Archive")),
				},
			},
		},
	})
}
