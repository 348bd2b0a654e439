package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/tfcli"
)

// The tests in this package that need what terraform-plugin-testing cannot
// give (a signal in the middle of an apply, -parallelism, the complete log
// of terraform and the provider process) run the real terraform binary
// against the real provider binary, installed through dev_overrides as the
// toolchain notes describe: no terraform init, nothing downloaded.

var (
	providerBinaryOnce sync.Once
	providerBinaryDir  string
	errProviderBinary  error
)

// TestMain tells terraform-plugin-testing which provider host the CLI under
// test uses, and removes the provider binary that the tests built, if any.
func TestMain(m *testing.M) {
	if err := useCLIProviderHost(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if providerBinaryDir != "" {
		_ = os.RemoveAll(providerBinaryDir)
	}
	os.Exit(code)
}

// acceptanceCLI is the CLI binary that terraform-plugin-testing runs:
// TF_ACC_TERRAFORM_PATH, else terraform on PATH; "" when there is none.
func acceptanceCLI() string {
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, _ := exec.LookPath("terraform")
	return tf
}

// useCLIProviderHost sets TF_ACC_PROVIDER_HOST, when it is not set, to the
// host that the CLI under test gives a provider named only "oss".
// terraform-plugin-testing serves the provider under test at terraform's
// host (as hashicorp/oss and the legacy -/oss) unless told otherwise.
// OpenTofu looks for "oss" at a host of its own, so it would not find the
// provider served, and it refuses the legacy address outright: every test
// would fail in init. Asking the CLI (`providers` reads the configuration
// only: no init, nothing fetched) fits any CLI without naming hosts here.
func useCLIProviderHost() error {
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_PROVIDER_HOST") != "" {
		return nil
	}
	cli := acceptanceCLI()
	if cli == "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "tfprovider-oss-host-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("provider \"oss\" {}\n"), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(cli, "providers")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s providers: %w", cli, err)
	}
	m := impliedProviderRE.FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("%s providers: no provider address for \"oss\" in:\n%s", cli, out)
	}
	return os.Setenv("TF_ACC_PROVIDER_HOST", string(m[1]))
}

// impliedProviderRE finds the host in `providers` output such as
// "provider[<host>/hashicorp/oss]".
var impliedProviderRE = regexp.MustCompile(`provider\[([^/\]]+)/hashicorp/oss\]`)

// providerBinary builds the provider once per test process and returns the
// directory holding terraform-provider-oss.
func providerBinary(t *testing.T) string {
	t.Helper()
	providerBinaryOnce.Do(func() { providerBinaryDir, errProviderBinary = buildProvider() })
	if errProviderBinary != nil {
		t.Fatal(errProviderBinary)
	}
	return providerBinaryDir
}

// buildProvider builds the provider into a directory of its own, which
// outlives any one test: every terraform CLI test of the process uses it,
// and TestMain removes it.
func buildProvider() (string, error) {
	dir, err := os.MkdirTemp("", "tfprovider-oss-bin-")
	if err != nil {
		return "", err
	}
	if err := tfcli.BuildProvider(context.Background(), dir); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// terraformCLI is a working directory with its own CLI configuration,
// in which terraform runs with the provider under test.
type terraformCLI struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

// newTerraformCLI skips unless acceptance tests are on (TF_ACC), like the
// tests that terraform-plugin-testing runs, and writes a CLI configuration
// whose dev_overrides point at the freshly built provider.
func newTerraformCLI(t *testing.T) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform; set TF_ACC=1")
	}
	tf := acceptanceCLI()
	if tf == "" {
		t.Skip("no terraform on PATH and TF_ACC_TERRAFORM_PATH not set")
	}
	bin := providerBinary(t)
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := tfcli.WriteCLIConfig(cliConfig, bin); err != nil {
		t.Fatal(err)
	}
	// The environment is built from scratch so that nothing from the machine
	// (credentials, TF_LOG, another CLI configuration) changes what the
	// test sees; HOME points at the test's directory for the same reason.
	env := append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + os.TempDir(),
		"TF_CLI_CONFIG_FILE=" + cliConfig,
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
	}, tfcli.AutomationEnv()...)
	return &terraformCLI{t: t, terraform: tf, dir: dir, env: env}
}

