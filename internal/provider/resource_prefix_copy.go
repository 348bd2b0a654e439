package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/prefixcopy"
)

var (
	_ resource.Resource                   = (*prefixCopyResource)(nil)
	_ resource.ResourceWithConfigure      = (*prefixCopyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*prefixCopyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*prefixCopyResource)(nil)
)

const (
	// privateManifest keeps the manifest, gzip-compressed: every copy with
	// the source ETag it was made from and the ETag and version it
	// produced. The state holds only its digest.
	privateManifest = "manifest"
	// privatePending keeps the changes a refresh found or a plan made, for
	// the plan and the apply that follow.
	privatePending = "pending"
	// maxListedChanges bounds the changes attribute, so that a plan that
	// copies 100,000 objects stays readable.
	maxListedChanges = 20
	// maxObjectErrors bounds the diagnostics of one apply; the rest are
	// counted.
	maxObjectErrors = 10
)

// prefixStartRE checks a prefix as OSS checks a key, which "" also passes:
// the prefix starts the copies' keys.
var prefixStartRE = regexp.MustCompile(`^($|[^/\\])`)

// prefixCopyResource is the oss_prefix_copy resource.
type prefixCopyResource struct {
	data *providerData
}

// NewPrefixCopyResource returns the oss_prefix_copy resource.
func NewPrefixCopyResource() resource.Resource {
	return &prefixCopyResource{}
}

// prefixCopyResourceModel maps the oss_prefix_copy schema.
type prefixCopyResourceModel struct {
	ID              types.String `tfsdk:"id"`
	SourceBucket    types.String `tfsdk:"source_bucket"`
	SourcePrefix    types.String `tfsdk:"source_prefix"`
	Bucket          types.String `tfsdk:"bucket"`
	Prefix          types.String `tfsdk:"prefix"`
	Include         types.List   `tfsdk:"include"`
	Exclude         types.List   `tfsdk:"exclude"`
	DeleteRemoved   types.Bool   `tfsdk:"delete_removed"`
	Parallelism     types.Int64  `tfsdk:"parallelism"`
	ObjectCount     types.Int64  `tfsdk:"object_count"`
	TotalBytes      types.Int64  `tfsdk:"total_bytes"`
	ManifestDigest  types.String `tfsdk:"manifest_digest"`
	ObjectsToCopy   types.Int64  `tfsdk:"objects_to_copy"`
	BytesToCopy     types.Int64  `tfsdk:"bytes_to_copy"`
	ObjectsToDelete types.Int64  `tfsdk:"objects_to_delete"`
	Changes         types.List   `tfsdk:"changes"` //< types.String

	SourceRegion      types.String    `tfsdk:"source_region"`
	SourceEndpoint    types.String    `tfsdk:"source_endpoint"`
	SourceCredentials *credentialArgs `tfsdk:"source_credentials"`
	CopyMethod        types.String    `tfsdk:"copy_method"`
	RelayBytes        types.Int64     `tfsdk:"relay_bytes"`
}

func (r *prefixCopyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_prefix_copy"
}

func (r *prefixCopyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *prefixCopyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = prefixCopySchema()
}

