package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

var (
	_ credentials.CredentialsProvider = (*chainCredentials)(nil)
)

// credentialPlace is where credential arguments are set: the provider block,
// or the source_credentials block of a copy, which follows the same rules.
// Diagnostics name it and point at its arguments.
type credentialPlace struct {
	name string    // in prose: "the provider block"
	noun string    // in summaries: "Provider"
	path path.Path // of the block; empty for the provider block
}

var (
	providerBlock          = credentialPlace{name: "the provider block", noun: "Provider", path: path.Empty()}
	sourceCredentialsBlock = credentialPlace{name: "the source_credentials block", noun: "Source Credentials",
		path: path.Root("source_credentials")}
)

// credentialsFromConfig picks the provider's credential source by the
// precedence the provider's description documents.
func credentialsFromConfig(cfg credentialArgs, region string) (credentials.CredentialsProvider, diag.Diagnostics) {
	return credentialsIn(providerBlock, cfg, region)
}

// credentialsIn picks the credential source of the arguments in place by the
// provider's precedence. It never makes a network call: sources that need
// one (STS, ECS metadata, OIDC) are asked on the first request.
func credentialsIn(place credentialPlace, cfg credentialArgs, region string) (credentials.CredentialsProvider, diag.Diagnostics) {
	pair, diags := keyPairFromConfig(place, cfg)
	if diags.HasError() {
		return nil, diags
	}
	if pair != nil && cfg.AssumeRole == nil {
		return credentials.NewStaticCredentialsProvider(pair.id, pair.secret, pair.token), diags
	}

	var (
		base   providers.CredentialsProvider
		source string
		err    error
	)
	switch {
	case pair != nil && pair.token != "":
		base, err = providers.NewStaticSTSCredentialsProviderBuilder().
			WithAccessKeyId(pair.id).WithAccessKeySecret(pair.secret).WithSecurityToken(pair.token).Build()
		source = pair.source
	case pair != nil:
		base, err = providers.NewStaticAKCredentialsProviderBuilder().
			WithAccessKeyId(pair.id).WithAccessKeySecret(pair.secret).Build()
		source = pair.source
	default:
		profile := stringOrEnv(cfg.Profile, envProfile)
		file := stringOrEnv(cfg.SharedCredentialsFile, envCredsFile)
		if profile == "" && file == "" {
			base = providers.NewDefaultCredentialsProvider()
			source = "the default credential chain"
			break
		}
		base, err = providers.NewCLIProfileCredentialsProviderBuilder().
			WithProfileName(profile).WithProfileFile(file).Build()
		source = fmt.Sprintf("profile %q of the shared credentials file", profile)
		if file != "" {
			source = fmt.Sprintf("profile %q of %s", profile, file)
		}
	}
	if err != nil {
		diags.Append(credentialsSetupDiag(place, source, err))
		return nil, diags
	}

	if ar := cfg.AssumeRole; ar != nil {
		builder := providers.NewRAMRoleARNCredentialsProviderBuilder().
			WithCredentialsProvider(base).
			WithRoleArn(ar.RoleARN.ValueString()).
			WithRoleSessionName(ar.SessionName.ValueString()).
			WithExternalId(ar.ExternalID.ValueString()).
			WithDurationSeconds(int(ar.DurationSeconds.ValueInt64())).
			WithStsRegionId(region)
		base, err = builder.Build()
		if err != nil {
			diags.Append(assumeRoleSetupDiag(place, err))
			return nil, diags
		}
		source = fmt.Sprintf("role %s assumed with %s", ar.RoleARN.ValueString(), source)
	}
	return &chainCredentials{provider: base, source: source}, diags
}

// keyPair is an access key pair, with its security token when it is
// temporary, and the one source all three came from.
type keyPair struct {
	id, secret, token string
	source            string // for diagnostics: the arguments or variables
}

