package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// loadTestEnv switches on TestAccObjectCopy_Load, which takes minutes;
// `make load` sets it.
const loadTestEnv = "OSS_LOAD_TEST"

// TestAccObjectCopy_Load applies 1,000 oss_object_copy resources of small
// objects at -parallelism=32 against one emulator, refreshes them (the plan
// must be empty) and destroys them, and reports the requests each phase
// cost per resource. Nothing may fail and no upload or object may be left.
func TestAccObjectCopy_Load(t *testing.T) {
	if os.Getenv(loadTestEnv) == "" {
		t.Skipf("takes minutes; set %s=1 (make load)", loadTestEnv)
	}
	const n = 1000
	cli := newTerraformCLI(t)
	o := newTestOSS(t)
	o.requireEmulator("it counts requests")
	src, dst := o.newBucket(false), o.newBucket(false)
	for i := range n {
		data := []byte(strings.Repeat(fmt.Sprintf("object %04d\n", i), 100))
		if _, err := o.emu.PutObject(src, fmt.Sprintf("src/%04d", i), data, nil); err != nil {
			t.Fatal(err)
		}
	}
	cli.writeConfig(o.config(fmt.Sprintf(`
resource "oss_object_copy" "load" {
  count         = %d
  bucket        = %q
  key           = format("dst/%%04d", count.index)
  source_bucket = %q
  source_key    = format("src/%%04d", count.index)
}
`, n, dst, src)))

	phase := func(name string, args ...string) {
		t.Helper()
		o.emu.ResetCounts()
		start := time.Now()
		out, err := cli.run(args...)
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("%s: terraform %v: %v\n%s", name, args, err, failureOutput(out))
		}
		total, per := requestsPerResource(o.emu.RequestCounts(), n)
		t.Logf("%s: %v, %d requests = %.2f per resource (%s)", name, elapsed.Round(time.Millisecond), total,
			float64(total)/n, strings.Join(per, ", "))
	}

	phase("apply", "apply", "-auto-approve", "-parallelism=32")
	if got := len(cli.stateResources()); got != n {
		t.Fatalf("%d resources in state after apply, want %d", got, n)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		if err := o.checkSameBytes(src, fmt.Sprintf("src/%04d", i), dst, fmt.Sprintf("dst/%04d", i))(nil); err != nil {
			t.Error(err)
		}
	}
	// -detailed-exitcode exits 2 when the plan is not empty.
	phase("refresh and plan", "plan", "-detailed-exitcode", "-parallelism=32")
	phase("destroy", "destroy", "-auto-approve", "-parallelism=32")

	if got := cli.stateResources(); len(got) != 0 {
		t.Errorf("%d resources in state after destroy", len(got))
	}
	if err := o.uploadsLeft(); err != nil {
		t.Error(err)
	}
	res, err := o.client.ListObjectsV2(context.Background(), &oss.ListObjectsV2Request{Bucket: oss.Ptr(dst)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contents) != 0 {
		t.Errorf("%d objects left in the destination bucket, first %q", len(res.Contents), oss.ToString(res.Contents[0].Key))
	}
}