func prefixCopySchema() schema.Schema {
	bucketValidators := []validator.String{
		stringvalidator.RegexMatches(bucketNameRE,
			"must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
	}
	prefixValidators := []validator.String{
		stringvalidator.LengthAtMost(1023),
		stringvalidator.RegexMatches(prefixStartRE, `must not start with "/" or "\"`),
	}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	patterns := []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()}
	globs := "Glob patterns on the key relative to `source_prefix`: `*` matches within one path " +
		"segment (not `/`), `**` any number of segments, `?` one character, `[a-z]` a class and `{a,b}` " +
		"either; `*.csv` matches `a.csv` but not `dir/a.csv`, which `**/*.csv` matches."
	s := schema.Schema{
		MarkdownDescription: "Copies every object under a prefix of one bucket to a prefix of another (or the same) " +
			"bucket, on the server side (or by relay, from another region or account), many objects at once, " +
			"as **one** resource: use it for whole trees of objects, and `oss_object_copy` for single objects " +
			"whose copies need their own metadata, tags, version pinning or lifecycle.\n\n" +
			"**Plan.** Each refresh lists the source and the destination prefix with `ListObjectsV2`, one " +
			"request per 1,000 objects each, and compares them with the manifest of the last apply: source " +
			"objects added or changed (another ETag), copies deleted or overwritten at the destination (another " +
			"ETag than the copy produced) and, with `delete_removed`, copies whose source vanished. The plan " +
			"shows how many objects and bytes the apply copies (`objects_to_copy`, `bytes_to_copy`), how many " +
			"copies it deletes (`objects_to_delete`), and the first " + fmt.Sprint(maxListedChanges) +
			" of those changes by key (`changes`). The apply copies exactly those; nothing else is read or " +
			"written, and no object content passes through Terraform unless the copy is a relay.\n\n" +
			"**Manifest.** The state holds counts, bytes and the manifest's digest, not a map of every key. " +
			"The manifest itself (each copy's relative key, size, source ETag, and the ETag and version the " +
			"copy produced, sorted by key and gzip-compressed: about 40 bytes an object, and about 100 in the state file, which stores private state base64-encoded: 9.6 MB for 100,000 objects) is " +
			"kept in the resource's private state: it travels with the state, wherever the state is stored and " +
			"locked, it is never shown, it needs no request to read (so a refresh of unchanged objects costs " +
			"the two listings alone), and it cannot be changed or deleted by anyone with access to the bucket, " +
			"nor be copied as an object of the prefix. `manifest_digest` changes whenever the manifest does.\n\n" +
			"**Failures.** Each object is copied by the same engine as `oss_object_copy` (one `CopyObject` up to " +
			"16 MiB, a verified multipart copy above, a verified multipart upload of every object for a relay; " +
			"never a multipart upload left behind). An object that fails is reported with its bucket, key, OSS " +
			"error code and request ID; after " + fmt.Sprint(maxObjectErrors) + " failures no more copies start. " +
			"What was copied is recorded either way, so the next apply copies only what is left. If the very " +
			"first apply fails, Terraform marks the resource tainted, which makes the next apply replace it and " +
			"copy every object again, over the copies made (which it cannot delete first: Terraform does not " +
			"pass their list on); run `terraform untaint` first to copy only what is left.\n\n" +
			"**Destroy** deletes exactly the copies in the manifest: in a versioned bucket the versions the copy " +
			"made, with `DeleteMultipleObjects`; in an unversioned bucket only copies that still hold the ETag " +
			"the copy produced (anything written over them since is left alone).\n\n" +
			"**Relay.** OSS copies objects on its side only within one region and one account's reach. With " +
			"`source_region`, `source_endpoint` or `source_credentials` naming another place or account " +
			"(`copy_method` is `" + copyRelay + "`), the source is listed with its own client, and each object's " +
			"bytes are read from the source and written to the destination by the machine that runs Terraform, " +
			"as `oss_object_copy` relays them: the plan shows how many bytes that is (`relay_bytes`). The " +
			"configuration's `source_credentials` may be write-only, so a relayed copy lists its source when " +
			"planning, not when refreshing: `terraform plan -refresh-only` shows no changes of it.\n\n" +
			"Import is not supported: which destination objects are copies, and of which source version, " +
			"cannot be told from the buckets.",
		Blocks: map[string]schema.Block{
			"source_credentials": sourceCredentialsSchemaBlock(),
		},
		Attributes: map[string]schema.Attribute{
			// Required attributes
			"source_bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket to copy from. Changing it replaces the resource.",
				Required:            true,
				Validators:          bucketValidators,
				PlanModifiers:       replace,
			},
			"source_prefix": schema.StringAttribute{
				MarkdownDescription: "Copy the objects whose key starts with this, for example `fixtures/v3/`; end " +
					"it with `/` to copy a folder and not its namesakes (`v3/` does not match `v30/`). `\"\"` copies " +
					"the whole bucket. The key equal to the prefix itself (a folder placeholder) is not copied. " +
					"Changing it replaces the resource.",
				Required:      true,
				Validators:    prefixValidators,
				PlanModifiers: replace,
			},
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket to copy into, in the provider's region. Changing it " +
					"replaces the resource.",
				Required:      true,
				Validators:    bucketValidators,
				PlanModifiers: replace,
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "Prefix that replaces `source_prefix` in the copies' keys, for example `seed/`. " +
					"In the source bucket it must not lie under `source_prefix`, nor contain it. Changing it " +
					"replaces the resource.",
				Required:      true,
				Validators:    prefixValidators,
				PlanModifiers: replace,
			},

			// Optional attributes
			"include": schema.ListAttribute{
				MarkdownDescription: "Copy only the objects that match one of these. " + globs + " Default: every object.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          patterns,
			},
			"exclude": schema.ListAttribute{
				MarkdownDescription: "Do not copy the objects that match one of these, even if `include` matches " +
					"them. " + globs + " A copy whose source a changed filter no longer selects is treated as one " +
					"whose source vanished.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  patterns,
			},
			"delete_removed": schema.BoolAttribute{
				MarkdownDescription: "Delete the copies whose source vanished or is no longer selected. Without it " +
					"they stay at the destination (and in the manifest, so that destroy still deletes them). " +
					"Default value is `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Objects copied at once, 1 to %d. Default value is `%d`. Each "+
					"object larger than 16 MiB is itself copied in parts, several at once.",
					prefixcopy.MaxParallelism, prefixcopy.DefaultParallelism),
				Optional:   true,
				Computed:   true,
				Default:    int64default.StaticInt64(prefixcopy.DefaultParallelism),
				Validators: []validator.Int64{int64validator.Between(1, prefixcopy.MaxParallelism)},
			},

			// Computed attributes
			"id": schema.StringAttribute{
				MarkdownDescription: "`oss://<source_bucket>/<source_prefix> -> oss://<bucket>/<prefix>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"object_count": schema.Int64Attribute{
				MarkdownDescription: "Copies the manifest holds: after the apply, every selected source object, plus " +
					"the copies kept after their source vanished.",
				Computed: true,
			},
			"total_bytes": schema.Int64Attribute{
				MarkdownDescription: "Size of those copies, summed.",
				Computed:            true,
			},
			"manifest_digest": schema.StringAttribute{
				MarkdownDescription: "`sha256:` and the hex SHA-256 of the manifest (see above); unknown in a plan " +
					"that copies or deletes anything.",
				Computed: true,
			},
			"objects_to_copy": schema.Int64Attribute{
				MarkdownDescription: "In a plan: objects the apply copies (added, changed, or deleted or " +
					"overwritten at the destination). In the state: what the last apply copied, until the next " +
					"refresh sets it to 0.",
				Computed: true,
			},
			"bytes_to_copy": schema.Int64Attribute{
				MarkdownDescription: "Size of those objects, summed, as `objects_to_copy` counts them.",
				Computed:            true,
			},
			"objects_to_delete": schema.Int64Attribute{
				MarkdownDescription: "Copies the apply deletes because their source vanished (only with " +
					"`delete_removed`), as `objects_to_copy` counts them.",
				Computed: true,
			},
			"changes": schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("The first %d changes by key, such as `added: data/a.csv` or "+
					"`overwritten at destination: data/b.csv`, and a last line with how many more there are; "+
					"as `objects_to_copy` lists them.", maxListedChanges),
				Computed:    true,
				ElementType: types.StringType,
			},
		},
	}
	// copy_method and relay_bytes are planned every time, so that a plan
	// never shows a value from the state that the apply then contradicts.
	maps.Copy(s.Attributes, sourceAttributes(schema.Int64Attribute{
		MarkdownDescription: "Bytes that pass through the machine that runs Terraform to make the copies: " +
			"`bytes_to_copy` for a relay, `0` for a server-side copy. A part that fails and is sent again " +
			"crosses the machine again.",
		Computed: true,
	}))
	return s
}

