package provider

import (
	"context"
	"sync"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Values of copy_method.
const (
	copyServerSide = "server-side"
	copyRelay      = "relay"
)

// sourceAttributes are the attributes that say where the source lives, and
// how the copy reaches it. relayBytes is the resource's relay_bytes, which
// counts what it copies; methodModifiers are copy_method's plan modifiers.
func sourceAttributes(relayBytes schema.Int64Attribute, methodModifiers ...planmodifier.String) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"source_region": schema.StringAttribute{
			MarkdownDescription: "Region of `source_bucket`, for example `cn-shanghai`. Defaults to the " +
				"provider's region. A source in another region is copied by relay (see `copy_method`). " +
				"Changing it creates a new copy.",
			Optional:      true,
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"source_endpoint": schema.StringAttribute{
			MarkdownDescription: "OSS endpoint through which the source is read, as the provider's " +
				"`endpoint`. Defaults to the provider's endpoint when `source_region` is the provider's " +
				"region, else to the public endpoint of `source_region`. An endpoint other than the " +
				"provider's makes the copy a relay. Changing it updates state only and copies nothing.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"copy_method": schema.StringAttribute{
			MarkdownDescription: "How the copy is made, known at plan time: `" + copyServerSide + "` when the " +
				"source is read with the provider's region, endpoint and credentials, so that OSS copies the " +
				"bytes itself and they never reach this machine; `" + copyRelay + "` otherwise (`source_region`, " +
				"`source_endpoint` or `source_credentials` name another place or account), when the bytes are " +
				"read from the source and written to the destination by the machine that runs Terraform.",
			Computed:      true,
			PlanModifiers: methodModifiers,
		},
		"relay_bytes": relayBytes,
	}
}

// relayedBytes is relay_bytes of a copy of size bytes made by method.
func relayedBytes(method string, size int64) int64 {
	if method == copyRelay {
		return size
	}
	return 0
}

// sourceCredentialsSchemaBlock is the source_credentials block.
func sourceCredentialsSchemaBlock() schema.Block {
	writeOnly := " Write-only: never stored in the state (Terraform 1.11 or later)."
	return schema.SingleNestedBlock{
		MarkdownDescription: "Credentials that read the source, when the provider's credentials may not: " +
			"a source in another account. They are found by the same rules as the provider's own, in the " +
			"same order: `access_key`, `secret_key` and `security_token` here; else `profile` or " +
			"`shared_credentials_file` here; else the first family of credential environment variables " +
			"that has any set; else a profile named in the environment; else the default credential chain; " +
			"and with `assume_role`, the role assumed with those credentials. So a block with only " +
			"`assume_role` assumes a role of the source's account with the provider's environment " +
			"credentials. The environment variables are the provider's: a block that sets no credentials " +
			"of its own finds the ones the provider finds. A copy with this block is a relay. Changing it " +
			"updates state only and copies nothing.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key ID; requires `secret_key` in this block." + writeOnly,
				Optional:            true,
				WriteOnly:           true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Access key secret; requires `access_key` in this block." + writeOnly,
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "STS security token that goes with a temporary `access_key` and " +
					"`secret_key`." + writeOnly,
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Name of a profile in `shared_credentials_file`, as the provider's `profile`.",
				Optional:            true,
			},
			"shared_credentials_file": schema.StringAttribute{
				MarkdownDescription: "Path of the Alibaba Cloud CLI configuration file that holds `profile`, " +
					"as the provider's `shared_credentials_file`.",
				Optional: true,
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume a RAM role through STS, in `source_region`, with the " +
					"credentials found as described above, and read the source with the role's temporary " +
					"credentials. Its arguments are the provider's `assume_role` arguments.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the RAM role.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"session_name": schema.StringAttribute{
						MarkdownDescription: "Role session name recorded in the audit trail.",
						Optional:            true,
					},
					"external_id": schema.StringAttribute{
						MarkdownDescription: "External ID the role's trust policy asks for.",
						Optional:            true,
					},
					"duration_seconds": schema.Int64Attribute{
						MarkdownDescription: "Lifetime of the temporary credentials in seconds, `900` to " +
							"`43200`. Defaults to `3600`.",
						Optional:   true,
						Validators: []validator.Int64{int64validator.Between(900, 43200)},
					},
				},
			},
		},
	}
}