// keyPairFromConfig finds the key pair, if any, by the documented
// precedence: the arguments in place; else none when the block
// names a profile or credentials file; else the first family of
// environment variables (OSS_*, ALICLOUD_*, ALIBABA_CLOUD_*) that has any
// of its variables set. A key pair and its token never mix sources: an ID
// from one and a secret or token from another would sign with credentials
// nobody issued, which OSS refuses request after request, or worse, reaches
// another account than the one meant. So a source that is incomplete is an
// error naming what is missing and what is set elsewhere, and a token set
// outside the chosen source is left unused, with a warning.
func keyPairFromConfig(place credentialPlace, cfg credentialArgs) (*keyPair, diag.Diagnostics) {
	var diags diag.Diagnostics
	args := []string{cfg.AccessKey.ValueString(), cfg.SecretKey.ValueString(), cfg.SecurityToken.ValueString()}
	names := []string{"access_key", "secret_key", "security_token"}
	if slices.ContainsFunc(args, func(v string) bool { return v != "" }) {
		var set []string
		for i, v := range args {
			if v != "" {
				set = append(set, names[i])
			}
		}
		for i, env := range [][]string{envAccessKey, envSecretKey} {
			if args[i] == "" {
				diags.Append(credentialArgumentMissingDiag(place, names[i], set, setVariables(env)))
			}
		}
		if diags.HasError() {
			return nil, diags
		}
		pair := &keyPair{id: args[0], secret: args[1], token: args[2], source: "access_key and secret_key"}
		if pair.token != "" {
			pair.source = "access_key, secret_key and security_token"
		} else if unused := setVariables(envSecurityToken); len(unused) > 0 {
			diags.Append(tokenNotUsedWarning(place.name+"'s access_key and secret_key",
				`"security_token" in `+place.name, unused))
		}
		return pair, diags
	}
	if cfg.Profile.ValueString() != "" || cfg.SharedCredentialsFile.ValueString() != "" {
		return nil, diags
	}
	for i := range envAccessKey {
		family := []string{envAccessKey[i], envSecretKey[i], envSecurityToken[i]}
		id := os.Getenv(envAccessKey[i])
		secret := os.Getenv(envSecretKey[i])
		token := os.Getenv(envSecurityToken[i])
		if id == "" && secret == "" && token == "" {
			continue
		}
		if id == "" || secret == "" {
			set := setVariables(family)
			missing := slices.DeleteFunc(slices.Clone(family[:2]), func(v string) bool { return slices.Contains(set, v) })
			diags.Append(credentialVariablesIncompleteDiag(family, set, missing, otherVariables(i)))
			return nil, diags
		}
		pair := &keyPair{id: id, secret: secret, token: token, source: family[0] + " and " + family[1]}
		if token != "" {
			pair.source = family[0] + ", " + family[1] + " and " + family[2]
		} else if unused := setVariables(slices.Delete(slices.Clone(envSecurityToken), i, i+1)); len(unused) > 0 {
			diags.Append(tokenNotUsedWarning(pair.source, family[2], unused))
		}
		return pair, diags
	}
	return nil, diags
}

// setVariables returns those of names that are set to a non-empty value.
func setVariables(names []string) []string {
	var set []string
	for _, name := range names {
		if os.Getenv(name) != "" {
			set = append(set, name)
		}
	}
	return set
}

// otherVariables returns the credential variables that are set outside the
// family at index i.
func otherVariables(i int) []string {
	var set []string
	for j := range envAccessKey {
		if j != i {
			set = append(set, setVariables([]string{envAccessKey[j], envSecretKey[j], envSecurityToken[j]})...)
		}
	}
	return set
}

// chainCredentials adapts a credentials-go provider to the OSS SDK. The
// credentials-go providers cache and renew temporary credentials themselves
// but are not safe for concurrent use, and the copy engine signs parts from
// several goroutines, hence the mutex.
type chainCredentials struct {
	mu       sync.Mutex
	provider providers.CredentialsProvider
	source   string
}

func (c *chainCredentials) GetCredentials(_ context.Context) (credentials.Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cc, err := c.provider.GetCredentials()
	if err != nil {
		return credentials.Credentials{}, &credentialsError{source: c.source, err: err}
	}
	return credentials.Credentials{
		AccessKeyID:     cc.AccessKeyId,
		AccessKeySecret: cc.AccessKeySecret,
		SecurityToken:   cc.SecurityToken,
	}, nil
}

// credentialsError marks a failure to obtain credentials, as opposed to
// credentials that OSS rejected, so diagnostics can say which it was.
type credentialsError struct {
	source string
	err    error
}

func (e *credentialsError) Error() string {
	return fmt.Sprintf("getting credentials from %s: %v", e.source, e.err)
}

func (e *credentialsError) Unwrap() error { return e.err }
