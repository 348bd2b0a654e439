// Command demo shows the provider doing its job end to end on one machine, with nothing but Go and
// terraform: it builds the provider, starts the bundled OSS emulator on a loopback port with a
// fresh key pair, creates a large generated source object, runs the real `terraform apply` and
// `terraform destroy` on examples/demo through a throwaway dev_overrides CLI configuration, proves
// the copy byte-identical by reading both objects back over HTTP, and shows that nothing is left.
//
// Run it from the repository root with `make demo`, which also makes sure terraform exists, or
// with `make demo-tofu`, which runs OpenTofu instead.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
	"github.com/ossprovider/terraform-provider-oss/internal/tfcli"
)

const (
	sourceBucket = "demo-source"
	sourceKey    = "datasets/2026/measurements.bin"
	destBucket   = "demo-copies"
	destKey      = "archive/measurements.bin"
	mib          = 1 << 20
)

func main() {
	var opts options
	flag.StringVar(&opts.terraform, "terraform", "", "terraform or tofu binary (default: terraform on PATH)")
	flag.StringVar(&opts.config, "config", filepath.Join("examples", "demo"), "directory with the Terraform configuration to apply")
	flag.Int64Var(&opts.sizeMiB, "size", 512, "size of the generated source object in MiB")
	flag.Int64Var(&opts.throughputMiB, "throughput", 128,
		"MiB/s the emulated bucket copies in total (0: as fast as this machine goes); real OSS manages "+
			"about 2 GiB/s, the default slows the copy down to a few seconds so its progress can be watched")
	flag.BoolVar(&opts.verbose, "v", false, "show terraform's complete output")
	flag.Parse()

	start := time.Now()
	if err := run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("\ndemo passed in %s\n", time.Since(start).Round(100*time.Millisecond))
}

type options struct {
	terraform     string
	config        string
	sizeMiB       int64
	throughputMiB int64
	verbose       bool
}