// writeConfig replaces the working directory's configuration.
func (c *terraformCLI) writeConfig(config string) {
	c.t.Helper()
	writeFile(c.t, filepath.Join(c.dir, "main.tf"), tfcli.RequiredProviders+config)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// command prepares terraform with args in the working directory; stdout
// and stderr go to out.
func (c *terraformCLI) command(out io.Writer, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.Command(c.terraform, append(args, "-no-color")...)
	cmd.Dir = c.dir
	cmd.Env = append(append([]string{}, c.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = out, out
	// A process group of its own, so that an interrupt reaches terraform
	// and the provider together, as Ctrl-C in a terminal does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// run runs terraform to the end and returns its output and exit error.
func (c *terraformCLI) run(args ...string) (string, error) {
	c.t.Helper()
	var out bytes.Buffer
	err := c.command(&out, nil, args...).Run()
	return out.String(), err
}

// mustRun runs terraform and fails the test when it fails.
func (c *terraformCLI) mustRun(args ...string) string {
	c.t.Helper()
	start := time.Now()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("terraform %v: %v\n%s", args, err, failureOutput(out))
	}
	c.t.Logf("terraform %v took %v", args, time.Since(start).Round(time.Millisecond))
	return out
}

// failureOutput is the part of a failed run's output worth showing: the
// output of a plan of hundreds of resources, or with TF_LOG, runs to
// megabytes, while terraform prints its errors (with -no-color, at the start
// of a line) last. It is the first error on, or else the end of the output,
// either cut to a few kilobytes.
func failureOutput(out string) string {
	const limit = 8 << 10
	if i := strings.Index("\n"+out, "\nError: "); i >= 0 {
		errs := out[i:]
		if len(errs) <= limit {
			return errs
		}
		return errs[:limit] + "\n[... " + strconv.Itoa(len(errs)-limit) + " more bytes]"
	}
	if len(out) > limit {
		return "[... " + strconv.Itoa(len(out)-limit) + " bytes before]\n" + out[len(out)-limit:]
	}
	return out
}

// TestFailureOutput checks that a failed run shows terraform's errors, not
// the start of a long output.
func TestFailureOutput(t *testing.T) {
	t.Parallel()
	progress := strings.Repeat("oss_object_copy.load[7]: Creating...\n", 1000) // 37 kB
	errs := "Error: Source Object Not Found\n\nThere is no object at oss://b/k.\n"

	if got := failureOutput("Apply complete!\n"); got != "Apply complete!\n" {
		t.Errorf("short output: got %q", got)
	}
	if got := failureOutput(errs); got != errs {
		t.Errorf("errors only: got %q, want the errors", got)
	}
	if got := failureOutput(progress + "\n" + errs); got != errs {
		t.Errorf("errors after progress: got %q, want the errors", got)
	}
	if got := failureOutput(progress + "killed\n"); len(got) > 9<<10 || !strings.HasSuffix(got, "killed\n") ||
		!strings.HasPrefix(got, "[... ") {
		t.Errorf("no error: got %d bytes starting %q, want the last 8 KiB after a marker", len(got), got[:20])
	}
	if got := failureOutput(progress + "\n" + errs + progress); len(got) > 9<<10 || !strings.HasPrefix(got, errs) {
		t.Errorf("errors followed by more output: got %d bytes starting %q, want 8 KiB from the errors", len(got), got[:20])
	}
}

// stateResources lists the resources recorded in the working directory's
// state file (none when there is no state).
func (c *terraformCLI) stateResources() []string {
	c.t.Helper()
	raw, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		c.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []json.RawMessage
		}
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		c.t.Fatalf("terraform.tfstate: %v", err)
	}
	var addrs []string
	for _, r := range state.Resources {
		for range r.Instances {
			addrs = append(addrs, r.Type+"."+r.Name)
		}
	}
	return addrs
}
