package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
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
)

var (
	bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	keyStartRE   = regexp.MustCompile(`^[^/\\]`)
)

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

	s := schema.Schema{
		MarkdownDescription: "Copies an object inside OSS, server side, and keeps the copy tracked.\n\n" +
			"The copy is a multipart copy: the source is read once with `HeadObject`, then its parts are " +
			"copied in parallel with `UploadPartCopy`, each pinned to that source version and ETag, so a " +
			"source that changes during the copy fails the apply instead of producing a mix. The result is " +
			"checked against the source's CRC64 before it is recorded. On any error, timeout or interrupt " +
			"the multipart upload is aborted. Objects up to 48.8 TiB can be copied.\n\n" +
			"**Across regions and accounts.** OSS copies only within one region, with credentials that may " +
			"read the source. A source in another region (`source_region`, `source_endpoint`) or account " +
			"(`source_credentials`) is copied by relay instead: the machine that runs Terraform reads each " +
			"part with a ranged `GetObject`, pinned to the source's version and ETag, and streams it straight " +
			"into an `UploadPart` of the destination, without holding a whole part in memory (a fixed buffer " +
			"of tens of KiB per stream). Every part's CRC64 is compared with the one OSS computed on receipt, " +
			"and the parts' CRC64, combined, with the source's before the upload is completed; a part that " +
			"fails is read and sent again. `copy_method` and `relay_bytes` show in the plan which way a copy " +
			"goes and how many bytes cross the machine. Plan, drift check and copy read the source through " +
			"the source's region, endpoint and credentials; import reads it with the provider's, so a relayed " +
			"copy cannot be imported.\n\n" +
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
				MarkdownDescription: "Bucket of the source object: in the provider's region, or in " +
					"`source_region`. Changing it creates a new copy.",
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
			"timeouts":           timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
			"source_credentials": sourceCredentialsSchemaBlock(),
		},
	}
	maps.Copy(s.Attributes, sourceAttributes())
	return s
}