// run does the whole demo. Every resource it starts is released by a deferred call, so the
// emulator stops and the temporary directory goes away on success, on failure and on Ctrl-C.
func run(opts options) error {
	if opts.sizeMiB <= 0 {
		return fmt.Errorf("-size must be positive, got %d", opts.sizeMiB)
	}
	tfBin, err := findTerraform(opts.terraform)
	if err != nil {
		return err
	}
	configDir, err := filepath.Abs(opts.config)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopSignals := handleSignals(cancel)
	defer stopSignals()

	tmp, err := os.MkdirTemp("", "oss-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	tfVersion, err := cliVersion(ctx, tfBin)
	if err != nil {
		return err
	}
	fmt.Printf("oss provider demo: %s (%s), emulator in this process\n", tfVersion, tfBin)

	// 1. Build the provider from this checkout, never a stale binary.
	t0 := time.Now()
	pluginDir := filepath.Join(tmp, "plugins")
	if err := tfcli.BuildProvider(ctx, pluginDir); err != nil {
		return err
	}
	step(1, "built the provider from this checkout (%s)", since(t0))

	// 2. The emulator: a loopback port, a fresh random key pair, versioned buckets (so the copy
	// gets a version ID and destroy can be seen to remove exactly that version).
	srv, err := ossemu.NewServer()
	if err != nil {
		return fmt.Errorf("starting the OSS emulator: %w", err)
	}
	defer func() { _ = srv.Close() }()
	if opts.throughputMiB > 0 {
		// OSS's round trip and per-request copy rate, with a bucket-wide cap far below OSS's.
		srv.SetPerformance(ossemu.Performance{
			RoundTrip:    30 * time.Millisecond,
			CopyRate:     150 * mib,
			AggregateCap: opts.throughputMiB * mib,
		})
	}
	size := opts.sizeMiB * mib
	src, err := seed(srv, size)
	if err != nil {
		return err
	}
	keyID, secret := srv.Credentials()
	step(2, "OSS emulator on %s, region %s, fresh key pair %s", srv.Endpoint(), srv.Region(), keyID)
	detail("source  oss://%s/%s  %s, crc64 %d, version %s", sourceBucket, sourceKey, humanBytes(size), src.CRC64, src.VersionID)
	if opts.throughputMiB > 0 {
		detail("the emulated bucket copies %d MiB/s (-throughput; real OSS: about 2 GiB/s)", opts.throughputMiB)
	}

	// 3. terraform apply, with a throwaway CLI configuration whose dev_overrides point at the
	// provider just built. `terraform init` is not needed (and offline it would fail).
	workDir := filepath.Join(tmp, "work")
	if err := copyTerraformFiles(configDir, workDir); err != nil {
		return err
	}
	cliConfig := filepath.Join(tmp, "terraform.rc")
	if err := tfcli.WriteCLIConfig(cliConfig, pluginDir); err != nil {
		return err
	}
	tf := &terraformRunner{
		bin:     tfBin,
		name:    filepath.Base(tfBin),
		dir:     workDir,
		verbose: opts.verbose,
		env: terraformEnv(map[string]string{
			"TF_CLI_CONFIG_FILE":    cliConfig,
			"OSS_ENDPOINT":          srv.Endpoint(),
			"OSS_REGION":            srv.Region(),
			"OSS_ACCESS_KEY_ID":     keyID,
			"OSS_ACCESS_KEY_SECRET": secret,
			"TF_VAR_source_bucket":  sourceBucket,
			"TF_VAR_source_key":     sourceKey,
			"TF_VAR_bucket":         destBucket,
			"TF_VAR_key":            destKey,
		}),
	}
	step(3, "%s apply  (%s)", tf.name, relPath(configDir))
	t0 = time.Now()
	reportProgress, stopProgress := watchCopy(srv, size)
	tf.beforeLine = func(line string) {
		if strings.Contains(line, "Creation complete") {
			reportProgress()
		}
	}
	err = tf.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	stopProgress()
	tf.beforeLine = nil
	if err != nil {
		// Even a failed or interrupted apply must not leave a multipart upload behind.
		return fmt.Errorf("%w; multipart uploads left in progress: %d", err, len(srv.Uploads()))
	}
	detail("applied in %s", since(t0))

	outputs, err := tf.outputs(ctx)
	if err != nil {
		return err
	}
	for _, name := range []string{"etag", "version_id", "size", "crc64", "source_version_id"} {
		detail("%-17s = %s", name, outputs[name])
	}

	// 4. Prove the copy: stream both objects back through the emulator's HTTP API with a signed
	// GET, hash them here, and compare with each other and with what terraform recorded.
	t0 = time.Now()
	client := oss.NewClient(srv.ClientConfig())
	srcCRC, srcN, err := getCRC64(ctx, client, sourceBucket, sourceKey)
	if err != nil {
		return err
	}
	dstCRC, dstN, err := getCRC64(ctx, client, destBucket, destKey)
	if err != nil {
		return err
	}
	if srcCRC != dstCRC || srcN != dstN {
		return fmt.Errorf("the copy differs from the source: source %d bytes crc64 %d, copy %d bytes crc64 %d", srcN, srcCRC, dstN, dstCRC)
	}
	if got := outputs["crc64"]; got != strconv.FormatUint(dstCRC, 10) {
		return fmt.Errorf("%s recorded crc64 %s, but the copy read back has %d", tf.name, got, dstCRC)
	}
	step(4, "read back with GET: source and copy are byte-identical (%s)", since(t0))
	detail("%s each, crc64 %d, the crc64 %s recorded", humanBytes(dstN), dstCRC, tf.name)

	// 5. terraform destroy.
	step(5, "%s destroy", tf.name)
	if err := tf.run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}

	// 6. Nothing left behind: no object, no version, no delete marker, no multipart upload, and
	// the source untouched.
	if versions := srv.ListObjectVersions(destBucket, destKey); len(versions) != 0 {
		return fmt.Errorf("destroy left %d versions or delete markers of oss://%s/%s", len(versions), destBucket, destKey)
	}
	if uploads := srv.Uploads(); len(uploads) != 0 {
		return fmt.Errorf("%d multipart uploads are still in progress, e.g. %s on oss://%s/%s",
			len(uploads), uploads[0].UploadID, uploads[0].Bucket, uploads[0].Key)
	}
	after, err := srv.HeadObject(sourceBucket, sourceKey, "")
	if err != nil {
		return fmt.Errorf("the source is gone after destroy: %w", err)
	}
	if after.VersionID != src.VersionID || after.ETag != src.ETag {
		return fmt.Errorf("the source changed: version %s etag %s, was version %s etag %s", after.VersionID, after.ETag, src.VersionID, src.ETag)
	}
	step(6, "nothing left: no version or delete marker of the copy, no multipart upload; source untouched")
	return nil
}

