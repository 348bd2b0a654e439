// Package tfcli is what the demo and the provider's CLI tests share to run
// the real terraform (or tofu) binary with the provider built from this
// checkout, installed through dev_overrides: no `terraform init`, nothing
// downloaded.
package tfcli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ProviderAddress is the source address the configurations declare for the
// provider that dev_overrides replaces.
const ProviderAddress = "ossprovider/oss"

// RequiredProviders is the terraform block that makes a configuration use
// the provider at ProviderAddress.
const RequiredProviders = `terraform {
  required_providers {
    oss = { source = "` + ProviderAddress + `" }
  }
}
`

// AutomationEnv are the settings every run has: no version check calling
// home, no prompts, output worded for automation.
func AutomationEnv() []string {
	return []string{"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}
}

// BuildProvider builds the provider into dir as terraform-provider-oss. The
// main package is named by its import path, so it builds from any directory
// of the module: the repository root for the demo, a package's directory
// for its tests.
func BuildProvider(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-oss"),
		"github.com/ossprovider/terraform-provider-oss")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return nil
}

// WriteCLIConfig writes a CLI configuration to path whose dev_overrides
// point ProviderAddress at the provider in pluginDir; point
// TF_CLI_CONFIG_FILE at it.
func WriteCLIConfig(path, pluginDir string) error {
	return os.WriteFile(path, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		ProviderAddress, pluginDir), 0o600)
}
