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
		// The page's prose is in templates/resources/object_copy.md.tmpl.
		MarkdownDescription: "Copies an object inside OSS, server side, and keeps the copy tracked.",
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
					"When neither it nor `parallelism` is set, the provider chooses both, and whether one request "+
					"copies the object, from the round trips and copy rates its earlier copies measured; when "+
					"only `parallelism` is set it is chosen from the object size, large enough to stay within "+
					"10,000 parts. It changes how the copy runs, not what it produces: changing it updates state "+
					"only and copies nothing.", objectcopy.MinPartSize, objectcopy.MaxPartSize),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(objectcopy.MinPartSize, objectcopy.MaxPartSize)},
			},
			"parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Parts copied at once, from `1` to `%d`. When neither it nor "+
					"`part_size` is set it is chosen as `part_size` says; when only `part_size` is set it is `%d`. "+
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
	maps.Copy(s.Attributes, sourceAttributes(schema.Int64Attribute{
		MarkdownDescription: "Bytes that pass through the machine that runs Terraform to make the copy: " +
			"the source's size for a relay, `0` for a server-side copy. Known at plan time when the source " +
			"exists then. A part that fails and is sent again crosses the machine again.",
		Computed:      true,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}, stringplanmodifier.UseStateForUnknown()))
	return s
}