// terminated records that the demo was asked to stop by SIGTERM rather than by a terminal's Ctrl-C.
var terminated atomic.Bool

// handleSignals cancels the demo on SIGINT or SIGTERM instead of letting it die, so that the
// deferred clean-up (emulator, temporary directory) always runs. A terminal's Ctrl-C also reaches
// terraform directly, as it shares the demo's process group.
func handleSignals(cancel context.CancelFunc) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			terminated.Store(s == syscall.SIGTERM)
			cancel()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// seed creates the two versioned buckets and the generated source object.
func seed(srv *ossemu.Server, size int64) (ossemu.ObjectInfo, error) {
	for _, b := range []string{sourceBucket, destBucket} {
		if err := srv.CreateBucket(b, ""); err != nil {
			return ossemu.ObjectInfo{}, fmt.Errorf("creating bucket %s: %w", b, err)
		}
		if err := srv.SetBucketVersioning(b, true); err != nil {
			return ossemu.ObjectInfo{}, fmt.Errorf("enabling versioning on %s: %w", b, err)
		}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Oss-Meta-Origin", "make-demo")
	info, err := srv.PutGeneratedObject(sourceBucket, sourceKey, size, uint64(time.Now().UnixNano()), h)
	if err != nil {
		return ossemu.ObjectInfo{}, fmt.Errorf("generating the source object: %w", err)
	}
	return info, nil
}

// watchCopy prints the progress of the copy as the emulator sees it, once a second while it
// changes: part copies requested and finished (the engine runs them in parallel) and bytes copied
// server-side. It returns report, which prints the current state at once if it changed (for the
// last state before terraform says the copy is complete), and stop.
func watchCopy(srv *ossemu.Server, size int64) (report, stop func()) {
	var mu sync.Mutex // report runs on the ticker's goroutine and on terraform's output reader
	baseBytes, baseSent := srv.BytesCopied(), srv.RequestCount("UploadPartCopy")
	var last string
	report = func() {
		mu.Lock()
		defer mu.Unlock()
		copied, sent := srv.BytesCopied()-baseBytes, srv.RequestCount("UploadPartCopy")-baseSent
		if sent == 0 {
			return
		}
		finished := -1
		for _, u := range srv.Uploads() {
			if u.Bucket == destBucket && u.Key == destKey {
				finished = u.Parts
			}
		}
		if finished < 0 {
			if copied < size {
				return // the upload was aborted, or is not initiated yet
			}
			finished = sent // completed: every part copy it sent has finished
		}
		line := fmt.Sprintf("UploadPartCopy: %2d sent, %2d finished; %3d%% copied (%d of %d MiB)",
			sent, finished, copied*100/size, copied/mib, size/mib)
		if line != last {
			last = line
			detail("%s", line)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				report()
			}
		}
	}()
	return report, func() {
		close(done)
		wg.Wait()
		report()
	}
}

// getCRC64 streams an object through a signed GET and returns its CRC-64/ECMA (the checksum OSS
// reports in x-oss-hash-crc64ecma) and its length.
func getCRC64(ctx context.Context, client *oss.Client, bucket, key string) (uint64, int64, error) {
	res, err := client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		return 0, 0, fmt.Errorf("GET oss://%s/%s: %w", bucket, key, err)
	}
	defer func() { _ = res.Body.Close() }()
	h := crc64.New(crc64.MakeTable(crc64.ECMA))
	n, err := io.Copy(h, res.Body)
	if err != nil {
		return 0, 0, fmt.Errorf("reading oss://%s/%s: %w", bucket, key, err)
	}
	return h.Sum64(), n, nil
}

// terraformRunner runs terraform commands in the demo's working directory. By default it shows
// only the lines a person wants to see (progress, summaries, errors); when a command fails, its
// complete output is printed, so nothing that explains a failure is hidden.
type terraformRunner struct {
	bin, dir string
	// name is the command as a person would type it (terraform, tofu), for messages.
	name    string
	env     []string
	verbose bool
	// beforeLine, when set, sees each line of output before it is shown.
	beforeLine func(line string)
}

