package provider

import (
	"context"
	"maps"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ datasource.DataSource              = (*objectDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*objectDataSource)(nil)
)

// objectDataSource is the oss_object data source.
type objectDataSource struct {
	data *providerData
}

// NewObjectDataSource returns the oss_object data source.
func NewObjectDataSource() datasource.DataSource {
	return &objectDataSource{}
}

// objectDataSourceModel maps the oss_object schema.
type objectDataSourceModel struct {
	Bucket             types.String      `tfsdk:"bucket"`
	Key                types.String      `tfsdk:"key"`
	VersionID          types.String      `tfsdk:"version_id"`
	Size               types.Int64       `tfsdk:"size"`
	ETag               types.String      `tfsdk:"etag"`
	CRC64              types.String      `tfsdk:"crc64"`
	ContentType        types.String      `tfsdk:"content_type"`
	CacheControl       types.String      `tfsdk:"cache_control"`
	ContentDisposition types.String      `tfsdk:"content_disposition"`
	ContentEncoding    types.String      `tfsdk:"content_encoding"`
	Expires            types.String      `tfsdk:"expires"`
	Metadata           map[string]string `tfsdk:"metadata"`
	Tags               map[string]string `tfsdk:"tags"`
	StorageClass       types.String      `tfsdk:"storage_class"`
	LastModified       types.String      `tfsdk:"last_modified"`
}

func (d *objectDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (d *objectDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	header := func(name string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "`" + name + "` header of the object; null when it has none.",
			Computed:            true,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the properties, metadata and tags of one object without reading its " +
			"content: two requests, `HeadObject` and `GetObjectTagging` (of the same version).",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket of the object.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(bucketNameRE,
						"must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
				},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Key of the object: 1 to 1023 bytes of UTF-8, not starting with `/` or `\\`.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 1023),
					stringvalidator.RegexMatches(keyStartRE, `must not start with "/" or "\"`),
				},
			},

			// Optional attributes.
			"version_id": schema.StringAttribute{
				MarkdownDescription: "Version to read, in a versioned bucket. When not set, the current version " +
					"is read and this attribute reports its ID (null in an unversioned bucket).",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},

			// Computed attributes.
			"size": schema.Int64Attribute{
				MarkdownDescription: "Size in bytes.",
				Computed:            true,
			},
			"etag": schema.StringAttribute{
				MarkdownDescription: "ETag, without quotes. For an object made by a multipart upload or copy " +
					"it is not an MD5 of the content and ends in `-<parts>`: compare `crc64` for content.",
				Computed: true,
			},
			"crc64": schema.StringAttribute{
				MarkdownDescription: "CRC-64/ECMA-182 of the content, in decimal, as OSS reports it in " +
					"`x-oss-hash-crc64ecma`; null when OSS reports none.",
				Computed: true,
			},
			"content_type":        header("Content-Type"),
			"cache_control":       header("Cache-Control"),
			"content_disposition": header("Content-Disposition"),
			"content_encoding":    header("Content-Encoding"),
			"expires":             header("Expires"),
			"metadata": schema.MapAttribute{
				MarkdownDescription: "User metadata, from the `x-oss-meta-<name>` headers, keyed by `<name>` " +
					"in lower case.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags of the object.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"storage_class": schema.StringAttribute{
				MarkdownDescription: "Storage class, for example `Standard` or `IA`.",
				Computed:            true,
			},
			"last_modified": schema.StringAttribute{
				MarkdownDescription: "When the object was last modified, in RFC 3339 format.",
				Computed:            true,
			},
		},
	}
}

func (d *objectDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *objectDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m objectDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t := target{bucket: m.Bucket.ValueString(), key: m.Key.ValueString()}
	head, err := headObject(ctx, d.data.client, t.bucket, t.key, m.VersionID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Reading", d.data, t, err))
		return
	}
	// The tags of the version just read, even if a new one was written since.
	versionID := oss.ToString(head.VersionId)
	if versionID == "" {
		versionID = m.VersionID.ValueString()
	}
	tagging, err := d.data.client.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{
		Bucket: &t.bucket, Key: &t.key, VersionId: optionalString(versionID),
	})
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Reading the tags of", d.data, t, err))
		return
	}
	tflog.Debug(ctx, "read object", map[string]any{"bucket": t.bucket, "key": t.key, "version_id": versionID})

	m.VersionID = stringOrNull(versionID)
	m.Size = types.Int64Value(head.ContentLength)
	m.ETag = types.StringValue(trimETag(oss.ToString(head.ETag)))
	m.CRC64 = stringOrNull(oss.ToString(head.HashCRC64))
	m.ContentType = stringOrNull(oss.ToString(head.ContentType))
	m.CacheControl = stringOrNull(oss.ToString(head.CacheControl))
	m.ContentDisposition = stringOrNull(oss.ToString(head.ContentDisposition))
	m.ContentEncoding = stringOrNull(oss.ToString(head.ContentEncoding))
	m.Expires = stringOrNull(oss.ToString(head.Expires))
	m.StorageClass = stringOrNull(oss.ToString(head.StorageClass))
	m.LastModified = timeOrNull(head.LastModified)
	// Empty maps rather than null, so that lookups and length() work on an
	// object without metadata or tags.
	m.Metadata = make(map[string]string, len(head.Metadata))
	maps.Copy(m.Metadata, head.Metadata)
	m.Tags = make(map[string]string, len(tagging.Tags))
	for _, tag := range tagging.Tags {
		m.Tags[oss.ToString(tag.Key)] = oss.ToString(tag.Value)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
