package provider

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// The terraform-level figures of the copy-performance issue: the real
// terraform binary against the provider binary and the in-process emulator,
// with the requests each resource costs taken from the emulator's counters.
// They take minutes, so they run only when scaleEnv is set, besides TF_ACC
// (`make bench-terraform`), and print their figures as plain lines.

const scaleEnv = "OSS_TF_SCALE"

// scaleModel is the emulator's performance model for these figures, the copy
// benchmark's default: OSS's round trip, the copy rate of one stream and
// what a bucket sustains over all streams.
var scaleModel = ossemu.Performance{RoundTrip: 30 * time.Millisecond, CopyRate: 150 << 20, AggregateCap: 2 << 30}

// scaleRun is a working directory with one counted oss_object_copy block
// that copies generated sources from one bucket to another.
type scaleRun struct {
	t        *testing.T
	o        *testOSS
	cli      *terraformCLI
	src, dst string
	n        int
}

// newScaleRun skips unless scaleEnv is set; otherwise it stores n generated
// sources of size bytes (no bytes kept in memory) and writes the
// configuration that copies each of them.
func newScaleRun(t *testing.T, n int, size int64) *scaleRun {
	t.Helper()
	if os.Getenv(scaleEnv) == "" {
		t.Skipf("terraform-level scale figures take minutes; set %s=1 (make bench-terraform)", scaleEnv)
	}
	r := &scaleRun{t: t, cli: newTerraformCLI(t), o: newTestOSS(t), n: n}
	r.o.requireEmulator("counts requests and models OSS's timings")
	r.src, r.dst = r.o.newBucket(false), r.o.newBucket(false)
	for i := range n {
		if _, err := r.o.emu.PutGeneratedObject(r.src, sourceKey(i), size, uint64(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	r.cli.writeConfig(r.o.config(fmt.Sprintf(`
resource "oss_object_copy" "copy" {
  count         = %d
  bucket        = %s
  key           = "copies/${count.index}.bin"
  source_bucket = %s
  source_key    = "sources/${count.index}.bin"
}
`, n, hcl(r.dst), hcl(r.src))))
	version, _, _ := strings.Cut(r.cli.mustRun("version"), "\n")
	fmt.Printf("bench-terraform: %s, %d CPUs, load average %s, model: %v\n", version, runtime.NumCPU(), loadAverage(), scaleModel)
	return r
}

func sourceKey(i int) string { return fmt.Sprintf("sources/%d.bin", i) }

// loadAverage is the machine's one-minute load average, which the wall
// times depend on as much as on the model: terraform and the provider spend
// CPU on every resource.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	load, _, _ := strings.Cut(string(raw), " ")
	return load
}

// measure runs terraform under the performance model with the counters
// reset, prints its wall time and the requests it sent per resource, and
// returns its output and the counts.
func (r *scaleRun) measure(what string, args ...string) (string, map[string]int) {
	r.t.Helper()
	r.o.emu.SetPerformance(scaleModel)
	defer r.o.emu.SetPerformance(ossemu.Performance{})
	r.o.emu.ResetCounts()
	start := time.Now()
	out := r.cli.mustRun(args...)
	wall := time.Since(start)
	counts := r.o.emu.RequestCounts()

	total, perResource := requestsPerResource(counts, r.n)
	fmt.Printf("bench-terraform: %s: terraform %s\n", what, strings.Join(args, " "))
	fmt.Printf("bench-terraform: %s: resources=%d wall=%.1fs requests=%d per_resource: %s total=%.2f\n",
		what, r.n, wall.Seconds(), total, strings.Join(perResource, " "), float64(total)/float64(r.n))
	return out, counts
}

// requestsPerResource totals the emulator's request counts and lists each
// operation's requests per resource as "Op=0.00", sorted by operation.
func requestsPerResource(counts map[string]int, n int) (total int, perResource []string) {
	for _, op := range slices.Sorted(maps.Keys(counts)) {
		total += counts[op]
		perResource = append(perResource, fmt.Sprintf("%s=%.2f", op, float64(counts[op])/float64(n)))
	}
	return total, perResource
}

// checkCopied asserts that state records every copy and that each
// destination holds its source's bytes (by CRC64, which the emulator
// computes from the bytes).
func (r *scaleRun) checkCopied() {
	r.t.Helper()
	if got := len(r.cli.stateResources()); got != r.n {
		r.t.Fatalf("state records %d copies, want %d", got, r.n)
	}
	for i := range r.n {
		src, err := r.o.emu.HeadObject(r.src, sourceKey(i), "")
		if err != nil {
			r.t.Fatal(err)
		}
		dst, err := r.o.emu.HeadObject(r.dst, fmt.Sprintf("copies/%d.bin", i), "")
		if err != nil || dst.CRC64 != src.CRC64 || dst.Size != src.Size {
			r.t.Fatalf("copy %d: %+v, %v; want the source's %d bytes, CRC64 %d", i, dst, err, src.Size, src.CRC64)
		}
	}
}

// TestScale_Apply200Copies applies 200 copies of 8 MiB objects with
// terraform's default -parallelism (10).
func TestScale_Apply200Copies(t *testing.T) {
	r := newScaleRun(t, 200, 8<<20)
	r.measure("apply 200 copies of 8 MiB, -parallelism=10 (default)", "apply", "-auto-approve")
	r.checkCopied()
}

// TestScale_Refresh1000Copies plans 1,000 copies that are up to date: a
// refresh reads each destination with one HeadObject, and a plan adds at
// most one HeadObject of each source (to follow source changes).
func TestScale_Refresh1000Copies(t *testing.T) {
	r := newScaleRun(t, 1000, 1<<10)
	// The copies are made without the model: only the refresh is measured.
	r.cli.mustRun("apply", "-auto-approve")
	r.checkCopied()

	// No -detailed-exitcode here: terraform 1.11 calls a refresh-only plan
	// applyable when its in-memory state differs in form only (it compares
	// with reflect.DeepEqual), so the exit code says 2 with "No changes".
	out, counts := r.measure("refresh 1000 copies", "plan", "-refresh-only")
	if want := map[string]int{"HeadObject": r.n}; !maps.Equal(counts, want) {
		t.Errorf("refresh sent %v, want %v (one HeadObject of each destination)", counts, want)
	}
	if !strings.Contains(out, "No changes") {
		t.Errorf("refresh of unchanged copies found changes:\n%s", out)
	}

	out, counts = r.measure("plan 1000 copies", "plan", "-detailed-exitcode")
	if want := map[string]int{"HeadObject": 2 * r.n}; !maps.Equal(counts, want) {
		t.Errorf("plan sent %v, want %v (one HeadObject of each destination and one of each source)", counts, want)
	}
	if !strings.Contains(out, "No changes") {
		t.Errorf("plan of unchanged copies found changes:\n%s", out)
	}
}
