// Package provider implements the oss Terraform provider.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

var (
	_ provider.Provider = (*ossProvider)(nil)
)

// Environment variables read for each provider argument, in order of precedence.
var (
	envRegion        = []string{"OSS_REGION", "ALICLOUD_REGION", "ALIBABA_CLOUD_REGION"}
	envEndpoint      = []string{"OSS_ENDPOINT"}
	envAccessKey     = []string{"OSS_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"}
	envSecretKey     = []string{"OSS_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}
	envSecurityToken = []string{"OSS_SESSION_TOKEN", "ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"}
	envProfile       = []string{"ALICLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE"}
	envCredsFile     = []string{"ALICLOUD_SHARED_CREDENTIALS_FILE", "ALIBABA_CLOUD_CONFIG_FILE"}
)

const (
	signVersionV4 = "v4"
	signVersionV1 = "v1"

	// defaultMaxRetries matches the SDK's own default of three attempts.
	defaultMaxRetries = 2

	// connectTimeout bounds TCP and TLS setup so that an endpoint that refuses
	// or drops connections fails an apply in seconds rather than minutes.
	connectTimeout = 5 * time.Second
)

var signVersions = []string{signVersionV4, signVersionV1}

// ossProvider is the oss provider. Its only state is the version it reports.
type ossProvider struct {
	version string
}

// ossProviderModel maps the provider block.
type ossProviderModel struct {
	Region   types.String `tfsdk:"region"`
	Endpoint types.String `tfsdk:"endpoint"`
	credentialArgs
	SignVersion  types.String `tfsdk:"sign_version"`
	UsePathStyle types.Bool   `tfsdk:"use_path_style"`
	MaxRetries   types.Int64  `tfsdk:"max_retries"`
}

// credentialArgs are the credential arguments, which the provider block
// and a copy's source_credentials block share, and which credentialsIn
// reads by the same rules in both.
type credentialArgs struct {
	AccessKey             types.String     `tfsdk:"access_key"`
	SecretKey             types.String     `tfsdk:"secret_key"`
	SecurityToken         types.String     `tfsdk:"security_token"`
	Profile               types.String     `tfsdk:"profile"`
	SharedCredentialsFile types.String     `tfsdk:"shared_credentials_file"`
	AssumeRole            *assumeRoleModel `tfsdk:"assume_role"`
}

// assumeRoleModel maps the assume_role block.
type assumeRoleModel struct {
	RoleARN         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	ExternalID      types.String `tfsdk:"external_id"`
	DurationSeconds types.Int64  `tfsdk:"duration_seconds"`
}

// providerData is what Configure hands to resources: a ready client plus the
// settings that error messages need to name.
type providerData struct {
	client   *oss.Client
	region   string
	endpoint string
	// planned hands the source a plan read to the Create that follows it.
	planned plannedSources
	// httpClient is client's HTTP client, which the copy engine clones for
	// requests that need a longer read/write timeout.
	httpClient *http.Client
	// settings make the clients of copy sources that client cannot reach,
	// which sources keeps, one per source configuration; credentials are
	// client's, for those that name no credentials of their own.
	settings    clientSettings
	sources     sourceClients
	credentials credentials.CredentialsProvider
	// tuner learns OSS's round trip, stream rate and aggregate cap from
	// every copy through client, so that a copy plans with what the copies
	// before it measured rather than each starting blind.
	tuner *objectcopy.Tuner
}

// clientSettings are what every client the provider makes shares with the
// one its block configures.
type clientSettings struct {
	signVersion  oss.SignatureVersionType
	usePathStyle bool
	maxRetries   int
	userAgent    string
}

// newClient makes an OSS client for region and endpoint ("" for the
// region's public endpoint) signing with creds, and returns it with its own
// HTTP client, the SDK's, which the copy engine clones (see
// objectcopy.Params.HTTPClient).
func (s clientSettings) newClient(region, endpoint string, creds credentials.CredentialsProvider) (*oss.Client, *http.Client) {
	httpClient := transport.NewHttpClient(&transport.Config{ConnectTimeout: oss.Ptr(connectTimeout)})
	cfg := oss.LoadDefaultConfig().
		WithRegion(region).
		WithCredentialsProvider(creds).
		WithSignatureVersion(s.signVersion).
		WithUsePathStyle(s.usePathStyle).
		WithHttpClient(httpClient).
		WithRetryer(retry.NewStandard(func(o *retry.RetryOptions) {
			o.MaxAttempts = s.maxRetries + 1
		})).
		WithUserAgent(s.userAgent).
		// The only uploads are a relayed copy's parts, whose CRC64 the copy
		// engine computes and checks itself: the SDK's check would hash
		// every byte a second time, nearly half the relay's CPU.
		WithDisableUploadCRC64Check(true)
	if endpoint != "" {
		cfg = cfg.WithEndpoint(endpoint)
	}
	return oss.NewClient(cfg), httpClient
}

// New returns a factory for the oss provider reporting the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ossProvider{version: version}
	}
}

