package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// examplesDir holds the configurations that the generated docs embed.
var examplesDir = filepath.Join("..", "..", "examples")

var (
	// pinnedVersionRE finds the made-up source_version_id in the resource example, which the test
	// swaps for the version the emulator assigned.
	pinnedVersionRE = regexp.MustCompile(`source_version_id\s*=\s*"[^"]*"`)
	// importCommandRE reads the resource address and ID out of import.sh.
	importCommandRE = regexp.MustCompile(`terraform import (\S+) '([^']+)'`)
)

// TestAccExamples_ObjectCopy applies the documentation's provider and resource examples,
// unchanged but for the pinned version ID, against the emulator and imports with the command from
// import.sh, so the docs cannot drift from the schema or the import ID format.
func TestAccExamples_ObjectCopy(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the examples name fixed buckets")

	providerTF := readExample(t, "provider", "provider.tf")
	resourceTF := readExample(t, "resources", "oss_object_copy", "resource.tf")
	importSH := readExample(t, "resources", "oss_object_copy", "import.sh")

	createExampleBucket(o, "ml-training", false)
	createExampleBucket(o, "ml-serving", false)
	createExampleBucket(o, "reports", true)
	createExampleBucket(o, "reports-archive", false)
	o.put("ml-training", "runs/2026-11-20/model.safetensors", []byte("weights"), nil)
	reportVersion := o.put("reports", "2026/q3/report.pdf", []byte("%PDF-1.7 q3"), map[string]string{"Content-Type": "application/pdf"})
	// A newer version must not be what the pinned copy gets.
	o.put("reports", "2026/q3/report.pdf", []byte("%PDF-1.7 q3, revised"), map[string]string{"Content-Type": "application/pdf"})

	if n := len(pinnedVersionRE.FindAllString(resourceTF, -1)); n != 1 {
		t.Fatalf("resource.tf: want one source_version_id, found %d", n)
	}
	resourceTF = pinnedVersionRE.ReplaceAllString(resourceTF, "source_version_id = "+hcl(reportVersion))
	m := importCommandRE.FindStringSubmatch(importSH)
	if m == nil {
		t.Fatalf("import.sh: no `terraform import ADDRESS 'ID'` command in:\n%s", importSH)
	}
	importAddress, importID := m[1], m[2]

	setExampleEnv(t, o)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				Config: providerTF + resourceTF,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("oss_object_copy.archived_report", tfjsonpath.New("source_version_id"),
						knownvalue.StringExact(reportVersion)),
					statecheck.ExpectKnownValue("oss_object_copy.archived_report", tfjsonpath.New("content_type"),
						knownvalue.StringExact("application/pdf")),
					statecheck.ExpectKnownValue("oss_object_copy.archived_report", tfjsonpath.New("storage_class"),
						knownvalue.StringExact("IA")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					o.checkSameBytes("ml-training", "runs/2026-11-20/model.safetensors",
						"ml-serving", "models/current/model.safetensors"),
					checkObjectBytes(o, "reports-archive", "2026/q3/report.pdf", "%PDF-1.7 q3"),
				),
			},
			{
				ResourceName:      importAddress,
				ImportState:       true,
				ImportStateId:     importID,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccExamples_DataSources reads the documentation's data source examples, unchanged, against
// the emulator and checks the outputs they define.
func TestAccExamples_DataSources(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("the examples name fixed buckets")

	config := readExample(t, "provider", "provider.tf") +
		readExample(t, "data-sources", "oss_object", "data-source.tf") +
		readExample(t, "data-sources", "oss_objects", "data-source.tf")

	createExampleBucket(o, "golden-data", false)
	manifest := `{"files": ["users.csv"]}`
	o.put("golden-data", "fixtures/v3/manifest.json", []byte(manifest), map[string]string{
		"Content-Type":     "application/json",
		"x-oss-meta-owner": "data-team",
		"x-oss-tagging":    "release=2026.11",
	})
	o.put("golden-data", "fixtures/v3/users.csv", []byte("id,name\n1,ada\n"), nil)
	o.put("golden-data", "fixtures/v2/users.csv", []byte("id\n"), nil)
	setExampleEnv(t, o)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("manifest", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"size":         knownvalue.Int64Exact(int64(len(manifest))),
					"crc64":        knownvalue.NotNull(),
					"content_type": knownvalue.StringExact("application/json"),
					"owner":        knownvalue.StringExact("data-team"),
					"release":      knownvalue.StringExact("2026.11"),
				})),
				statecheck.ExpectKnownOutputValue("fixture_count", knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownOutputValue("fixture_bytes", knownvalue.Int64Exact(int64(len(manifest)+len("id,name\n1,ada\n")))),
				statecheck.ExpectKnownOutputValue("fixture_versions", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("fixtures/v2/"),
					knownvalue.StringExact("fixtures/v3/"),
				})),
			},
		}},
	})
}

// createExampleBucket creates a bucket with the fixed name an example uses.
func createExampleBucket(o *testOSS, name string, versioned bool) {
	o.t.Helper()
	if err := o.emu.CreateBucket(name, ""); err != nil {
		o.t.Fatal(err)
	}
	if err := o.emu.SetBucketVersioning(name, versioned); err != nil {
		o.t.Fatal(err)
	}
	o.buckets = append(o.buckets, name)
}

// setExampleEnv points the provider at the emulator through the environment: provider.tf sets
// only the region and leaves credentials to the environment, as it recommends, and its
// required_providers names the provider by its real source address.
func setExampleEnv(t *testing.T, o *testOSS) {
	t.Setenv("OSS_ENDPOINT", o.endpoint)
	t.Setenv("OSS_ACCESS_KEY_ID", o.id)
	t.Setenv("OSS_ACCESS_KEY_SECRET", o.secret)
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ossprovider")
}

// checkObjectBytes asserts the content of an object's current version.
func checkObjectBytes(o *testOSS, bucket, key, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := o.get(bucket, key)
		if err != nil {
			return err
		}
		if string(got) != want {
			return fmt.Errorf("oss://%s/%s holds %q, want %q", bucket, key, got, want)
		}
		return nil
	}
}

func readExample(t *testing.T, elem ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{examplesDir}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
