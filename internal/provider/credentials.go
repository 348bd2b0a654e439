package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

var (
	_ credentials.CredentialsProvider = (*chainCredentials)(nil)
)

// credentialsFromConfig picks the credential source by the precedence the
// provider's description documents. It never makes a network call: sources
// that need one (STS, ECS metadata, OIDC) are asked on the first request.
func credentialsFromConfig(cfg ossProviderModel, region string) (credentials.CredentialsProvider, diag.Diagnostics) {
	var diags diag.Diagnostics
	accessKey := stringOrEnv(cfg.AccessKey, envAccessKey)
	secretKey := stringOrEnv(cfg.SecretKey, envSecretKey)
	token := stringOrEnv(cfg.SecurityToken, envSecurityToken)

	switch {
	case accessKey != "" && secretKey == "":
		diags.Append(missingProviderArgumentDiag("secret_key", envSecretKey,
			"the secret that goes with the access key ID that is set"))
		return nil, diags
	case accessKey == "" && secretKey != "":
		diags.Append(missingProviderArgumentDiag("access_key", envAccessKey,
			"the access key ID that goes with the secret that is set"))
		return nil, diags
	}

	if accessKey != "" && cfg.AssumeRole == nil {
		return credentials.NewStaticCredentialsProvider(accessKey, secretKey, token), nil
	}

	var (
		base   providers.CredentialsProvider
		source string
		err    error
	)
	switch {
	case accessKey != "" && token != "":
		base, err = providers.NewStaticSTSCredentialsProviderBuilder().
			WithAccessKeyId(accessKey).WithAccessKeySecret(secretKey).WithSecurityToken(token).Build()
		source = "access_key, secret_key and security_token"
	case accessKey != "":
		base, err = providers.NewStaticAKCredentialsProviderBuilder().
			WithAccessKeyId(accessKey).WithAccessKeySecret(secretKey).Build()
		source = "access_key and secret_key"
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
		diags.Append(credentialsSetupDiag(source, err))
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
			diags.Append(assumeRoleSetupDiag(err))
			return nil, diags
		}
		source = fmt.Sprintf("role %s assumed with %s", ar.RoleARN.ValueString(), source)
	}
	return &chainCredentials{provider: base, source: source}, nil
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