func (p *ossProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "oss"
	resp.Version = p.version
}

func (p *ossProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The oss provider manages objects in Alibaba Cloud Object Storage Service (OSS) " +
			"through the OSS Go SDK V2.\n\n" +
			"Every argument may be left out and read from the environment instead; when an argument is set " +
			"it wins over its environment variables, which are read in the order listed for each argument. " +
			"Every argument, those of `assume_role` included, must be known when Terraform plans: one that " +
			"depends on a resource not created yet is an error, never a silent default.\n\n" +
			"Credentials come from exactly one source, the first of these that is present. A key pair and " +
			"its security token always come from that one source: never an access key ID from one place and " +
			"the secret or the token from another.\n\n" +
			"1. The provider block's `access_key`, `secret_key` and `security_token`. When any of them is set, " +
			"`access_key` and `secret_key` must both be set there, and the token is `security_token` or none.\n" +
			"2. The provider block's `profile` or `shared_credentials_file`: that profile of the Alibaba Cloud " +
			"CLI's configuration file (see those arguments), even when key pairs are set in the environment.\n" +
			"3. One family of environment variables, the first of " + envFamilies() + " that has any of its " +
			"variables set. It must hold both the access key ID and the secret; its own token variable is the " +
			"only token used.\n" +
			"4. A profile named by " + quotedList(envProfile) + " or a file named by " + quotedList(envCredsFile) +
			", read as in 2.\n" +
			"5. The default credential chain of `github.com/aliyun/credentials-go`: OIDC " +
			"(`ALIBABA_CLOUD_OIDC_*`), the CLI configuration file, `~/.alibabacloud/credentials`, the ECS " +
			"instance RAM role and `ALIBABA_CLOUD_CREDENTIALS_URI`.\n\n" +
			"A source that is incomplete (an `access_key` without `secret_key`, `OSS_ACCESS_KEY_ID` without " +
			"`OSS_ACCESS_KEY_SECRET`, a token without its key pair) is an error that names what is missing and " +
			"what is set elsewhere; a security token variable set outside the source in use is not used, with " +
			"a warning.\n\n" +
			"When `assume_role` is set, the credentials found this way are used to assume that RAM role " +
			"through STS and OSS is called with the role's temporary credentials.\n\n" +
			"Configuring the provider makes no network call: credentials that come from STS, the ECS " +
			"metadata service or OIDC are fetched on the first request.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the buckets, for example `cn-hangzhou`. OSS serves a bucket " +
					"only through the endpoint of its own region, so a provider configuration reaches the buckets " +
					"of one region; use an aliased provider block for each other region. Required, from the " +
					"argument or " + quotedList(envRegion) + ".",
				Optional: true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "OSS endpoint. Defaults to the public endpoint of `region` " +
					"(`oss-<region>.aliyuncs.com`). A scheme in the value is honoured, so " +
					"`http://127.0.0.1:9000` talks plain HTTP; without a scheme HTTPS is used. " +
					"Also read from " + quotedList(envEndpoint) + ".",
				Optional: true,
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key ID; requires `secret_key` in the provider block. When no " +
					"credential argument is set, the key pair may come from the environment instead: " +
					quotedList(envAccessKey) + ", each with the secret and token of its own family (see above).",
				Optional: true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Access key secret; requires `access_key` in the provider block. When no " +
					"credential argument is set, it may come from " + quotedList(envSecretKey) + " instead, " +
					"with the access key ID of the same family.",
				Optional:  true,
				Sensitive: true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "STS security token that goes with a temporary `access_key` and " +
					"`secret_key`, which must be set in the provider block too. When no credential argument " +
					"is set, it may come from " + quotedList(envSecurityToken) + " instead, with the key pair " +
					"of the same family; a token variable is never used with the arguments' key pair.",
				Optional:  true,
				Sensitive: true,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Name of a profile in `shared_credentials_file`. Used when the provider " +
					"block sets no access key pair, and then wins over key pairs in environment variables. " +
					"Also read from " + quotedList(envProfile) + ", which is used only when no key pair is given " +
					"anywhere.",
				Optional: true,
			},
			"shared_credentials_file": schema.StringAttribute{
				MarkdownDescription: "Path of the Alibaba Cloud CLI configuration file that holds `profile`. " +
					"Defaults to `~/.aliyun/config.json`. Also read from " + quotedList(envCredsFile) + ".",
				Optional: true,
			},
			"sign_version": schema.StringAttribute{
				MarkdownDescription: "Request signature version: " + quotedList(signVersions) +
					". Defaults to `" + signVersionV4 + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(signVersions...)},
			},
			"use_path_style": schema.BoolAttribute{
				MarkdownDescription: "Address buckets as `endpoint/bucket/key` instead of " +
					"`bucket.endpoint/key`. Endpoints that are IP addresses always use path style; " +
					"set this for host names such as `localhost`. Defaults to `false`.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request that failed with a retryable "+
					"error (5xx, throttling, a dropped connection, a skewed clock) is retried, with "+
					"jittered exponential backoff. Errors such as 403, 404 and 409 are never retried. "+
					"Defaults to `%d`. The part copies of `oss_object_copy` are retried by its copy "+
					"engine instead, up to 6 attempts per request within a retry budget per copy; a request "+
					"that OSS throttles, asking it to wait, comes back when asked, spaced from the others, "+
					"up to 30 times and outside the budget.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume a RAM role through STS with the credentials found as " +
					"described above, and call OSS with the role's temporary credentials.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the RAM role, for example " +
							"`acs:ram::123456789012****:role/copier`.",
						Optional: true,
						Validators: []validator.String{
							stringvalidator.LengthAtLeast(1),
						},
					},
					"session_name": schema.StringAttribute{
						MarkdownDescription: "Role session name recorded in the audit trail. Defaults to " +
							"one generated by the credentials library.",
						Optional: true,
					},
					"external_id": schema.StringAttribute{
						MarkdownDescription: "External ID the role's trust policy asks for.",
						Optional:            true,
					},
					"duration_seconds": schema.Int64Attribute{
						MarkdownDescription: "Lifetime of the temporary credentials in seconds, at least " +
							"`900` and at most the role's maximum session duration. Defaults to `3600`. " +
							"They are renewed before they expire.",
						Optional:   true,
						Validators: []validator.Int64{int64validator.Between(900, 43200)},
					},
				},
			},
		},
	}
}

