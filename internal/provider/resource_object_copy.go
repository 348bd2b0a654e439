package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// Allowed values; descriptions and validators are built from the same slices.
var (
	directives = []string{objectcopy.DirectiveCopy, objectcopy.DirectiveReplace}
	objectACLs = []string{
		string(oss.ObjectACLDefault), string(oss.ObjectACLPrivate),
		string(oss.ObjectACLPublicRead), string(oss.ObjectACLPublicReadWrite),
	}
	storageClasses = []string{
		string(oss.StorageClassStandard), string(oss.StorageClassIA), string(oss.StorageClassArchive),
		string(oss.StorageClassColdArchive), string(oss.StorageClassDeepColdArchive),
	}
	sseAlgorithms = []string{sseAES256, sseKMS, sseSM4}
)

const (
	sseAES256 = "AES256"
	sseKMS    = "KMS"
	sseSM4    = "SM4"

	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	// privateCopiedETag keeps the ETag the copy produced, so that a refresh
	// can record what OSS holds now while the plan still sees the difference.
	privateCopiedETag = "copied_etag"
)

var (
	bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	keyStartRE   = regexp.MustCompile(`^[^/\\]`)
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
}

func (r *objectCopyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object_copy"
}

func (r *objectCopyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = objectCopySchema(ctx)
}

