package provider

import (
	"bytes"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const (
	// interruptObjectSize and interruptPartSize make 32 parts; at
	// interruptCopyRate per part stream and parallelism 4, the copy takes
	// 8 seconds, long enough to be stopped in the middle.
	interruptObjectSize = 128 << 20
	interruptPartSize   = 4 << 20
	interruptCopyRate   = 4 << 20
	interruptParts      = interruptObjectSize / interruptPartSize

	// abortBound is how soon after an interrupt or a timeout the multipart
	// upload must be gone.
	abortBound = 5 * time.Second
)

// waitFor polls cond until it holds or timeout passes, and reports whether
// it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// stoppedCopy is a large copy set up to be stopped while its parts copy.
type stoppedCopy struct {
	t        *testing.T
	o        *testOSS
	cli      *terraformCLI
	src, dst string
	crc64    uint64
}

func newStoppedCopy(t *testing.T) *stoppedCopy {
	cli := newTerraformCLI(t)
	o := newTestOSS(t)
	o.requireEmulator("the copy is slowed down by the emulator's performance model")
	sc := &stoppedCopy{t: t, o: o, cli: cli, src: o.newBucket(false), dst: o.newBucket(false)}
	info, err := o.emu.PutGeneratedObject(sc.src, "big.bin", interruptObjectSize, 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc.crc64 = info.CRC64
	o.emu.SetPerformance(ossemu.Performance{CopyRate: interruptCopyRate})
	return sc
}

func (sc *stoppedCopy) config(extra string) string {
	return sc.o.config(copyConfig(sc.dst, "big.bin", sc.src, "big.bin",
		"part_size   = 4194304\n  parallelism = 4\n"+extra))
}

// checkNothingLeft asserts that the stopped apply recorded nothing, wrote
// no object and left no upload.
func (sc *stoppedCopy) checkNothingLeft(out string) {
	sc.t.Helper()
	if err := sc.o.checkNothingWritten(sc.dst, "big.bin"); err != nil {
		sc.t.Error(err)
	}
	if got := sc.o.emu.RequestCount("AbortMultipartUpload"); got != 1 {
		sc.t.Errorf("%d AbortMultipartUpload requests, want 1", got)
	}
	if got := sc.o.emu.RequestCount("UploadPartCopy"); got >= interruptParts {
		sc.t.Errorf("%d parts copied: the copy was not stopped in the middle", got)
	}
	if res := sc.cli.stateResources(); len(res) != 0 {
		sc.t.Errorf("state records %v after the stopped apply\n%s", res, out)
	}
}

// checkCopiesFromScratch applies config again: the copy starts over (one
// new upload, every part copied) and succeeds; then destroys it.
func (sc *stoppedCopy) checkCopiesFromScratch(config string) {
	sc.t.Helper()
	sc.o.emu.SetPerformance(ossemu.Performance{})
	sc.o.emu.ResetCounts()
	sc.cli.writeConfig(config)
	sc.cli.mustRun("apply", "-auto-approve")
	if got := sc.o.emu.RequestCount("InitiateMultipartUpload"); got != 1 {
		sc.t.Errorf("%d InitiateMultipartUpload requests on the next apply, want 1", got)
	}
	if got := sc.o.emu.RequestCount("UploadPartCopy"); got != interruptParts {
		sc.t.Errorf("%d parts copied on the next apply, want all %d", got, interruptParts)
	}
	dst, err := sc.o.emu.HeadObject(sc.dst, "big.bin", "")
	if err != nil || dst.CRC64 != sc.crc64 {
		sc.t.Errorf("destination after the next apply: %+v, %v; want CRC64 %d", dst, err, sc.crc64)
	}
	if res := sc.cli.stateResources(); len(res) != 1 {
		sc.t.Errorf("state records %v after the next apply, want the copy", res)
	}
	sc.cli.mustRun("destroy", "-auto-approve")
	if _, err := sc.o.emu.HeadObject(sc.dst, "big.bin", ""); !errors.Is(err, ossemu.ErrNotFound) {
		sc.t.Errorf("destination still exists after destroy (%v)", err)
	}
	if err := sc.o.uploadsLeft(); err != nil {
		sc.t.Error(err)
	}
}

// TestAccObjectCopy_InterruptAbortsUpload presses Ctrl-C (SIGINT to
// terraform's process group) while the parts of a large copy are being
// copied: the multipart upload is aborted within abortBound, nothing is
// recorded in state, and the next apply copies from scratch.
func TestAccObjectCopy_InterruptAbortsUpload(t *testing.T) {
	t.Parallel()
	sc := newStoppedCopy(t)
	config := sc.config("")
	sc.cli.writeConfig(config)

	var out bytes.Buffer
	cmd := sc.cli.command(&out, nil, "apply", "-auto-approve")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copying := func() bool { return len(sc.o.emu.Uploads()) > 0 && sc.o.emu.RequestCount("UploadPartCopy") > 0 }
	if !waitFor(time.Minute, copying) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		t.Fatalf("the copy did not start\n%s", out.String())
	}
	interrupted := time.Now()
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	aborted := waitFor(abortBound, func() bool { return len(sc.o.emu.Uploads()) == 0 })
	abortedAfter := time.Since(interrupted)
	err := cmd.Wait()
	t.Logf("upload aborted %v after the interrupt; terraform exited %v after it", abortedAfter.Round(time.Millisecond),
		time.Since(interrupted).Round(time.Millisecond))
	if !aborted {
		t.Errorf("the multipart upload was not aborted within %v of the interrupt", abortBound)
	}
	if err == nil {
		t.Errorf("interrupted apply succeeded\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not see the interrupt\n%s", out.String())
	}
	if want := "The operation was interrupted (for example by Ctrl-C); any multipart upload was aborted and " +
		"nothing was recorded. Apply again to retry."; !exactMessage(want).MatchString(out.String()) {
		t.Errorf("the failure does not say %q\n%s", want, out.String())
	}
	sc.checkNothingLeft(out.String())
	sc.checkCopiesFromScratch(config)
}

// TestAccObjectCopy_CreateTimeoutAbortsUpload gives a large copy a create
// timeout far shorter than the copy: the apply fails with the timeout's
// diagnostic, the upload is aborted within abortBound of the deadline,
// nothing is recorded, and an apply with enough time copies from scratch.
func TestAccObjectCopy_CreateTimeoutAbortsUpload(t *testing.T) {
	t.Parallel()
	sc := newStoppedCopy(t)
	const timeout = 2 * time.Second
	sc.cli.writeConfig(sc.config("timeouts {\n    create = \"2s\"\n  }"))

	var out bytes.Buffer
	cmd := sc.cli.command(&out, nil, "apply", "-auto-approve")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The deadline runs from the start of Create, which is before the upload
	// is initiated: the first time an upload is seen is an upper bound.
	var started, gone time.Time
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-time.After(10 * time.Millisecond):
		}
		n := len(sc.o.emu.Uploads())
		if n > 0 && started.IsZero() {
			started = time.Now()
		}
		if n == 0 && !started.IsZero() && gone.IsZero() {
			gone = time.Now()
		}
	}
	if started.IsZero() || gone.IsZero() {
		t.Fatalf("no upload was seen starting and ending (exit %v)\n%s", err, out.String())
	}
	t.Logf("upload gone %v after it was first seen (create timeout %v)", gone.Sub(started).Round(time.Millisecond), timeout)
	if gone.Sub(started) > timeout+abortBound {
		t.Errorf("the upload was aborted %v after it started, later than the %v timeout plus %v", gone.Sub(started), timeout, abortBound)
	}
	if err == nil {
		t.Fatalf("apply with a 2s create timeout succeeded\n%s", out.String())
	}
	if want := "The operation did not finish in time. Raise the timeout in the resource's timeouts block (a " +
		"large copy may need a longer \"create\"); any multipart upload was aborted."; !exactMessage(want).MatchString(out.String()) {
		t.Errorf("the failure does not say %q\n%s", want, out.String())
	}
	sc.checkNothingLeft(out.String())
	sc.checkCopiesFromScratch(sc.config(""))
}
