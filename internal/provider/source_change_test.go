package provider

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestAccObjectCopy_SourceChangesMidCopy overwrites the source between two
// part copies of an apply. The apply must fail saying that the source
// changed, leave no object and no upload, and the next apply must copy the
// new source.
func TestAccObjectCopy_SourceChangesMidCopy(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the source is changed between two part copies with the emulator's fault injection")
	src, dst := o.newBucket(false), o.newBucket(false)
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	o.put(src, "k", random(4*102400), nil)
	newContent := random(4*102400 + 7)
	config := o.config(copyConfig(dst, "k", src, "k", "part_size = 102400\n  parallelism = 1"))
	overwritten := make(chan struct{})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// The second part copy waits before it is served; the
					// source is overwritten as soon as it has arrived.
					o.emu.AddFault(ossemu.Fault{Op: "UploadPartCopy", Nth: 2, Delay: 500 * time.Millisecond})
					go func() {
						defer close(overwritten)
						if !waitFor(time.Minute, func() bool { return o.emu.RequestCount("UploadPartCopy") >= 2 }) {
							t.Error("the second part copy never came")
							return
						}
						if _, err := o.emu.PutObject(src, "k", newContent, nil); err != nil {
							t.Error(err)
						}
					}()
				},
				Config: config,
				ExpectError: exactMessage("The source object changed while it was being copied, so the copy was " +
					"abandoned and its multipart upload aborted; nothing was written. Apply again to copy the " +
					"source as it is now, or pin a version with source_version_id."),
			},
			{
				PreConfig: func() {
					<-overwritten
					o.emu.ClearFaults()
					if err := o.checkNothingWritten(dst, "k"); err != nil {
						t.Error(err)
					}
				},
				Config: config,
				Check:  o.checkSameBytes(src, "k", dst, "k"),
			},
		},
	})
}

// TestAccObjectCopy_SourceChangesAfterPlan overwrites the source after the
// plan Terraform makes at apply read it, while the first request that the
// plan pinned to that read (the CopyObject, or a multipart copy's first
// UploadPartCopy) is on its way. The apply must fail naming the source (and
// both ETags, where it knows the source changed before the copy began) and
// write nothing, no upload left; the next apply copies the new source.
func TestAccObjectCopy_SourceChangesAfterPlan(t *testing.T) {
	const changedSincePlan = `Source Object Changed Since Plan(.|\n)*oss://%s/k\s+had\s+ETag\s+%s\s+when\s+this\s+` +
		`apply\s+planned\s+the\s+copy\s+and\s+has\s+ETag\s+[0-9A-F]{32}\s+now,\s+so\s+nothing\s+was\s+copied\.`
	// A multipart copy cannot tell whether the source changed before its
	// first part or between parts, so it says so.
	const changedDuring = `Source Object Changed During Copy(.|\n)*oss://%s/k\s+to\s+oss://%s/k\s+failed\.(.|\n)*` +
		`its\s+multipart\s+upload\s+aborted;\s+nothing\s+was\s+written\.(.|\n)*OSS\s+error\s+code:\s+PreconditionFailed`
	for name, tc := range map[string]struct {
		size  int64
		op    string
		extra string
		want  func(src, dst string, planned ossemu.ObjectInfo) string
	}{
		"one CopyObject": {size: 1000, op: "CopyObject", want: func(src, _ string, planned ossemu.ObjectInfo) string {
			return fmt.Sprintf(changedSincePlan, src, trimETag(planned.ETag))
		}},
		"multipart": {size: 3*objectcopy.MinPartSize + 1, op: "UploadPartCopy",
			extra: fmt.Sprintf("part_size = %d", objectcopy.MinPartSize),
			want: func(src, dst string, _ ossemu.ObjectInfo) string {
				return fmt.Sprintf(changedDuring, src, dst)
			}},
	} {
		t.Run(name, func(t *testing.T) {
			o := newTestOSS(t)
			o.requireEmulator("the source is changed while the emulator holds the copy back")
			src, dst := o.newBucket(false), o.newBucket(false)
			o.put(src, "k", testData(tc.size, 5), nil)
			planned, err := o.emu.HeadObject(src, "k", "")
			if err != nil {
				t.Fatal(err)
			}
			config := o.config(copyConfig(dst, "k", src, "k", tc.extra))
			overwritten := make(chan string, 1)

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             o.checkDestroy,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							o.emu.AddFault(ossemu.Fault{Op: tc.op, Nth: 1, Delay: 500 * time.Millisecond})
							go func() {
								defer close(overwritten)
								if !waitFor(time.Minute, func() bool { return o.emu.RequestCount(tc.op) >= 1 }) {
									t.Errorf("the %s never came", tc.op)
									return
								}
								info, err := o.emu.PutObject(src, "k", testData(tc.size+1, 6), nil)
								if err != nil {
									t.Error(err)
									return
								}
								overwritten <- info.ETag
							}()
						},
						Config:      config,
						ExpectError: regexp.MustCompile(tc.want(src, dst, planned)),
					},
					{
						PreConfig: func() {
							now := <-overwritten
							o.emu.ClearFaults()
							if err := o.checkNothingWritten(dst, "k"); err != nil {
								t.Error(err)
							}
							if now == planned.ETag {
								t.Errorf("the new source has the old ETag %s", now)
							}
						},
						Config: config,
						Check:  o.checkSameBytes(src, "k", dst, "k"),
					},
				},
			})
		})
	}
}