// sourceConfig is where a copy reads its source: the region, the endpoint
// ("" for the region's public one) and the credentials, nil for the
// provider's. Write-only arguments are only in the configuration, so it is
// read from there.
type sourceConfig struct {
	region, endpoint string
	credentials      *credentialArgs
}

func readSourceConfig(ctx context.Context, cfg tfsdk.Config) (sourceConfig, diag.Diagnostics) {
	var (
		region, endpoint types.String
		creds            *credentialArgs
		diags            diag.Diagnostics
	)
	diags.Append(cfg.GetAttribute(ctx, path.Root("source_region"), &region)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("source_endpoint"), &endpoint)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("source_credentials"), &creds)...)
	return sourceConfig{region: region.ValueString(), endpoint: endpoint.ValueString(), credentials: creds}, diags
}

// known reports whether everything that decides how the source is reached is
// known, which it is at apply and, unless it depends on another resource,
// at plan time.
func sourceConfigKnown(cfg tfsdk.Config) bool {
	for _, name := range []string{"source_region", "source_endpoint", "source_credentials"} {
		v, _, err := tftypes.WalkAttributePath(cfg.Raw, tftypes.NewAttributePath().WithAttributeName(name))
		if tv, ok := v.(tftypes.Value); err != nil || !ok || !tv.IsFullyKnown() {
			return false
		}
	}
	return true
}

// method is copy_method for a provider configured as pd.
func (s sourceConfig) method(pd *providerData) string {
	if s.credentials != nil || (s.region != "" && s.region != pd.region) ||
		(s.endpoint != "" && s.endpoint != pd.endpoint) {
		return copyRelay
	}
	return copyServerSide
}

// sourceClientKey identifies a source client: its region, endpoint and every
// credential argument, those of assume_role in role (the pointer in args
// is nil, since two blocks alike are not the same pointer).
type sourceClientKey struct {
	region, endpoint              string
	args                          credentialArgs
	role                          assumeRoleModel
	hasCredentials, hasAssumeRole bool
}

// sourceClients keeps one client per source configuration, so that the
// plans and copies of many resources reading the same place share its
// connections and its credentials' cache (an assumed role is assumed once).
type sourceClients struct {
	mu      sync.Mutex
	clients map[sourceClientKey]*oss.Client
}

// sourceClient returns the client that reads the source: the provider's for
// a server-side copy, else the one for s, made on first use.
func (pd *providerData) sourceClient(s sourceConfig) (*oss.Client, diag.Diagnostics) {
	if s.method(pd) == copyServerSide {
		return pd.client, nil
	}
	region := s.region
	if region == "" {
		region = pd.region
	}
	endpoint := s.endpoint
	if endpoint == "" && region == pd.region {
		endpoint = pd.endpoint
	}
	key := sourceClientKey{region: region, endpoint: endpoint}
	if c := s.credentials; c != nil {
		key.hasCredentials, key.args = true, *c
		key.args.AssumeRole = nil
		if ar := c.AssumeRole; ar != nil {
			key.hasAssumeRole, key.role = true, *ar
		}
	}

	pd.sources.mu.Lock()
	defer pd.sources.mu.Unlock()
	if c, ok := pd.sources.clients[key]; ok {
		return c, nil
	}
	creds := pd.credentials
	var diags diag.Diagnostics
	if s.credentials != nil {
		creds, diags = credentialsIn(sourceCredentialsBlock, *s.credentials, region)
		if diags.HasError() {
			return nil, diags
		}
	}
	client, _ := pd.settings.newClient(region, endpoint, creds)
	if pd.sources.clients == nil {
		pd.sources.clients = map[sourceClientKey]*oss.Client{}
	}
	pd.sources.clients[key] = client
	return client, diags
}