func (r *prefixCopyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg prefixCopyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, name := range []string{"include", "exclude"} {
		var list types.List
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &list)...)
		for i, v := range list.Elements() {
			s, ok := v.(types.String)
			if !ok || s.IsNull() || s.IsUnknown() {
				continue
			}
			if err := prefixcopy.ValidatePattern(s.ValueString()); err != nil {
				resp.Diagnostics.Append(invalidPatternDiag(path.Root(name).AtListIndex(i), err))
			}
		}
	}
	if !known(cfg.Bucket, cfg.Prefix, cfg.SourceBucket, cfg.SourcePrefix) || !cfg.Bucket.Equal(cfg.SourceBucket) {
		return
	}
	src, dst := cfg.SourcePrefix.ValueString(), cfg.Prefix.ValueString()
	if strings.HasPrefix(dst, src) || strings.HasPrefix(src, dst) {
		resp.Diagnostics.Append(overlappingPrefixesDiag(src, dst))
	}
}

func (r *prefixCopyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Nothing to plan on destroy; without a client (validate) nothing to list.
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan prefixCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !plan.inputsKnown() || !sourceConfigKnown(req.Config) {
		return
	}
	plan.ID = types.StringValue(plan.id())
	srcCfg, diags := readSourceConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	source, diags := r.data.sourceClient(srcCfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.CopyMethod = types.StringValue(srcCfg.method(r.data))

	var state *prefixCopyResourceModel
	var manifest *prefixcopy.Manifest
	if !req.State.Raw.IsNull() {
		state = &prefixCopyResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		var diags diag.Diagnostics
		manifest, diags = readManifest(ctx, req.Private, state.ManifestDigest.ValueString())
		resp.Diagnostics.Append(diags...)
	}
	sel, diags := plan.selection(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var pending *prefixcopy.Plan
	if state == nil || !state.sameSelection(plan) || plan.CopyMethod.ValueString() == copyRelay {
		// A new copy, a selection that the refresh did not list for, or a
		// relay, which the refresh does not list (see Read).
		pending, diags = r.listAndDiff(ctx, plan, source, manifest, sel, state != nil)
	} else {
		pending, diags = readPending(ctx, req.Private, manifest)
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if state != nil && pending.Empty() {
		// Only arguments that steer a future copy changed, or nothing did.
		plan.ObjectCount = state.ObjectCount
		plan.TotalBytes = state.TotalBytes
		plan.ManifestDigest = state.ManifestDigest
		plan.ObjectsToCopy = state.ObjectsToCopy
		plan.BytesToCopy = state.BytesToCopy
		plan.ObjectsToDelete = state.ObjectsToDelete
		plan.Changes = state.Changes
	} else {
		plan.ObjectCount = types.Int64Value(pending.ObjectCount())
		plan.TotalBytes = types.Int64Value(pending.TotalBytes())
		plan.ManifestDigest = types.StringUnknown()
		plan.ObjectsToCopy = types.Int64Value(int64(len(pending.Copy)))
		plan.BytesToCopy = types.Int64Value(pending.BytesToCopy())
		plan.ObjectsToDelete = types.Int64Value(int64(len(pending.Delete)))
		var d diag.Diagnostics
		plan.Changes, d = types.ListValueFrom(ctx, types.StringType, describeChanges(pending))
		resp.Diagnostics.Append(d...)
	}
	plan.RelayBytes = types.Int64Value(relayedBytes(plan.CopyMethod.ValueString(), plan.BytesToCopy.ValueInt64()))
	tflog.Info(ctx, "planned prefix copy", map[string]any{
		"id": plan.ID.ValueString(), "objects_to_copy": len(pending.Copy), "bytes_to_copy": pending.BytesToCopy(),
		"objects_to_delete": len(pending.Delete), "copies_forgotten": len(pending.Forget), "copies_kept": len(pending.Keep),
		"copy_method": plan.CopyMethod.ValueString(),
	})
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setPending(ctx, resp.Private, pending)...)
}

func (r *prefixCopyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan prefixCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	sel, diags := plan.selection(ctx)
	resp.Diagnostics.Append(diags...)
	source, diags := r.sourceClient(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework hands Create no private state, so the source is listed
	// again; what the plan showed is what is copied, or nothing is.
	pending, diags := r.listAndDiff(ctx, plan, source, nil, sel, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pending.ObjectCount() != plan.ObjectCount.ValueInt64() || pending.TotalBytes() != plan.TotalBytes.ValueInt64() {
		resp.Diagnostics.Append(sourceChangedSincePlanDiag(plan, pending))
		return
	}
	r.apply(ctx, plan, source, pending, &resp.State, resp.Private, &resp.Diagnostics, true)
}

func (r *prefixCopyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state prefixCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	manifest, diags := readManifest(ctx, req.Private, state.ManifestDigest.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	pending, diags := readPending(ctx, req.Private, manifest)
	resp.Diagnostics.Append(diags...)
	source, diags := r.sourceClient(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, source, pending, &resp.State, resp.Private, &resp.Diagnostics, false)
}

// stateSetter is what apply needs of Create's and Update's state.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// apply carries out the planned changes and records the manifest of what
// is copied now, after a failure too, so that the next apply copies only
// what is left.
func (r *prefixCopyResource) apply(ctx context.Context, plan prefixCopyResourceModel, source *oss.Client, pending *prefixcopy.Plan, state stateSetter, private privateSetter, diags *diag.Diagnostics, created bool) {
	copier := r.copier(ctx, plan, source)
	rep, err := copier.Apply(ctx, *pending)
	if err != nil {
		diags.AddAttributeError(path.Root("parallelism"), "Invalid Parallelism", err.Error())
		return
	}
	tflog.Info(ctx, "applied prefix copy", map[string]any{
		"id": plan.ID.ValueString(), "copied": rep.Copied, "deleted": rep.Deleted,
		"failed": len(rep.Failures), "skipped": rep.Skipped, "objects": len(rep.Manifest.Entries),
		"copy_method": plan.CopyMethod.ValueString(),
	})
	encoded, digest, err := rep.Manifest.Encode()
	if err != nil {
		diags.Append(invalidPrivateStateDiag(privateManifest, err))
		return
	}
	plan.ObjectCount = types.Int64Value(rep.Manifest.ObjectCount())
	plan.TotalBytes = types.Int64Value(rep.Manifest.TotalBytes())
	plan.ManifestDigest = types.StringValue(digest)
	plan.RelayBytes = types.Int64Value(relayedBytes(plan.CopyMethod.ValueString(), plan.BytesToCopy.ValueInt64()))
	diags.Append(setPrivateJSON(ctx, private, privateManifest, encoded)...)
	diags.Append(private.SetKey(ctx, privatePending, nil)...)
	diags.Append(state.Set(ctx, &plan)...)
	if rep.Err() != nil {
		diags.Append(r.applyFailureDiags(plan, pending, rep, created)...)
	}
}

func (r *prefixCopyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state prefixCopyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	manifest, diags := readManifest(ctx, req.Private, state.ManifestDigest.ValueString())
	resp.Diagnostics.Append(diags...)
	sel, diags := state.selection(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A relay's source may be readable only with write-only keys, which
	// only the configuration holds: its plan lists the source instead.
	pending := &prefixcopy.Plan{}
	if state.sourceConfig().method(r.data) == copyServerSide {
		pending, diags = r.listAndDiff(ctx, state, r.data.client, manifest, sel, true)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !pending.Empty() {
		tflog.Info(ctx, "prefix copy is behind its source", map[string]any{
			"id": state.ID.ValueString(), "objects_to_copy": len(pending.Copy), "objects_to_delete": len(pending.Delete),
		})
	}
	// The state describes what is copied; what is left to do is the plan's.
	state.ObjectsToCopy = types.Int64Value(0)
	state.BytesToCopy = types.Int64Value(0)
	state.ObjectsToDelete = types.Int64Value(0)
	state.RelayBytes = types.Int64Value(0)
	if state.CopyMethod.IsNull() {
		// Copied before copy_method existed, when every copy was server side.
		state.CopyMethod = types.StringValue(copyServerSide)
	}
	state.Changes = types.ListValueMust(types.StringType, nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setPending(ctx, resp.Private, pending)...)
}

func (r *prefixCopyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state prefixCopyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Replacing a tainted resource, Terraform hands its Delete the private
	// state planned for the replacement, not the resource's own: without
	// the manifest no object can be proven a copy, so none is deleted.
	raw, diags := req.Private.GetKey(ctx, privateManifest)
	resp.Diagnostics.Append(diags...)
	if len(raw) == 0 && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(copiesLeftWarning(state))
		return
	}
	manifest, diags := readManifest(ctx, req.Private, state.ManifestDigest.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// An unversioned copy is deleted only if it still holds the ETag the
	// copy produced; a versioned one is deleted by its version alone.
	var dst []prefixcopy.Object
	for _, e := range manifest.Entries {
		if e.VersionID == "" || e.VersionID == "null" {
			listing, err := prefixcopy.List(ctx, r.data.client, state.Bucket.ValueString(), state.Prefix.ValueString())
			if err != nil {
				resp.Diagnostics.Append(ossErrorDiag("Listing the copies to delete under", r.data, state.destination(), err))
				return
			}
			dst = listing.Objects
			break
		}
	}
	if dst == nil {
		dst = []prefixcopy.Object{}
	}
	pending := prefixcopy.Diff(manifest, nil, dst, prefixcopy.Selection{}, true)
	rep, err := r.copier(ctx, state, nil).Apply(ctx, pending)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Parallelism", err.Error())
		return
	}
	tflog.Info(ctx, "deleted prefix copy", map[string]any{
		"id": state.ID.ValueString(), "deleted": rep.Deleted, "left_alone": len(pending.Forget), "failed": len(rep.Failures),
	})
	if rep.Err() != nil {
		resp.Diagnostics.Append(r.applyFailureDiags(state, &pending, rep, false)...)
	}
}

// listAndDiff lists the source with the source client and, with
// destination, the destination prefix, and compares them with the manifest.
func (r *prefixCopyResource) listAndDiff(ctx context.Context, m prefixCopyResourceModel, source *oss.Client, manifest *prefixcopy.Manifest, sel prefixcopy.Selection, destination bool) (*prefixcopy.Plan, diag.Diagnostics) {
	var diags diag.Diagnostics
	src, err := prefixcopy.List(ctx, source, m.SourceBucket.ValueString(), m.SourcePrefix.ValueString())
	if err != nil {
		diags.Append(ossErrorDiag("Listing the source objects under", r.data, m.source(), err))
		return nil, diags
	}
	requests := src.Requests
	var dst []prefixcopy.Object
	if destination {
		listing, err := prefixcopy.List(ctx, r.data.client, m.Bucket.ValueString(), m.Prefix.ValueString())
		if err != nil {
			diags.Append(ossErrorDiag("Listing the copies under", r.data, m.destination(), err))
			return nil, diags
		}
		requests += listing.Requests
		dst = listing.Objects
		if dst == nil {
			dst = []prefixcopy.Object{}
		}
	}
	p := prefixcopy.Diff(manifest, src.Objects, dst, sel, m.DeleteRemoved.ValueBool())
	tflog.Debug(ctx, "listed source and destination prefixes", map[string]any{
		"source_objects": len(src.Objects), "destination_objects": len(dst), "requests": requests,
	})
	return &p, diags
}

// copier is the prefix copier for m's source and destination. source is
// the source client; a relay reads each object through it.
func (r *prefixCopyResource) copier(ctx context.Context, m prefixCopyResourceModel, source *oss.Client) *prefixcopy.Copier {
	tmpl := objectcopy.Params{HTTPClient: r.data.httpClient, Logger: tflogLogger{ctx: ctx}, Tuner: r.data.tuner}
	if m.CopyMethod.ValueString() == copyRelay {
		tmpl.SourceClient = source
	}
	return &prefixcopy.Copier{
		Client:       r.data.client,
		SourceBucket: m.SourceBucket.ValueString(),
		SourcePrefix: m.SourcePrefix.ValueString(),
		Bucket:       m.Bucket.ValueString(),
		Prefix:       m.Prefix.ValueString(),
		Parallelism:  int(m.Parallelism.ValueInt64()),
		Template:     tmpl,
	}
}

// sourceClient returns the client that reads the source as the
// configuration says. The apply's plan, made again once every value is
// known, has set copy_method to match.
func (r *prefixCopyResource) sourceClient(ctx context.Context, cfg tfsdk.Config) (*oss.Client, diag.Diagnostics) {
	srcCfg, diags := readSourceConfig(ctx, cfg)
	if diags.HasError() {
		return nil, diags
	}
	client, d := r.data.sourceClient(srcCfg)
	diags.Append(d...)
	return client, diags
}

// sourceConfig is where the state says the source is read; its
// source_credentials hold no write-only keys, but say whether there are any.
func (m prefixCopyResourceModel) sourceConfig() sourceConfig {
	return sourceConfig{region: m.SourceRegion.ValueString(), endpoint: m.SourceEndpoint.ValueString(),
		credentials: m.SourceCredentials}
}

func (m prefixCopyResourceModel) inputsKnown() bool {
	return known(m.SourceBucket, m.SourcePrefix, m.Bucket, m.Prefix) &&
		!m.Include.IsUnknown() && !m.Exclude.IsUnknown() && !m.DeleteRemoved.IsUnknown()
}

func (m prefixCopyResourceModel) id() string {
	return m.source().String() + " -> " + m.destination().String()
}

func (m prefixCopyResourceModel) source() target {
	return target{bucket: m.SourceBucket.ValueString(), key: m.SourcePrefix.ValueString()}
}

func (m prefixCopyResourceModel) destination() target {
	return target{bucket: m.Bucket.ValueString(), key: m.Prefix.ValueString()}
}

// sameSelection reports whether the plan selects the objects and treats
// vanished sources as the state does, which the refresh compared with.
func (m prefixCopyResourceModel) sameSelection(plan prefixCopyResourceModel) bool {
	return m.Include.Equal(plan.Include) && m.Exclude.Equal(plan.Exclude) && m.DeleteRemoved.Equal(plan.DeleteRemoved)
}

func (m prefixCopyResourceModel) selection(ctx context.Context) (prefixcopy.Selection, diag.Diagnostics) {
	var sel prefixcopy.Selection
	var diags diag.Diagnostics
	if !m.Include.IsNull() {
		diags.Append(m.Include.ElementsAs(ctx, &sel.Include, false)...)
	}
	if !m.Exclude.IsNull() {
		diags.Append(m.Exclude.ElementsAs(ctx, &sel.Exclude, false)...)
	}
	return sel, diags
}

// describeChanges lists the plan's changes for the changes attribute.
func describeChanges(p *prefixcopy.Plan) []string {
	lines := make([]string, 0, maxListedChanges+1)
	for _, it := range p.Copy {
		if len(lines) == maxListedChanges {
			break
		}
		lines = append(lines, it.Reason.String()+": "+it.Key)
	}
	for _, e := range p.Delete {
		if len(lines) == maxListedChanges {
			break
		}
		lines = append(lines, "delete, source removed: "+e.Key)
	}
	if more := len(p.Copy) + len(p.Delete) - len(lines); more > 0 {
		lines = append(lines, fmt.Sprintf("... and %d more", more))
	}
	return lines
}

// readManifest reads the manifest from private state and checks it against
// the digest the state records.
func readManifest(ctx context.Context, p privateGetter, digest string) (*prefixcopy.Manifest, diag.Diagnostics) {
	var encoded []byte
	found, diags := getPrivateJSON(ctx, p, privateManifest, &encoded)
	if diags.HasError() {
		return nil, diags
	}
	if !found {
		diags.Append(invalidPrivateStateDiag(privateManifest, errors.New("the manifest is missing")))
		return nil, diags
	}
	m, err := prefixcopy.Decode(encoded, digest)
	if err != nil {
		diags.Append(invalidPrivateStateDiag(privateManifest, err))
	}
	return m, diags
}

// readPending reads the changes the refresh or the plan stored; none means
// nothing to do. manifest restores the copies they leave untouched.
func readPending(ctx context.Context, p privateGetter, manifest *prefixcopy.Manifest) (*prefixcopy.Plan, diag.Diagnostics) {
	var encoded []byte
	_, diags := getPrivateJSON(ctx, p, privatePending, &encoded)
	if diags.HasError() {
		return nil, diags
	}
	pending, err := prefixcopy.DecodePlan(encoded, manifest)
	if err != nil {
		diags.Append(invalidPrivateStateDiag(privatePending, err))
	}
	return pending, diags
}

// setPending stores the changes for the plan or apply that follows, or
// removes them when there are none.
func setPending(ctx context.Context, p privateSetter, pending *prefixcopy.Plan) diag.Diagnostics {
	if pending.Empty() {
		return p.SetKey(ctx, privatePending, nil)
	}
	encoded, err := pending.Encode()
	if err != nil {
		return diag.Diagnostics{invalidPrivateStateDiag(privatePending, err)}
	}
	return setPrivateJSON(ctx, p, privatePending, encoded)
}

// applyFailureDiags reports the objects an apply or destroy failed on, up
// to maxObjectErrors of them, and then what was done and what is left.
func (r *prefixCopyResource) applyFailureDiags(m prefixCopyResourceModel, pending *prefixcopy.Plan, rep *prefixcopy.Report, created bool) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range rep.Failures[:min(len(rep.Failures), maxObjectErrors)] {
		t := target{bucket: m.Bucket.ValueString(), key: m.Prefix.ValueString() + f.Key}
		var ce *objectcopy.Error
		if errors.As(f.Err, &ce) {
			t = target{bucket: ce.Bucket, key: ce.Key}
		}
		what := "Copying " + target{m.SourceBucket.ValueString(), m.SourcePrefix.ValueString() + f.Key}.String() +
			" to " + target{m.Bucket.ValueString(), m.Prefix.ValueString() + f.Key}.String() + " failed."
		if ce != nil && ce.Op == "DeleteMultipleObjects" {
			what = "Deleting the copy " + t.String() + " failed."
		}
		class := classifyError(f.Err, r.data, t)
		diags.AddError(class.summary, errorDetail(what, class.advice, f.Err))
	}
	detail := fmt.Sprintf("Of %d objects to copy and %d copies to delete, %d were copied and %d deleted; %d "+
		"failed", len(pending.Copy), len(pending.Delete), rep.Copied, rep.Deleted, len(rep.Failures))
	if rep.Skipped > 0 {
		detail += fmt.Sprintf(", and %d were not tried after %d failures", rep.Skipped, len(rep.Failures))
	}
	detail += ". The copies made are recorded: the next terraform apply copies only what is left."
	if created {
		detail += " This was the resource's first apply, so Terraform marks it tainted, and the next apply " +
			"would replace it and copy every object again: run terraform untaint on it first to copy only " +
			"what is left."
	}
	if n := len(rep.Failures) - maxObjectErrors; n > 0 {
		detail += fmt.Sprintf(" %d more failures are not shown.", n)
	}
	diags.AddError("Prefix Copy Incomplete", detail)
	return diags
}

// copiesLeftWarning reports a Delete that found no manifest, and so
// deleted no copy.
func copiesLeftWarning(m prefixCopyResourceModel) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Copies Left in Place", "The list of the copies under "+
		m.destination().String()+" did not come with the request to delete them, as happens when Terraform "+
		"replaces a resource that it marked tainted because its first apply failed. Nothing was deleted. A "+
		"replacement copies every selected object again, over the copies at the same keys; a copy whose source "+
		"is gone stays at the destination (in a versioned bucket, so do the versions replaced).")
}

// invalidPatternDiag reports an include or exclude pattern that is not a
// valid glob.
func invalidPatternDiag(p path.Path, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Invalid Glob Pattern",
		"Element "+p.String()+" is not a pattern the prefix copy can match keys with: "+err.Error()+".")
}

// overlappingPrefixesDiag reports a destination prefix that lies under the
// source prefix in the same bucket, or contains it: the copies would be
// listed as sources, or the sources as copies.
func overlappingPrefixesDiag(src, dst string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("prefix"), "Overlapping Prefixes",
		fmt.Sprintf("In the same bucket, prefix %q and source_prefix %q overlap: one starts with the other, so "+
			"the copies would be listed as sources and copied again, or sources overwritten as copies. Use "+
			"prefixes that neither starts with the other, such as \"seed/\" and \"fixtures/\", or another bucket.",
			dst, src))
}

// sourceChangedSincePlanDiag reports a source prefix that holds other
// objects at apply than at plan.
func sourceChangedSincePlanDiag(plan prefixCopyResourceModel, now *prefixcopy.Plan) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Source Objects Changed Since Plan", fmt.Sprintf("The plan copies %d objects "+
		"(%d bytes) from %s, which holds %d selected objects (%d bytes) now; nothing was copied. Run terraform "+
		"apply again to plan a copy of the source as it is now.", plan.ObjectCount.ValueInt64(),
		plan.TotalBytes.ValueInt64(), plan.source(), now.ObjectCount(), now.TotalBytes()))
}