func objectCopySchema(ctx context.Context) schema.Schema {
	bucketValidators := []validator.String{
		stringvalidator.RegexMatches(bucketNameRE,
			"must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
	}
	keyValidators := []validator.String{
		stringvalidator.LengthBetween(1, 1023),
		stringvalidator.RegexMatches(keyStartRE, `must not start with "/" or "\"`),
	}
	replaceString := func() []planmodifier.String {
		return []planmodifier.String{stringplanmodifier.RequiresReplace()}
	}
	replaceComputedString := func() []planmodifier.String {
		return []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}
	}
	stableComputedString := func() []planmodifier.String {
		return []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	}
	replaceOnly := " Only with `metadata_directive = \"REPLACE\"`; under `COPY` setting it is an error."

	return schema.Schema{
		MarkdownDescription: "Copies an object inside OSS, server side, and keeps the copy tracked.\n\n" +
			"The copy is a multipart copy: the source is read once with `HeadObject`, then its parts are " +
			"copied in parallel with `UploadPartCopy`, each pinned to that source version and ETag, so a " +
			"source that changes during the copy fails the apply instead of producing a mix. The result is " +
			"checked against the source's CRC64 before it is recorded. On any error, timeout or interrupt " +
			"the multipart upload is aborted. Objects up to 48.8 TiB can be copied.\n\n" +
			"**Drift.** Refresh reads the destination with one `HeadObject` (of the version this resource " +
			"created, in a versioned bucket). A destination that is gone is created again; one whose ETag " +
			"changed (overwritten out of band) is replaced. When the configuration sets `tags` or `acl`, " +
			"refresh also reads them, with one `GetObjectTagging` and one `GetObjectAcl` request " +
			"respectively, and the plan puts back what was changed out of band, in place; what the " +
			"configuration does not set is not read, so a refresh of a copy without `tags` and `acl` " +
			"stays at one request. A lifecycle transition to a colder storage class is not drift (see " +
			"`storage_class`). Unless `source_version_id` is set, every plan " +
			"also makes one `HeadObject` request to the source: when the source's ETag or current version " +
			"differs from what was copied, the plan replaces the copy, so the destination follows the " +
			"source. Enabling or suspending versioning on the source bucket is no change: OSS then reports " +
			"an object written without versioning as version `null`, the version the copy recorded as " +
			"none. A source that no longer exists leaves the copy alone, with a warning.\n\n" +
			"**Plan.** For a new copy (or the new object of a replacement) the plan shows which bytes " +
			"will be copied: it reads the source with one `HeadObject` request, the same one the drift " +
			"check makes, so `size`, `source_etag` and `source_version_id` are known at plan time. " +
			"Terraform plans again at the start of the apply, which repeats that request; if the source " +
			"changed in between, the apply stops before copying (Terraform reports an inconsistent final " +
			"plan) and a new plan shows the change. A copy small enough for one `CopyObject` is pinned " +
			"to what that repeated request read and reads the source no more; if the source changes " +
			"after it, the apply fails (Source Object Changed Since Plan) and writes nothing. A larger " +
			"copy reads the source once more for the metadata its upload starts with. A source that " +
			"does not exist yet, for example one " +
			"written by another resource in the same apply, leaves these attributes unknown until the " +
			"copy is made. Any other failure to read the source (access denied, a source bucket in another " +
			"region, credentials OSS rejects, a pinned `source_version_id` that does not exist or is a delete " +
			"marker) fails the plan with the error the copy would meet.\n\n" +
			"**Sources OSS does not copy.** The plan fails, saying what to do, when that `HeadObject` " +
			"shows a source that a server-side copy would not copy as its bytes: a symbolic link " +
			"(`PutSymlink`; OSS would copy the link itself, whose target resolves in the destination " +
			"bucket: point `source_key` at the target, which the error names), an appendable object " +
			"(`AppendObject`; OSS copies none), or an Archive, ColdArchive or DeepColdArchive object that " +
			"is not restored or still restoring (restore it with `RestoreObject`, which takes minutes to " +
			"hours, then apply again). The drift check does the same before planning a replacement. A " +
			"cold source whose restored state expires after it was copied keeps its ETag: that plans " +
			"nothing.\n\n" +
			"**Destroy** deletes the object; in a versioned bucket it deletes exactly the version this " +
			"resource created, without a delete marker, and leaves every other version alone. In a bucket " +
			"without versioning it first reads the object with one `HeadObject`: when its ETag is not the " +
			"one the copy had, another writer has replaced it, and destroy leaves that object in place and " +
			"only removes the resource from the state, with a warning. OSS's `DeleteObject` takes no " +
			"condition, so a write in the moment between the two requests is still deleted.\n\n" +
			"**Interrupts.** On an error, a create timeout or an interrupt (Ctrl-C) the multipart upload is " +
			"aborted before the apply ends and nothing is recorded in state; the next apply copies from " +
			"scratch. If the abort itself fails (for example because a static STS security token expired), the " +
			"error names the upload and how to remove it. A copy that was already written when the apply failed " +
			"(its verifying `HeadObject` failed, or a copy that failed its CRC64 check could not be deleted) is " +
			"recorded as tainted: the next apply replaces it, and destroy deletes it. A provider killed outright (SIGKILL, out of memory, a lost machine) cannot abort: its " +
			"upload and the parts copied so far stay, and are billed, until OSS expires them. Give buckets " +
			"that receive large copies a lifecycle rule that aborts incomplete multipart uploads, for example " +
			"after one day (with the alicloud provider, an `abort_multipart_upload { days = 1 }` block in a " +
			"`lifecycle_rule` of `alicloud_oss_bucket`). The next create does not " +
			"clean such uploads itself: OSS lists an upload in progress only by key, upload ID and start " +
			"time, so nothing proves that an earlier run of this resource started it rather than another " +
			"writer of the same key, whose copy aborting it would break.\n\n" +
			"**Import** takes the id `" + importIDFormat + "`. Keys are percent-encoded (RFC 3986) " +
			"except for `/`; `%`, `=` and `?` in a key must be encoded, other characters may be. Add " +
			"`?versionId=...` when the configuration pins `source_version_id`. Import reads the current " +
			"version of the destination and of the source (or the version the id pins), and refuses a " +
			"destination whose CRC64 or size differs from the source's: it is not a copy of that source " +
			"(or a copy of an older version of it), and would never be copied again if imported as one; " +
			"apply the configuration instead to overwrite it with a copy. It reads the tags of both: a copy " +
			"whose tags are the source's (or that has none, like the source) is imported with " +
			"`tagging_directive = \"COPY\"`, any other with `\"REPLACE\"` and its tags as `tags` (none " +
			"when it has none). It reads the copy's ACL and records it as `acl`, or leaves `acl` null when " +
			"the copy inherits the bucket's (`default`). Import assumes `metadata_directive = \"COPY\"`: " +
			"`REPLACE` metadata would plan a new copy, while `part_size`, `parallelism`, " +
			"`forbid_overwrite` and `timeouts` plan an in-place update that copies nothing. Import makes " +
			"six requests: `HeadObject` of both objects, `GetObjectTagging` of both, `GetObjectAcl` of " +
			"the copy, and the refresh's `HeadObject`, plus the refresh's reads of the tags and ACL it " +
			"recorded.",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Destination bucket. Changing it creates a new copy.",
				Required:            true,
				Validators:          bucketValidators,
				PlanModifiers:       replaceString(),
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Destination object key: 1 to 1023 bytes of UTF-8, not starting with " +
					"`/` or `\\`. Changing it creates a new copy.",
				Required:      true,
				Validators:    keyValidators,
				PlanModifiers: replaceString(),
			},
			"source_bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket of the source object, in the same region as `bucket`: the " +
					"provider's region, since OSS copies only within one region. Changing it creates a new copy.",
				Required:      true,
				Validators:    bucketValidators,
				PlanModifiers: replaceString(),
			},
			"source_key": schema.StringAttribute{
				MarkdownDescription: "Key of the source object: a normal or multipart object, not a " +
					"symbolic link or an appendable object, and restored if it is in a cold storage class. " +
					"Changing it creates a new copy.",
				Required:      true,
				Validators:    keyValidators,
				PlanModifiers: replaceString(),
			},

			// Optional attributes.
			"source_version_id": schema.StringAttribute{
				MarkdownDescription: "Version of the source object to copy. When set, the copy is pinned to " +
					"that version and changes to the source are ignored. When not set, the current version " +
					"is copied and this attribute records which version that was (null for an unversioned " +
					"bucket); for a new copy the plan already shows it, from its `HeadObject` of the source " +
					"(see above), and the copy is made of exactly that version. Changing it creates a new copy.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replaceComputedString(),
			},
			"metadata_directive": schema.StringAttribute{
				MarkdownDescription: "Where the copy's content headers and user metadata come from: " +
					"`COPY` takes `Content-Type`, `Cache-Control`, `Content-Disposition`, " +
					"`Content-Encoding`, `Content-Language`, `Expires` and `x-oss-meta-*` from the source, " +
					"as `CopyObject` does; `REPLACE` takes them from `content_type`, `cache_control`, " +
					"`content_disposition`, `content_encoding`, `expires` and `metadata`. One of " +
					quotedList(directives) + ". Default value is `" + objectcopy.DirectiveCopy + "`. Changing it " +
					"creates a new copy.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(objectcopy.DirectiveCopy),
				Validators:    []validator.String{stringvalidator.OneOf(directives...)},
				PlanModifiers: replaceString(),
			},
			"content_type": schema.StringAttribute{
				MarkdownDescription: "`Content-Type` of the copy. Under `COPY` it is the source's and this " +
					"attribute reports it; under `REPLACE` it is set from this attribute (OSS picks " +
					"`application/octet-stream` when it is not set). Changing it creates a new copy." + replaceOnly,
				Optional:      true,
				Computed:      true,
				PlanModifiers: replaceComputedString(),
			},
			"cache_control": schema.StringAttribute{
				MarkdownDescription: "`Cache-Control` of the copy. Changing it creates a new copy." + replaceOnly,
				Optional:            true,
				PlanModifiers:       replaceString(),
			},
			"content_disposition": schema.StringAttribute{
				MarkdownDescription: "`Content-Disposition` of the copy. Changing it creates a new copy." + replaceOnly,
				Optional:            true,
				PlanModifiers:       replaceString(),
			},
			"content_encoding": schema.StringAttribute{
				MarkdownDescription: "`Content-Encoding` of the copy. Changing it creates a new copy." + replaceOnly,
				Optional:            true,
				PlanModifiers:       replaceString(),
			},
			"expires": schema.StringAttribute{
				MarkdownDescription: "`Expires` header of the copy, as an HTTP date such as " +
					"`Wed, 21 Oct 2026 07:28:00 GMT`. Changing it creates a new copy." + replaceOnly,
				Optional:      true,
				PlanModifiers: replaceString(),
			},
			"metadata": schema.MapAttribute{
				MarkdownDescription: "User metadata of the copy, sent as `x-oss-meta-<name>` headers. OSS " +
					"stores names in lower case, so use lower-case names. Changing it creates a new copy." +
					replaceOnly,
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"tagging_directive": schema.StringAttribute{
				MarkdownDescription: "Where the copy's tags come from: `COPY` takes the source's tags, " +
					"`REPLACE` sets `tags`. One of " + quotedList(directives) + ". Default value is `" +
					objectcopy.DirectiveCopy + "`. Changing it creates a new copy.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(objectcopy.DirectiveCopy),
				Validators:    []validator.String{stringvalidator.OneOf(directives...)},
				PlanModifiers: replaceString(),
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags of the copy; at most 10. Changed in place with " +
					"`PutObjectTagging`, without copying again. When set, refresh reads the copy's tags " +
					"(one `GetObjectTagging` request) and the plan puts back tags changed out of band. Only " +
					"with `tagging_directive = \"REPLACE\"`; under `COPY` setting it is an error.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Map{mapvalidator.SizeAtMost(10)},
			},
			"acl": schema.StringAttribute{
				MarkdownDescription: "ACL of the copy, one of " + quotedList(objectACLs) + "; `default` " +
					"(also when not set) inherits the bucket's ACL. Changed in place with `PutObjectAcl`, " +
					"without copying again. When set, refresh reads the copy's ACL (one `GetObjectAcl` " +
					"request) and the plan puts back an ACL changed out of band, such as a copy made " +
					"`public-read-write`; when not set, the ACL is not read, so set `acl = \"default\"` to " +
					"have an inherited ACL watched.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(objectACLs...)},
			},
			"storage_class": schema.StringAttribute{
				MarkdownDescription: "Storage class of the copy, one of " + quotedList(storageClasses) +
					", from warm to cold. When not set, a copy made with a single `CopyObject` keeps the " +
					"source's class and a multipart copy gets the destination bucket's default; this attribute " +
					"reports the class the copy got. A lifecycle rule that later moves the copy to a colder " +
					"class is not drift: this attribute keeps the class the copy was made with, and " +
					"`current_storage_class` shows where the copy is now. A class warmer than that (set out of " +
					"band, or restored by a rule based on last access time) is drift: refresh records it, and " +
					"when this attribute is set the plan makes a new copy in the configured class. Changing it " +
					"creates a new copy, unless the copy is already in the new class (see " +
					"`current_storage_class`), which only updates state.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.OneOf(storageClasses...)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), storageClassReplace(),
				},
			},
			"current_storage_class": schema.StringAttribute{
				MarkdownDescription: "Storage class the copy is in, as the last refresh found it. It differs " +
					"from `storage_class` once a lifecycle rule has moved the copy to a colder class; an " +
					"`Archive` or colder copy must be restored before it can be read.",
				Computed:      true,
				PlanModifiers: stableComputedString(),
			},
			"server_side_encryption": schema.StringAttribute{
				MarkdownDescription: "Server-side encryption of the copy, one of " + quotedList(sseAlgorithms) +
					". When not set, the destination bucket's default encryption applies and this " +
					"attribute reports it: OSS does not carry the source's encryption over to the copy. " +
					"Changing it creates a new copy.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(sseAlgorithms...)},
				PlanModifiers: replaceComputedString(),
			},
			"kms_key_id": schema.StringAttribute{
				MarkdownDescription: "KMS key that encrypts the copy. Only with `server_side_encryption = " +
					"\"KMS\"`; when not set, OSS uses its default KMS key and this attribute reports it. " +
					"Changing it creates a new copy.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: replaceComputedString(),
			},
			"forbid_overwrite": schema.BoolAttribute{
				MarkdownDescription: "Refuse to create the copy when an object already exists at " +
					"`bucket`/`key` (`x-oss-forbid-overwrite`; OSS ignores it in versioned buckets, where " +
					"nothing is overwritten). It matters only while creating; changing " +
					"it updates state only. Default value is `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"part_size": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Bytes per copied part, from `%d` (100 KiB) to `%d` (5 GiB). "+
					"When not set it is chosen from the object size, large enough to stay within 10,000 "+
					"parts. It changes how the copy runs, not what it produces: changing it updates state "+
					"only and copies nothing.", objectcopy.MinPartSize, objectcopy.MaxPartSize),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(objectcopy.MinPartSize, objectcopy.MaxPartSize)},
			},
			"parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Parts copied at once, from `1` to `%d`. Default value is `%d`. "+
					"Changing it updates state only and copies nothing.", objectcopy.MaxParallelism, objectcopy.DefaultParallelism),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, objectcopy.MaxParallelism)},
			},

			// Computed attributes.
			"id": schema.StringAttribute{
				MarkdownDescription: "`" + importIDFormat + "`, as described above.",
				Computed:            true,
				PlanModifiers:       stableComputedString(),
			},
			"etag": schema.StringAttribute{
				MarkdownDescription: "ETag of the copy, without quotes. For a multipart copy it is " +
					"`<MD5 of the parts' MD5s>-<number of parts>`, so it differs from the source's ETag " +
					"even though the bytes are equal: compare `crc64` for content.",
				Computed:      true,
				PlanModifiers: stableComputedString(),
			},
			"version_id": schema.StringAttribute{
				MarkdownDescription: "Version of the copy in a versioned bucket; null otherwise.",
				Computed:            true,
				PlanModifiers:       stableComputedString(),
			},
			"crc64": schema.StringAttribute{
				MarkdownDescription: "CRC-64/ECMA-182 of the copy's bytes, in decimal, as OSS reports it in " +
					"`x-oss-hash-crc64ecma`; equal to the source's.",
				Computed:      true,
				PlanModifiers: stableComputedString(),
			},
			"size": schema.Int64Attribute{
				MarkdownDescription: "Size of the copy in bytes. For a new copy it is known at plan time, " +
					"from the plan's `HeadObject` of the source (see above).",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"last_modified": schema.StringAttribute{
				MarkdownDescription: "When the copy was last modified, in RFC 3339 format.",
				Computed:            true,
				PlanModifiers:       stableComputedString(),
			},
			"source_etag": schema.StringAttribute{
				MarkdownDescription: "ETag of the source version that was copied, without quotes. For a new " +
					"copy it is known at plan time, from the plan's `HeadObject` of the source (see above).",
				Computed:      true,
				PlanModifiers: stableComputedString(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
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
	// current source; without a client (validate) there is nothing to ask.
	if !pinned.IsNull() || r.data == nil || !sameIdentity(plan, state) {
		return
	}

	src, err := objectcopy.HeadSource(ctx, r.data.client, state.SourceBucket.ValueString(), state.SourceKey.ValueString(), "")
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
	// making the new one: refuse it
	// now if OSS would not copy the new source.
	if !r.checkCopyable(ctx, src, plan.Bucket.ValueString(), &resp.Diagnostics) {
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
	resp.Diagnostics.Append(setPlannedSource(ctx, resp.Private, src)...)
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
	if resp.Diagnostics.HasError() {
		return
	}
	params.Logger = tflogLogger{ctx: ctx}
	params.HTTPClient = r.data.httpClient
	tflog.Debug(ctx, "copying object", map[string]any{
		"source_bucket": params.SourceBucket, "source_key": params.SourceKey,
		"source_version_id": params.SourceVersion(), "bucket": params.Bucket, "key": params.Key,
		"part_size": params.PartSize, "parallelism": params.Parallelism, "source_planned": params.Source != nil,
	})
	result, err := objectcopy.Copy(ctx, r.data.client, params)
	if err != nil {
		resp.Diagnostics.Append(r.copyErrorDiag(ctx, params, err))
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
	plan.SourceETag = types.StringValue(trimETag(result.Source.ETag))
	plan.SourceVersionID = stringOrNull(result.Source.VersionID)
	// The result reports everything a HEAD of the new version would.
	plan.fromResult(result)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setCopiedETag(ctx, resp.Private, plan.ETag.ValueString())...)
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
	head, err := headObject(ctx, r.data.client, bucket, key, state.VersionID.ValueString())
	gone := isNotFound(err)
	switch {
	case err == nil:
		recordedClass := state.StorageClass
		state.fromHead(head)
		state.StorageClass = keptStorageClass(recordedClass, state.CurrentStorageClass)
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
	copied, diags := copiedETag(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
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
	srcT, dst := target{bucket: id.SourceBucket, key: id.SourceKey}, target{bucket: id.Bucket, key: id.Key}
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
		SourceBucket:      m.SourceBucket.ValueString(),
		SourceKey:         m.SourceKey.ValueString(),
		SourceVersionID:   versionID,
		Source:            src,
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

// copiedETag reads the ETag that the copy produced, "" when none was kept.
func copiedETag(ctx context.Context, p privateGetter) (string, diag.Diagnostics) {
	var etag string
	_, diags := getPrivateJSON(ctx, p, privateCopiedETag, &etag)
	return etag, diags
}

func setCopiedETag(ctx context.Context, p privateSetter, etag string) diag.Diagnostics {
	return setPrivateJSON(ctx, p, privateCopiedETag, etag)
}

// getPrivateJSON decodes the private state value under key into v and
// reports whether there was one.
func getPrivateJSON(ctx context.Context, p privateGetter, key string, v any) (bool, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, key)
	if len(raw) == 0 || diags.HasError() {
		return false, diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.Append(invalidPrivateStateDiag(key, err))
		return false, diags
	}
	return true, diags
}

// setPrivateJSON stores v as JSON under key, as the framework requires of
// private state values.
func setPrivateJSON(ctx context.Context, p privateSetter, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		return diag.Diagnostics{invalidPrivateStateDiag(key, err)}
	}
	return p.SetKey(ctx, key, raw)
}

// privateGetter and privateSetter are what the helpers above need of the
// framework's private state, whose type lives in an internal package.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// tflogLogger sends the copy engine's progress to Terraform's log.
type tflogLogger struct {
	ctx context.Context
}

func (l tflogLogger) Info(msg string, fields map[string]any) { tflog.Info(l.ctx, msg, fields) }

func (l tflogLogger) Debug(msg string, fields map[string]any) { tflog.Debug(l.ctx, msg, fields) }
