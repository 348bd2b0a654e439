package provider

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/prefixcopy"
)

// prefixScaleEnv switches on the oss_prefix_copy figures (besides TF_ACC;
// `make bench-prefix`): a prefix of 1,000 and one of 100,000 small objects
// (OSS_PREFIX_SCALE_OBJECTS overrides the list, e.g. "1000,10000"), planned,
// applied, refreshed and changed under the emulator's performance model.
const prefixScaleEnv = "OSS_PREFIX_SCALE"

func TestScale_PrefixCopy(t *testing.T) {
	if os.Getenv(prefixScaleEnv) == "" {
		t.Skipf("copies up to 100,000 objects and takes minutes; set %s=1 (make bench-prefix)", prefixScaleEnv)
	}
	counts := []int{1000, 100_000}
	if s := os.Getenv(prefixScaleEnv + "_OBJECTS"); s != "" {
		counts = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("%s_OBJECTS: %v", prefixScaleEnv, err)
			}
			counts = append(counts, n)
		}
	}
	for _, n := range counts {
		t.Run(strconv.Itoa(n), func(t *testing.T) { prefixScaleRun(t, n) })
	}
}

// prefixScaleRun copies n generated 1 KiB objects with one oss_prefix_copy
// and prints what each step took and cost.
func prefixScaleRun(t *testing.T, n int) {
	const size = 1 << 10
	r := &scaleRun{t: t, cli: newTerraformCLI(t), o: newTestOSS(t), n: n}
	r.o.requireEmulator("counts requests and models OSS's timings")
	r.src, r.dst = r.o.newBucket(false), r.o.newBucket(false)
	for i := range n {
		if _, err := r.o.emu.PutGeneratedObject(r.src, "in/"+sourceKey(i), size, uint64(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	r.cli.writeConfig(r.o.config(fmt.Sprintf(`
resource "oss_prefix_copy" "copy" {
  source_bucket = %s
  source_prefix = "in/"
  bucket        = %s
  prefix        = "out/"
}
`, hcl(r.src), hcl(r.dst))))
	version, _, _ := strings.Cut(r.cli.mustRun("version"), "\n")
	fmt.Printf("bench-prefix: %s, %d CPUs, load average %s, model: %v\n", version, runtime.NumCPU(), loadAverage(), scaleModel)
	pages := (n + prefixcopy.ListPageSize - 1) / prefixcopy.ListPageSize

	_, counts := r.measure(fmt.Sprintf("plan a new copy of %d objects", n), "plan")
	expectCounts(t, "plan of a new copy", counts, map[string]int{"ListObjectsV2": pages})

	// The plan Terraform makes again at apply lists the source once more,
	// and Create lists it a third time; each object costs the engine's
	// HeadObject and CopyObject.
	_, counts = r.measure(fmt.Sprintf("apply a new copy of %d objects", n), "apply", "-auto-approve")
	expectCounts(t, "apply", counts, map[string]int{"ListObjectsV2": 3 * pages, "HeadObject": n, "CopyObject": n})
	for _, i := range []int{0, n / 2, n - 1} {
		src, err := r.o.emu.HeadObject(r.src, "in/"+sourceKey(i), "")
		if err != nil {
			t.Fatal(err)
		}
		dst, err := r.o.emu.HeadObject(r.dst, "out/"+sourceKey(i), "")
		if err != nil || dst.CRC64 != src.CRC64 {
			t.Fatalf("copy %d: %+v, %v; want CRC64 %d", i, dst, err, src.CRC64)
		}
	}
	state, err := os.Stat(r.cli.dir + "/terraform.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("bench-prefix: %d objects: state file %d bytes (%.1f per object)\n", n, state.Size(), float64(state.Size())/float64(n))

	out, counts := r.measure(fmt.Sprintf("plan %d unchanged objects", n), "plan", "-detailed-exitcode")
	expectCounts(t, "plan of unchanged objects", counts, map[string]int{"ListObjectsV2": 2 * pages})
	fmt.Printf("bench-prefix: %d unchanged objects: %.2f requests per 1,000 objects on refresh\n",
		n, float64(counts["ListObjectsV2"])*1000/float64(n))
	if !strings.Contains(out, "No changes") {
		t.Errorf("plan of unchanged objects found changes:\n%s", out)
	}

	// Ten sources change: the plan lists the same, and the apply copies
	// those ten alone.
	for i := range 10 {
		if _, err := r.o.emu.PutGeneratedObject(r.src, "in/"+sourceKey(i*(n/10)), size, uint64(n+i), nil); err != nil {
			t.Fatal(err)
		}
	}
	out, _ = r.measure(fmt.Sprintf("plan 10 changed of %d objects", n), "plan")
	if !strings.Contains(out, "objects_to_copy   = 0 -> 10") {
		t.Errorf("plan of 10 changed objects does not show them:\n%s", out)
	}
	_, counts = r.measure(fmt.Sprintf("apply 10 changed of %d objects", n), "apply", "-auto-approve")
	expectCounts(t, "apply of 10 changed", counts, map[string]int{"ListObjectsV2": 2 * pages, "HeadObject": 10, "CopyObject": 10})

	_, counts = r.measure(fmt.Sprintf("destroy %d copies", n), "destroy", "-auto-approve")
	expectCounts(t, "destroy", counts, map[string]int{"ListObjectsV2": 3 * pages, "DeleteMultipleObjects": pages})
}

func expectCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Errorf("%s sent %v, want %v", what, got, want)
	}
}