func (p *ossProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg ossProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// An unknown value read as a zero value would configure another client
	// than the one the configuration asks for, without a word.
	for _, a := range cfg.arguments() {
		if a.value.IsUnknown() {
			resp.Diagnostics.Append(unknownProviderArgumentDiag(a.path))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	region := stringOrEnv(cfg.Region, envRegion)
	if region == "" {
		resp.Diagnostics.Append(missingProviderArgumentDiag("region", envRegion,
			"the region of the buckets, for example cn-hangzhou"))
		return
	}
	endpoint := stringOrEnv(cfg.Endpoint, envEndpoint)

	creds, diags := credentialsFromConfig(cfg.credentialArgs, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	maxRetries := defaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	signVersion := oss.SignatureVersionV4
	if cfg.SignVersion.ValueString() == signVersionV1 {
		signVersion = oss.SignatureVersionV1
	}

	settings := clientSettings{signVersion: signVersion, usePathStyle: cfg.UsePathStyle.ValueBool(),
		maxRetries: maxRetries, userAgent: "terraform-provider-oss/" + p.version}
	client, httpClient := settings.newClient(region, endpoint, creds)
	tflog.Debug(ctx, "configured OSS client", map[string]any{
		"region":         region,
		"endpoint":       endpoint,
		"sign_version":   signVersion.String(),
		"use_path_style": cfg.UsePathStyle.ValueBool(),
		"max_retries":    maxRetries,
	})

	data := &providerData{client: client, httpClient: httpClient, region: region, endpoint: endpoint, settings: settings,
		credentials: creds, tuner: objectcopy.NewTuner()}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// providerArgument is one argument of the provider block, by its path.
type providerArgument struct {
	path  path.Path
	value attr.Value
}

// arguments lists every argument of the provider block, with those of the
// assume_role block when there is one. Terraform never makes the block
// itself unknown: a dynamic block whose for_each is unknown arrives as one
// block whose attributes set in its content are unknown.
func (cfg ossProviderModel) arguments() []providerArgument {
	args := []providerArgument{
		{path.Root("region"), cfg.Region}, {path.Root("endpoint"), cfg.Endpoint},
		{path.Root("access_key"), cfg.AccessKey}, {path.Root("secret_key"), cfg.SecretKey},
		{path.Root("security_token"), cfg.SecurityToken}, {path.Root("profile"), cfg.Profile},
		{path.Root("shared_credentials_file"), cfg.SharedCredentialsFile},
		{path.Root("sign_version"), cfg.SignVersion}, {path.Root("use_path_style"), cfg.UsePathStyle},
		{path.Root("max_retries"), cfg.MaxRetries},
	}
	if cfg.AssumeRole != nil {
		ar := path.Root("assume_role")
		args = append(args,
			providerArgument{ar.AtName("role_arn"), cfg.AssumeRole.RoleARN},
			providerArgument{ar.AtName("session_name"), cfg.AssumeRole.SessionName},
			providerArgument{ar.AtName("external_id"), cfg.AssumeRole.ExternalID},
			providerArgument{ar.AtName("duration_seconds"), cfg.AssumeRole.DurationSeconds})
	}
	return args
}

func (p *ossProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewObjectCopyResource,
		NewPrefixCopyResource,
	}
}

func (p *ossProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewObjectsDataSource,
		NewObjectDataSource,
	}
}

// stringOrEnv returns the configured value, else the first non-empty
// environment variable of names.
func stringOrEnv(v types.String, names []string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	for _, name := range names {
		if s := os.Getenv(name); s != "" {
			return s
		}
	}
	return ""
}

// envFamilies names the families of credential environment variables in
// the order they are read, for descriptions.
func envFamilies() string {
	families := make([]string, len(envAccessKey))
	for i := range envAccessKey {
		families[i] = "(" + quotedList([]string{envAccessKey[i], envSecretKey[i], envSecurityToken[i]}) + ")"
	}
	return strings.Join(families, ", ")
}

// quotedList renders environment variable names or allowed values as
// Markdown code for descriptions.
func quotedList(values []string) string {
	return "`" + strings.Join(values, "`, `") + "`"
}

// configuredData is the Configure of the resource and the data sources: it
// returns the provider's data, or nil when there is none yet.
func configuredData(data any, diags *diag.Diagnostics) *providerData {
	// Nil until the provider is configured, e.g. during validate.
	if data == nil {
		return nil
	}
	pd, err := requiredProviderData(data)
	if err != nil {
		diags.Append(providerDataDiag(err))
	}
	return pd
}

// requiredProviderData extracts the provider's data in a resource's Configure.
func requiredProviderData(data any) (*providerData, error) {
	pd, ok := data.(*providerData)
	if !ok {
		return nil, fmt.Errorf("expected *providerData, got %T", data)
	}
	return pd, nil
}

// plainList renders environment variable names for diagnostics.
func plainList(names []string) string {
	return strings.Join(names, ", ")
}
