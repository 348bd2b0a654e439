package provider

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// signatureRecorder is a reverse proxy in front of the emulator that keeps
// every request signature it forwards, so that a test can look for them
// in logs.
type signatureRecorder struct {
	mu         sync.Mutex
	signatures map[string]bool
}

var signatureRE = regexp.MustCompile(`Signature=([0-9a-fA-F]+)`)

func (r *signatureRecorder) proxy(t *testing.T, emu *ossemu.Server) string {
	return emulatorProxy(t.Cleanup, emu, func(req *http.Request) {
		if m := signatureRE.FindStringSubmatch(req.Header.Get("Authorization")); m != nil {
			r.mu.Lock()
			r.signatures[m[1]] = true
			r.mu.Unlock()
		}
	}, nil)
}

// TestAccObjectCopy_SecretsNeverLogged runs apply, a refresh and destroy
// with STS credentials and TF_LOG=TRACE through the real terraform and
// provider binaries, once with the credentials in the provider block and
// once in the environment. Neither terraform's nor the provider's log, nor
// the state, may contain the access key secret, the security token or a
// request signature.
func TestAccObjectCopy_SecretsNeverLogged(t *testing.T) {
	t.Parallel()
	for _, inEnv := range []bool{false, true} {
		name := "provider block"
		if inEnv {
			name = "environment"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cli := newTerraformCLI(t)
			const (
				id     = "STS.NUy7Hx3kQ9pLqTfF4"
				secret = "s3cr3t-Qm9A1c2Vz8WbX4"
				token  = "CAIS-tok3n-8Lr2Kd7Hs0PqYx6Jv"
			)
			emu := ossemu.NewTestServer(t, ossemu.WithTemporaryCredentials(id, secret, token, time.Now().Add(time.Hour)))
			for _, b := range []string{"secret-src", "secret-dst"} {
				if err := emu.CreateBucket(b, ""); err != nil {
					t.Fatal(err)
				}
			}
			// Multi-part, so that parts are signed and logged too.
			if _, err := emu.PutGeneratedObject("secret-src", "k", 3*102400, 1, nil); err != nil {
				t.Fatal(err)
			}
			rec := &signatureRecorder{signatures: map[string]bool{}}
			endpoint := rec.proxy(t, emu)

			var env []string
			provider := `provider "oss" {
  region         = ` + hcl(emu.Region()) + `
  endpoint       = ` + hcl(endpoint) + `
  access_key     = ` + hcl(id) + `
  secret_key     = ` + hcl(secret) + `
  security_token = ` + hcl(token) + `
}
`
			if inEnv {
				env = []string{"OSS_REGION=" + emu.Region(), "OSS_ENDPOINT=" + endpoint,
					"OSS_ACCESS_KEY_ID=" + id, "OSS_ACCESS_KEY_SECRET=" + secret, "OSS_SESSION_TOKEN=" + token}
				provider = `provider "oss" {}` + "\n"
			}
			cli.writeConfig(provider + copyConfig("secret-dst", "k", "secret-src", "k", "part_size = 102400"))
			env = append(env, "TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE")

			var logs strings.Builder
			for _, args := range [][]string{{"apply", "-auto-approve"}, {"plan", "-refresh-only"}, {"destroy", "-auto-approve"}} {
				var out strings.Builder
				if err := cli.command(&out, env, args...).Run(); err != nil {
					t.Fatalf("terraform %v: %v\n%s", args, err, failureOutput(out.String()))
				}
				logs.WriteString(out.String())
				if args[0] == "apply" {
					state, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate"))
					if err != nil {
						t.Fatal(err)
					}
					logs.Write(state)
				}
			}
			all := logs.String()

			// The log is only evidence if it holds the provider's own lines.
			for _, want := range []string{"copied object", "multipart copy started", "provider.terraform-provider-oss"} {
				if !strings.Contains(all, want) {
					t.Fatalf("the captured output has no %q: the provider's log was not captured", want)
				}
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.signatures) < 5 {
				t.Fatalf("only %d request signatures recorded", len(rec.signatures))
			}
			forbidden := map[string]string{"access key secret": secret, "security token": token,
				"signature marker": "Signature=", "authorization scheme": "OSS4-HMAC-SHA256"}
			for sig := range rec.signatures {
				forbidden["signature "+sig[:8]+"..."] = sig
			}
			for what, s := range forbidden {
				if i := strings.Index(all, s); i >= 0 {
					t.Errorf("the %s appears in the output: ...%s...", what, all[max(0, i-200):min(len(all), i+len(s)+50)])
				}
			}
			t.Logf("%d bytes of TRACE output and state checked against %d request signatures", len(all), len(rec.signatures))
		})
	}
}