func (r *terraformRunner) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	// Stop terraform the way Ctrl-C does, so the provider aborts its multipart upload, and kill
	// it only if it hangs. After a terminal's Ctrl-C terraform already has its interrupt: a
	// second one would make it exit at once, without cleaning up.
	cmd.Cancel = func() error {
		if terminated.Load() {
			return cmd.Process.Signal(os.Interrupt)
		}
		return nil
	}
	cmd.WaitDelay = time.Minute
	return cmd
}

func (r *terraformRunner) run(ctx context.Context, args ...string) error {
	cmd := r.command(ctx, args...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var all bytes.Buffer
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			all.WriteString(line + "\n")
			if r.beforeLine != nil {
				r.beforeLine(line)
			}
			if r.verbose || interesting(line) {
				detail("%s", strings.TrimSpace(line))
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	_ = pw.Close()
	<-scanned
	if err != nil {
		if !r.verbose {
			fmt.Fprintf(os.Stderr, "\n--- complete output of %s %s ---\n%s--- end of output ---\n", r.name, args[0], all.String())
		}
		return fmt.Errorf("%s %s: %w", r.name, args[0], err)
	}
	return nil
}

// interesting picks terraform's progress and summary lines out of its output.
func interesting(line string) bool {
	line = strings.TrimSpace(line)
	for _, s := range []string{"Creating...", "Still creating", "Creation complete", "Destroying...",
		"Still destroying", "Destruction complete", "Apply complete!", "Destroy complete!", "Error:"} {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// outputs returns the root module's outputs as display strings.
func (r *terraformRunner) outputs(ctx context.Context) (map[string]string, error) {
	cmd := r.command(ctx, "output", "-json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s output: %w\n%s", r.name, err, stderr.String())
	}
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("%s output: %w", r.name, err)
	}
	res := make(map[string]string, len(raw))
	for name, o := range raw {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			res[name] = s
			continue
		}
		res[name] = string(o.Value)
	}
	return res, nil
}

// terraformEnv is this process's environment without anything that could point terraform or the
// provider elsewhere (the user's CLI configuration, credentials for a real account, variables),
// plus the demo's own settings.
func terraformEnv(set map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if isForeignSetting(name) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, tfcli.AutomationEnv()...)
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

func isForeignSetting(name string) bool {
	upper := strings.ToUpper(name)
	for _, p := range []string{"OSS_", "ALICLOUD_", "ALIBABA_CLOUD_", "ALIBABACLOUD_", "TF_"} {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	return false
}

// copyTerraformFiles copies the *.tf files of dir into a fresh working directory, so terraform's
// state and lock files never land in the checkout.
func copyTerraformFiles(from, to string) error {
	files, err := filepath.Glob(filepath.Join(from, "*.tf"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no *.tf files in %s", from)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func findTerraform(flagValue string) (string, error) {
	name := flagValue
	if name == "" {
		name = "terraform"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("no terraform binary (%w); `make demo` installs one when none is on PATH", err)
	}
	return filepath.Abs(p)
}

// cliVersion returns the first line of `version`, which names the CLI as well as its version
// ("Terraform v1.11.4", "OpenTofu v1.10.6"); `version -json` does not say which CLI it is.
func cliVersion(ctx context.Context, bin string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Env = terraformEnv(map[string]string{"TF_CLI_CONFIG_FILE": os.DevNull})
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("running %s version: %w", bin, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.HasPrefix(first, "Terraform v") && !strings.HasPrefix(first, "OpenTofu v") {
		return "", fmt.Errorf("%s version: expected Terraform or OpenTofu and a version, got %q", bin, first)
	}
	return first, nil
}

var outMu sync.Mutex

func step(n int, format string, args ...any) {
	outMu.Lock()
	defer outMu.Unlock()
	fmt.Printf("[%d/6] %s\n", n, fmt.Sprintf(format, args...))
}

func detail(format string, args ...any) {
	outMu.Lock()
	defer outMu.Unlock()
	fmt.Printf("      %s\n", fmt.Sprintf(format, args...))
}

func since(t time.Time) string { return time.Since(t).Round(100 * time.Millisecond).String() }

func humanBytes(n int64) string {
	if n >= mib {
		return fmt.Sprintf("%d MiB", n/mib)
	}
	return fmt.Sprintf("%d bytes", n)
}

func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
