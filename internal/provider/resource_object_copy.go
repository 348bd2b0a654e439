package provider

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

var (
	_ resource.Resource                   = (*objectCopyResource)(nil)
	_ resource.ResourceWithConfigure      = (*objectCopyResource)(nil)
	_ resource.ResourceWithImportState    = (*objectCopyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*objectCopyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*objectCopyResource)(nil)
	_ objectcopy.Logger                   = tflogLogger{}
)

// objectCopyResource is the oss_object_copy resource.
type objectCopyResource struct {
	data *providerData
}

// NewObjectCopyResource returns the oss_object_copy resource.
func NewObjectCopyResource() resource.Resource {
	return &objectCopyResource{}
}

// objectCopyResourceModel maps the oss_object_copy schema.
type objectCopyResourceModel struct {
	ID                   types.String   `tfsdk:"id"`
	Bucket               types.String   `tfsdk:"bucket"`
	Key                  types.String   `tfsdk:"key"`
	SourceBucket         types.String   `tfsdk:"source_bucket"`
	SourceKey            types.String   `tfsdk:"source_key"`
	SourceVersionID      types.String   `tfsdk:"source_version_id"`
	MetadataDirective    types.String   `tfsdk:"metadata_directive"`
	ContentType          types.String   `tfsdk:"content_type"`
	CacheControl         types.String   `tfsdk:"cache_control"`
	ContentDisposition   types.String   `tfsdk:"content_disposition"`
	ContentEncoding      types.String   `tfsdk:"content_encoding"`
	Expires              types.String   `tfsdk:"expires"`
	Metadata             types.Map      `tfsdk:"metadata"`
	TaggingDirective     types.String   `tfsdk:"tagging_directive"`
	Tags                 types.Map      `tfsdk:"tags"`
	ACL                  types.String   `tfsdk:"acl"`
	StorageClass         types.String   `tfsdk:"storage_class"`
	CurrentStorageClass  types.String   `tfsdk:"current_storage_class"`
	ServerSideEncryption types.String   `tfsdk:"server_side_encryption"`
	KMSKeyID             types.String   `tfsdk:"kms_key_id"`
	ForbidOverwrite      types.Bool     `tfsdk:"forbid_overwrite"`
	PartSize             types.Int64    `tfsdk:"part_size"`
	Parallelism          types.Int64    `tfsdk:"parallelism"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
	ETag                 types.String   `tfsdk:"etag"`
	VersionID            types.String   `tfsdk:"version_id"`
	CRC64                types.String   `tfsdk:"crc64"`
	Size                 types.Int64    `tfsdk:"size"`
	LastModified         types.String   `tfsdk:"last_modified"`
	SourceETag           types.String   `tfsdk:"source_etag"`

	SourceRegion      types.String    `tfsdk:"source_region"`
	SourceEndpoint    types.String    `tfsdk:"source_endpoint"`
	SourceCredentials *credentialArgs `tfsdk:"source_credentials"`
	CopyMethod        types.String    `tfsdk:"copy_method"`
	RelayBytes        types.Int64     `tfsdk:"relay_bytes"`
}

func (r *objectCopyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object_copy"
}

func (r *objectCopyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *objectCopyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg objectCopyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if known(cfg.Bucket, cfg.Key, cfg.SourceBucket, cfg.SourceKey) &&
		cfg.Bucket.Equal(cfg.SourceBucket) && cfg.Key.Equal(cfg.SourceKey) {
		resp.Diagnostics.Append(destinationIsSourceDiag())
	}

	// A null directive means the default, COPY.
	if !cfg.MetadataDirective.IsUnknown() && cfg.MetadataDirective.ValueString() != objectcopy.DirectiveReplace {
		for _, a := range cfg.replaceOnlyAttributes() {
			if !a.value.IsNull() {
				resp.Diagnostics.Append(requiresReplaceDirectiveDiag(a.name, "metadata_directive"))
			}
		}
	}
	if !cfg.TaggingDirective.IsUnknown() && cfg.TaggingDirective.ValueString() != objectcopy.DirectiveReplace && !cfg.Tags.IsNull() {
		resp.Diagnostics.Append(requiresReplaceDirectiveDiag("tags", "tagging_directive"))
	}
	if !cfg.KMSKeyID.IsNull() && !cfg.ServerSideEncryption.IsUnknown() && cfg.ServerSideEncryption.ValueString() != sseKMS {
		resp.Diagnostics.Append(kmsKeyWithoutKMSDiag())
	}
}

func (r *objectCopyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Nothing to plan on destroy.
	if req.Plan.Raw.IsNull() {
		return
	}
	pinned, diags := pinnedVersion(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	// A new copy, or the new half of a replacement.
	if req.State.Raw.IsNull() {
		r.planNewCopy(ctx, req, resp, pinned)
		return
	}
	var state, plan objectCopyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.CopyMethod.IsNull() {
		// Copied before copy_method existed, when every copy was server side.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("copy_method"), types.StringValue(copyServerSide))...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("relay_bytes"), types.Int64Value(0))...)
	}

	copied, diags := copiedETag(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if copied != "" && copied != state.ETag.ValueString() {
		tflog.Info(ctx, "destination changed since it was copied; planning a new copy", map[string]any{
			"bucket": state.Bucket.ValueString(), "key": state.Key.ValueString(),
			"copied_etag": copied, "etag": state.ETag.ValueString(),
		})
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("etag"))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("etag"), types.StringUnknown())...)
		return
	}

	// A pinned source cannot drift; a replacement already copies the
	// current source; without a client (validate) there is nothing to ask,
	// nor with a source configuration that is not known yet.
	if !pinned.IsNull() || r.data == nil || !sameIdentity(plan, state) || !sourceConfigKnown(req.Config) {
		return
	}
	srcCfg, diags := readSourceConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	client, diags := r.data.sourceClient(srcCfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	src, err := objectcopy.HeadSource(ctx, client, state.SourceBucket.ValueString(), state.SourceKey.ValueString(), "")
	if err != nil {
		if isNotFound(err) {
			resp.Diagnostics.Append(sourceGoneWarning(state.SourceBucket.ValueString(), state.SourceKey.ValueString()))
			return
		}
		resp.Diagnostics.Append(ossErrorDiag("Reading the source object to detect changes", r.data, target{
			bucket: state.SourceBucket.ValueString(), key: state.SourceKey.ValueString(),
		}, err))
		return
	}
	// Only the bytes matter: a cold source restored, or frozen again when its
	// restored state expires, keeps its ETag and version and needs no new copy.
	if trimETag(src.ETag) == state.SourceETag.ValueString() && sameVersion(src.VersionID, state.SourceVersionID.ValueString()) {
		return
	}
	// A replacement (unless create_before_destroy) deletes the copy before
	// making the new one, so a source OSS would not copy fails the plan now
	// rather than leave no copy at all.
	if !checkCopyable(ctx, client, src, plan.Bucket.ValueString(), &resp.Diagnostics) {
		return
	}
	tflog.Info(ctx, "source changed since it was copied; planning a new copy", map[string]any{
		"source_bucket": state.SourceBucket.ValueString(), "source_key": state.SourceKey.ValueString(),
		"copied_etag": state.SourceETag.ValueString(), "source_etag": trimETag(src.ETag),
		"copied_version_id": state.SourceVersionID.ValueString(), "source_version_id": src.VersionID,
	})
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source_etag"))
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_etag"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_version_id"), types.StringUnknown())...)
	// Terraform plans the replacement's new object next; it reuses this HEAD,
	// and so does the copy if this plan is the one applied.
	r.data.planned.put(plan.destination(), src)
}

func (r *objectCopyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan objectCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	pinned, diags := pinnedVersion(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	params, diags := plan.copyParams(ctx, plan.plannedSource(&r.data.planned))
	resp.Diagnostics.Append(diags...)
	srcCfg, diags := readSourceConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.CopyMethod = types.StringValue(srcCfg.method(r.data))
	if plan.CopyMethod.ValueString() == copyRelay {
		params.SourceClient, diags = r.data.sourceClient(srcCfg)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	params.Logger = tflogLogger{ctx: ctx}
	params.HTTPClient = r.data.httpClient
	if plan.PartSize.IsNull() && plan.Parallelism.IsNull() {
		// A copy shaped by hand would teach the shared Tuner the
		// parallelism it was given, not the one it found.
		params.Tuner = r.data.tuner
	}
	tflog.Debug(ctx, "copying object", map[string]any{
		"source_bucket": params.SourceBucket, "source_key": params.SourceKey,
		"source_version_id": params.SourceVersion(), "bucket": params.Bucket, "key": params.Key,
		"part_size": params.PartSize, "parallelism": params.Parallelism, "source_planned": params.Source != nil,
		"copy_method": plan.CopyMethod.ValueString(),
	})
	result, err := objectcopy.Copy(ctx, r.data.client, params)
	if err != nil {
		var now string
		if changedSincePlan(params, err) {
			now = r.sourceNow(ctx, params)
		}
		resp.Diagnostics.Append(copyErrorDiag(r.data, params, err, now))
		var written *objectcopy.WrittenError
		if errors.As(err, &written) {
			resp.Diagnostics.Append(recordWritten(ctx, resp, plan, pinned, written)...)
		}
		return
	}
	tflog.Info(ctx, "copied object", map[string]any{
		"bucket": params.Bucket, "key": params.Key, "version_id": result.VersionID,
		"size": result.Size, "parts": result.Parts, "crc64": result.CRC64,
	})

	plan.ID = types.StringValue(plan.objectID(pinned).String())
	plan.RelayBytes = types.Int64Value(relayedBytes(plan.CopyMethod.ValueString(), result.Source.Size))
	plan.SourceETag = types.StringValue(trimETag(result.Source.ETag))
	plan.SourceVersionID = stringOrNull(result.Source.VersionID)
	// The result reports everything a HEAD of the new version would.
	plan.fromResult(result)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setCopiedETag(ctx, resp.Private, plan.ETag.ValueString())...)
}

// sourceNow says what the source is now, for the error that says it changed
// since the plan; this HeadObject is made on that error path only.
func (r *objectCopyResource) sourceNow(ctx context.Context, p objectcopy.Params) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	c := r.data.client
	if p.SourceClient != nil {
		c = p.SourceClient // a relayed copy's source is reached only through its own client
	}
	src, err := objectcopy.HeadSource(ctx, c, p.SourceBucket, p.SourceKey, p.SourceVersion())
	switch {
	case isNotFound(err):
		return "no longer exists"
	case err != nil:
		return "could not be read again (" + err.Error() + ")"
	}
	return "has ETag " + trimETag(src.ETag) + " now"
}

// recordWritten records the copy that a failed Create left in place: state
// set together with an error makes Terraform record the resource as tainted,
// so that the next apply replaces it and destroy deletes it, exactly that
// version in a versioned bucket. What the copy did not get to read stays
// null until a refresh.
func recordWritten(ctx context.Context, resp *resource.CreateResponse, plan objectCopyResourceModel, pinned types.String, w *objectcopy.WrittenError) diag.Diagnostics {
	var diags diag.Diagnostics
	plan.ID = types.StringValue(plan.objectID(pinned).String())
	plan.ETag = types.StringValue(trimETag(w.ETag))
	plan.VersionID = stringOrNull(w.VersionID)
	plan.SourceETag = types.StringValue(trimETag(w.Source.ETag))
	plan.SourceVersionID = stringOrNull(w.Source.VersionID)
	plan.RelayBytes = types.Int64Value(relayedBytes(plan.CopyMethod.ValueString(), w.Source.Size))
	for _, v := range []*types.String{&plan.ContentType, &plan.StorageClass, &plan.ServerSideEncryption, &plan.KMSKeyID, &plan.CRC64, &plan.LastModified} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	if plan.Size.IsUnknown() {
		plan.Size = types.Int64Null()
	}
	diags.Append(resp.State.Set(ctx, &plan)...)
	diags.Append(setCopiedETag(ctx, resp.Private, plan.ETag.ValueString())...)
	return diags
}

func (r *objectCopyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state objectCopyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := state.Bucket.ValueString(), state.Key.ValueString()
	copied, diags := copiedETag(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	head, err := headObject(ctx, r.data.client, bucket, key, state.VersionID.ValueString())
	gone := isNotFound(err)
	switch {
	case err == nil:
		recordedClass, recordedVersion := state.StorageClass, state.VersionID
		state.fromHead(head)
		if state.CopyMethod.IsNull() {
			// Copied before copy_method existed, when every copy was server side.
			state.CopyMethod, state.RelayBytes = types.StringValue(copyServerSide), types.Int64Value(0)
		}
		state.StorageClass = keptStorageClass(recordedClass, state.CurrentStorageClass)
		// Without a recorded version, the current one is the copy's only
		// if it has the copy's ETag; recording another writer's version
		// would have destroy delete exactly that version.
		if recordedVersion.IsNull() && copied != "" && state.ETag.ValueString() != copied {
			state.VersionID = recordedVersion
		}
		var diags diag.Diagnostics
		gone, diags = r.readManaged(ctx, &state)
		resp.Diagnostics.Append(diags...)
	case !gone:
		resp.Diagnostics.Append(ossErrorDiag("Reading the copied object", r.data, target{bucket: bucket, key: key}, err))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if gone {
		tflog.Info(ctx, "destination object is gone; removing it from state", map[string]any{
			"bucket": bucket, "key": key, "version_id": state.VersionID.ValueString(),
		})
		resp.State.RemoveResource(ctx)
		return
	}

	// After import, the object as found is what the copy made.
	if copied == "" {
		resp.Diagnostics.Append(setCopiedETag(ctx, resp.Private, state.ETag.ValueString())...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *objectCopyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state objectCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := target{bucket: state.Bucket.ValueString(), key: state.Key.ValueString()}
	versionID := optionalString(state.VersionID.ValueString())

	if !plan.Tags.Equal(state.Tags) {
		tags, diags := stringMap(ctx, plan.Tags)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		var err error
		if len(tags) == 0 {
			_, err = r.data.client.DeleteObjectTagging(ctx, &oss.DeleteObjectTaggingRequest{
				Bucket: &t.bucket, Key: &t.key, VersionId: versionID,
			})
		} else {
			_, err = r.data.client.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{
				Bucket: &t.bucket, Key: &t.key, VersionId: versionID, Tagging: ossTagging(tags),
			})
		}
		if err != nil {
			resp.Diagnostics.Append(ossErrorDiag("Updating the tags of the copied object", r.data, t, err))
			return
		}
	}
	if !plan.ACL.Equal(state.ACL) {
		acl := oss.ObjectACLDefault
		if !plan.ACL.IsNull() {
			acl = oss.ObjectACLType(plan.ACL.ValueString())
		}
		_, err := r.data.client.PutObjectAcl(ctx, &oss.PutObjectAclRequest{
			Bucket: &t.bucket, Key: &t.key, VersionId: versionID, Acl: acl,
		})
		if err != nil {
			resp.Diagnostics.Append(ossErrorDiag("Updating the ACL of the copied object", r.data, t, err))
			return
		}
	}
	// Everything else that may change in place (part_size, parallelism,
	// forbid_overwrite, timeouts) only steers a future copy, and a
	// storage_class changes in place only to the class the object is in.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *objectCopyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state objectCopyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	t := target{bucket: state.Bucket.ValueString(), key: state.Key.ValueString()}
	// With a version ID, OSS deletes exactly that version and adds no delete
	// marker; other versions of the key stay. Without one (or with the null
	// version of a suspended bucket, which the next write replaces) the key
	// may hold another writer's object by now.
	if v := state.VersionID.ValueString(); v == "" || v == "null" {
		ours, diags := r.stillOurs(ctx, req.Private, state)
		resp.Diagnostics.Append(diags...)
		if !ours {
			return
		}
	}
	_, err := r.data.client.DeleteObject(ctx, &oss.DeleteObjectRequest{
		Bucket: &t.bucket, Key: &t.key, VersionId: optionalString(state.VersionID.ValueString()),
	})
	if err != nil && !isNotFound(err) {
		resp.Diagnostics.Append(ossErrorDiag("Deleting the copied object", r.data, t, err))
	}
}

func (r *objectCopyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseObjectCopyID(req.ID)
	if err != nil {
		resp.Diagnostics.Append(importIDDiag(req.ID, err))
		return
	}
	// The source is read now, so the imported state records the version
	// that the next plan's drift check compares with.
	srcT := target{bucket: id.SourceBucket, key: id.SourceKey}
	dst := target{bucket: id.Bucket, key: id.Key}
	src, err := objectcopy.HeadSource(ctx, r.data.client, id.SourceBucket, id.SourceKey, id.SourceVersionID)
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Reading the source object to import the copy", r.data, srcT, err))
		return
	}
	head, err := headObject(ctx, r.data.client, id.Bucket, id.Key, "")
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Reading the destination object to import the copy", r.data, dst, err))
		return
	}
	if !sameContent(head, src) {
		resp.Diagnostics.Append(importNotACopyDiag(dst, head, src))
		return
	}
	tagging, diags := r.readImportedTagging(ctx, dst, src)
	resp.Diagnostics.Append(diags...)
	acl, err := readObjectACL(ctx, r.data.client, dst, "")
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Reading the ACL of the destination object to import the copy", r.data, dst, err))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	values := map[string]any{
		"id":                 id.String(),
		"bucket":             id.Bucket,
		"key":                id.Key,
		"source_bucket":      id.SourceBucket,
		"source_key":         id.SourceKey,
		"source_version_id":  stringOrNull(src.VersionID),
		"source_etag":        trimETag(src.ETag),
		"metadata_directive": objectcopy.DirectiveCopy,
		"tagging_directive":  tagging.directive,
		"tags":               tagging.tags,
		"acl":                importedACL(acl),
		"forbid_overwrite":   false,
	}
	for name, v := range values {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// copyParams maps the plan to the copy engine's parameters. src is the
// source the plan read, if Create has it; else the copy is of the version
// source_version_id plans, or of the current one when the plan could not
// read the source.
func (m objectCopyResourceModel) copyParams(ctx context.Context, src *objectcopy.Source) (objectcopy.Params, diag.Diagnostics) {
	var diags diag.Diagnostics
	metadata, d := stringMap(ctx, m.Metadata)
	diags.Append(d...)
	tags, d := stringMap(ctx, m.Tags)
	diags.Append(d...)
	var versionID string
	if src == nil {
		versionID = m.SourceVersionID.ValueString()
	}
	return objectcopy.Params{
		SourceBucket:    m.SourceBucket.ValueString(),
		SourceKey:       m.SourceKey.ValueString(),
		SourceVersionID: versionID,
		Source:          src,
		// State records last_modified and storage_class, which only a HEAD
		// of a multipart copy tells.
		Describe:          true,
		Bucket:            m.Bucket.ValueString(),
		Key:               m.Key.ValueString(),
		PartSize:          m.PartSize.ValueInt64(),
		Parallelism:       int(m.Parallelism.ValueInt64()),
		MetadataDirective: m.MetadataDirective.ValueString(),
		ContentHeaders: objectcopy.ContentHeaders{
			ContentType:        m.ContentType.ValueString(),
			CacheControl:       m.CacheControl.ValueString(),
			ContentDisposition: m.ContentDisposition.ValueString(),
			ContentEncoding:    m.ContentEncoding.ValueString(),
			Expires:            m.Expires.ValueString(),
			Metadata:           metadata,
		},
		TaggingDirective:     m.TaggingDirective.ValueString(),
		Tags:                 tags,
		ACL:                  m.ACL.ValueString(),
		StorageClass:         m.StorageClass.ValueString(),
		ServerSideEncryption: m.ServerSideEncryption.ValueString(),
		KMSKeyID:             m.KMSKeyID.ValueString(),
		ForbidOverwrite:      m.ForbidOverwrite.ValueBool(),
	}, diags
}

// replaceOnlyAttributes lists the attributes that are taken from the source
// under metadata_directive COPY, so setting them is meaningful only with
// REPLACE.
func (m objectCopyResourceModel) replaceOnlyAttributes() []namedValue {
	return []namedValue{
		{"content_type", m.ContentType},
		{"cache_control", m.CacheControl},
		{"content_disposition", m.ContentDisposition},
		{"content_encoding", m.ContentEncoding},
		{"expires", m.Expires},
		{"metadata", m.Metadata},
	}
}

// namedValue pairs an attribute with its name for diagnostics.
type namedValue struct {
	name  string
	value attr.Value
}

// destination is the object the copy writes.
func (m objectCopyResourceModel) destination() target {
	return target{bucket: m.Bucket.ValueString(), key: m.Key.ValueString()}
}

// pinnedVersion reads source_version_id from the configuration: the version
// the user pins, null when the copy follows the source's current version.
// The plan's and the state's source_version_id is another thing: the
// version copied, which the plan reads from the source when none is pinned.
func pinnedVersion(ctx context.Context, cfg tfsdk.Config) (types.String, diag.Diagnostics) {
	var pinned types.String
	diags := cfg.GetAttribute(ctx, path.Root("source_version_id"), &pinned)
	return pinned, diags
}

// objectID is the resource's id, built from its identity. Only a version
// pinned in the configuration is part of it: the plan also knows the
// current version it will copy, but that one follows the source.
func (m objectCopyResourceModel) objectID(pinned types.String) objectCopyID {
	return objectCopyID{
		Bucket: m.Bucket.ValueString(), Key: m.Key.ValueString(),
		SourceBucket: m.SourceBucket.ValueString(), SourceKey: m.SourceKey.ValueString(),
		SourceVersionID: pinned.ValueString(),
	}
}

// fromHead records what a HeadObject of the destination reports.
func (m *objectCopyResourceModel) fromHead(h *oss.HeadObjectResult) {
	m.ETag = types.StringValue(trimETag(oss.ToString(h.ETag)))
	m.VersionID = stringOrNull(oss.ToString(h.VersionId))
	m.CRC64 = stringOrNull(oss.ToString(h.HashCRC64))
	m.Size = types.Int64Value(h.ContentLength)
	m.LastModified = timeOrNull(h.LastModified)
	m.ContentType = types.StringValue(oss.ToString(h.ContentType))
	m.StorageClass = stringOrNull(oss.ToString(h.StorageClass))
	m.CurrentStorageClass = m.StorageClass
	m.ServerSideEncryption = stringOrNull(oss.ToString(h.ServerSideEncryption))
	m.KMSKeyID = stringOrNull(oss.ToString(h.ServerSideEncryptionKeyId))
}

// fromResult records what the copy reported, formatted as fromHead formats
// a HeadObject of the destination, so that the next refresh changes nothing.
func (m *objectCopyResourceModel) fromResult(r *objectcopy.Result) {
	m.ETag = types.StringValue(trimETag(r.ETag))
	m.VersionID = stringOrNull(r.VersionID)
	m.CRC64 = types.StringNull()
	if r.HasCRC64 {
		m.CRC64 = types.StringValue(strconv.FormatUint(r.CRC64, 10))
	}
	m.Size = types.Int64Value(r.Size)
	m.LastModified = timeOrNull(&r.LastModified)
	m.ContentType = types.StringValue(r.ContentType)
	m.StorageClass = stringOrNull(r.StorageClass)
	m.CurrentStorageClass = m.StorageClass
	m.ServerSideEncryption = stringOrNull(r.ServerSideEncryption)
	m.KMSKeyID = stringOrNull(r.KMSKeyID)
}

// sameIdentity reports whether a plan keeps the object's identity, i.e. is
// not already a replacement.
func sameIdentity(plan, state objectCopyResourceModel) bool {
	return plan.Bucket.Equal(state.Bucket) && plan.Key.Equal(state.Key) &&
		plan.SourceBucket.Equal(state.SourceBucket) && plan.SourceKey.Equal(state.SourceKey)
}

// headObject reads an object's headers; versionID "" means the current
// version.
func headObject(ctx context.Context, c *oss.Client, bucket, key, versionID string) (*oss.HeadObjectResult, error) {
	return c.HeadObject(ctx, &oss.HeadObjectRequest{
		Bucket: &bucket, Key: &key, VersionId: optionalString(versionID),
	})
}

// tflogLogger sends the copy engine's progress to Terraform's log.
type tflogLogger struct {
	ctx context.Context
}

func (l tflogLogger) Info(msg string, fields map[string]any) { tflog.Info(l.ctx, msg, fields) }

func (l tflogLogger) Debug(msg string, fields map[string]any) { tflog.Debug(l.ctx, msg, fields) }
