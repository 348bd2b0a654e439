package provider

import (
	"strings"
	"testing"
)

// TestProvider_UnknownArguments configures each provider argument that has
// no other test of its own from a resource that does not exist yet: the
// plan fails and names the argument, where it used to fall back silently to
// a default (max_retries 0, virtual-hosted addressing, no external ID).
func TestProvider_UnknownArguments(t *testing.T) {
	t.Parallel()
	const credentials = `
  region     = "cn-hangzhou"
  endpoint   = "http://127.0.0.1:1"
  access_key = "id"
  secret_key = "secret"
`
	assumeRole := func(name, value string) string {
		args := map[string]string{
			"role_arn": `"acs:ram::123456789012:role/copier"`, "session_name": `"terraform"`,
			"external_id": `"abc"`, "duration_seconds": "3600",
		}
		args[name] = value
		return credentials + `  assume_role {
    role_arn         = ` + args["role_arn"] + `
    session_name     = ` + args["session_name"] + `
    external_id      = ` + args["external_id"] + `
    duration_seconds = ` + args["duration_seconds"] + `
  }
`
	}
	for name, tc := range map[string]struct {
		input, arguments string
	}{
		"max_retries":                  {`3`, credentials + "  max_retries = terraform_data.later.output\n"},
		"use_path_style":               {`true`, credentials + "  use_path_style = terraform_data.later.output\n"},
		"assume_role.role_arn":         {`"acs:ram::123456789012:role/copier"`, assumeRole("role_arn", "terraform_data.later.output")},
		"assume_role.session_name":     {`"terraform"`, assumeRole("session_name", "terraform_data.later.output")},
		"assume_role.external_id":      {`"abc"`, assumeRole("external_id", "terraform_data.later.output")},
		"assume_role.duration_seconds": {`3600`, assumeRole("duration_seconds", "terraform_data.later.output")},
		// A dynamic block whose for_each is unknown: Terraform makes one
		// block of it, with what its content sets unknown.
		"assume_role.role_arn from a dynamic block": {`["acs:ram::123456789012:role/copier"]`, credentials + `  dynamic "assume_role" {
    for_each = terraform_data.later.output
    content {
      role_arn = assume_role.value
    }
  }
`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			name, _, _ := strings.Cut(name, " ")
			planFails(t, `
resource "terraform_data" "later" {
  input = `+tc.input+`
}

provider "oss" {`+tc.arguments+`}
`, diagMessage(`Unknown Provider Argument `+name, `The value of "`+name+`" is not known until apply, but `+
				`the oss provider needs it to plan. Use a value known at plan time, or apply the resources it `+
				`depends on first with -target.`))
		})
	}
}
