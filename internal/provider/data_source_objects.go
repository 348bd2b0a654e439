package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ datasource.DataSource              = (*objectsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*objectsDataSource)(nil)
)

// listPageSize is the most entries OSS returns for one ListObjectsV2 request.
const listPageSize = 1000

// objectsDataSource is the oss_objects data source.
type objectsDataSource struct {
	data *providerData
}

// NewObjectsDataSource returns the oss_objects data source.
func NewObjectsDataSource() datasource.DataSource {
	return &objectsDataSource{}
}

// objectsDataSourceModel maps the oss_objects schema.
type objectsDataSourceModel struct {
	Bucket         types.String        `tfsdk:"bucket"`
	Prefix         types.String        `tfsdk:"prefix"`
	Delimiter      types.String        `tfsdk:"delimiter"`
	StartAfter     types.String        `tfsdk:"start_after"`
	MaxKeys        types.Int64         `tfsdk:"max_keys"`
	Keys           []string            `tfsdk:"keys"`
	Objects        []listedObjectModel `tfsdk:"objects"` //< listedObjectModel
	CommonPrefixes []string            `tfsdk:"common_prefixes"`
}

// listedObjectModel is one element of objects: what a listing tells about
// an object without reading it.
type listedObjectModel struct {
	Key          types.String `tfsdk:"key"`
	Size         types.Int64  `tfsdk:"size"`
	ETag         types.String `tfsdk:"etag"`
	LastModified types.String `tfsdk:"last_modified"`
	StorageClass types.String `tfsdk:"storage_class"`
}

func (d *objectsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_objects"
}

func (d *objectsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the objects in a bucket, optionally under a prefix, in key order.\n\n" +
			"The listing pages through `ListObjectsV2`, " + fmt.Sprint(listPageSize) + " entries per request, " +
			"until it has every entry or `max_keys` of them, so listing 10,000 keys costs 10 requests. " +
			"Keys are requested URL-encoded (`encoding-type=url`) and decoded, so keys with any characters, " +
			"control characters included, come back exactly as they are stored.\n\n" +
			"Use it with `for_each` to copy a whole prefix with `oss_object_copy`; see the `copy-prefix` " +
			"example in the repository.",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket to list.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(bucketNameRE,
						"must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
				},
			},

			// Optional attributes.
			"prefix": schema.StringAttribute{
				MarkdownDescription: "List only keys that start with this string, for example `golden/fixtures/v3/`. " +
					"When not set, the whole bucket is listed.",
				Optional: true,
			},
			"delimiter": schema.StringAttribute{
				MarkdownDescription: "Group keys that contain this string after `prefix` into `common_prefixes` " +
					"instead of listing them, for example `/` to list one \"directory\" level. When not set, " +
					"every key under `prefix` is listed.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"start_after": schema.StringAttribute{
				MarkdownDescription: "List only keys that sort after this one (byte order).",
				Optional:            true,
			},
			"max_keys": schema.Int64Attribute{
				MarkdownDescription: "Most entries to return, objects and common prefixes together, as OSS " +
					"counts `max-keys`. When not set, every entry is returned, however many there are.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},

			// Computed attributes.
			"keys": schema.ListAttribute{
				MarkdownDescription: "Keys of the listed objects, in key order; the same keys as `objects`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"objects": schema.ListNestedAttribute{
				MarkdownDescription: "The listed objects, in key order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"key": schema.StringAttribute{
							MarkdownDescription: "Object key.",
							Computed:            true,
						},
						"size": schema.Int64Attribute{
							MarkdownDescription: "Size in bytes.",
							Computed:            true,
						},
						"etag": schema.StringAttribute{
							MarkdownDescription: "ETag, without quotes. For an object made by a multipart upload " +
								"or copy it is not an MD5 of the content and ends in `-<parts>`.",
							Computed: true,
						},
						"last_modified": schema.StringAttribute{
							MarkdownDescription: "When the object was last modified, in RFC 3339 format.",
							Computed:            true,
						},
						"storage_class": schema.StringAttribute{
							MarkdownDescription: "Storage class, for example `Standard` or `IA`.",
							Computed:            true,
						},
					},
				},
			},
			"common_prefixes": schema.ListAttribute{
				MarkdownDescription: "With `delimiter`: the distinct prefixes, each ending in the delimiter, " +
					"that group the keys not listed in `keys`. Empty without `delimiter`.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (d *objectsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *objectsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m objectsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, prefix := m.Bucket.ValueString(), m.Prefix.ValueString()
	request := &oss.ListObjectsV2Request{
		Bucket:     &bucket,
		Prefix:     optionalString(prefix),
		Delimiter:  optionalString(m.Delimiter.ValueString()),
		StartAfter: optionalString(m.StartAfter.ValueString()),
	}
	listed, err := listObjects(ctx, d.data.client, request, int(m.MaxKeys.ValueInt64()))
	if err != nil {
		resp.Diagnostics.Append(ossErrorDiag("Listing", d.data, target{bucket: bucket, key: prefix}, err))
		return
	}
	tflog.Debug(ctx, "listed objects", map[string]any{
		"bucket": bucket, "prefix": prefix, "objects": len(listed.objects),
		"common_prefixes": len(listed.prefixes), "requests": listed.requests,
	})

	// Empty lists rather than null, so that for_each over an empty listing
	// plans nothing instead of failing.
	m.Keys = make([]string, 0, len(listed.objects))
	m.Objects = make([]listedObjectModel, 0, len(listed.objects))
	for _, o := range listed.objects {
		key := oss.ToString(o.Key)
		m.Keys = append(m.Keys, key)
		m.Objects = append(m.Objects, listedObjectModel{
			Key:          types.StringValue(key),
			Size:         types.Int64Value(o.Size),
			ETag:         types.StringValue(trimETag(oss.ToString(o.ETag))),
			LastModified: timeOrNull(o.LastModified),
			StorageClass: stringOrNull(oss.ToString(o.StorageClass)),
		})
	}
	m.CommonPrefixes = append(make([]string, 0, len(listed.prefixes)), listed.prefixes...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// objectListing is what a listing found, with the requests it took.
type objectListing struct {
	objects  []oss.ObjectProperties
	prefixes []string
	requests int
}

// listObjects pages through ListObjectsV2 until the listing ends or limit
// entries (objects plus common prefixes; 0 means no limit) were returned.
//
// It does not use the SDK's paginator because that asks for the same page
// size every time; asking for exactly what is left makes OSS end the last
// page at the limit, in its own order of objects and prefixes, so nothing
// needs trimming here. The SDK always sends encoding-type=url and decodes
// keys, prefixes and tokens in the response.
func listObjects(ctx context.Context, c *oss.Client, request *oss.ListObjectsV2Request, limit int) (objectListing, error) {
	var out objectListing
	req := *request
	for {
		page := listPageSize
		if limit > 0 {
			page = min(page, limit-len(out.objects)-len(out.prefixes))
		}
		req.MaxKeys = int32(page)
		res, err := c.ListObjectsV2(ctx, &req)
		if err != nil {
			return out, err
		}
		out.requests++
		out.objects = append(out.objects, res.Contents...)
		for _, p := range res.CommonPrefixes {
			out.prefixes = append(out.prefixes, oss.ToString(p.Prefix))
		}
		if !res.IsTruncated || limit > 0 && len(out.objects)+len(out.prefixes) >= limit {
			return out, nil
		}
		if oss.ToString(res.NextContinuationToken) == "" {
			// Asking again without a token would list the first page forever.
			return out, errors.New("ListObjectsV2 reported a truncated listing without a continuation token")
		}
		req.ContinuationToken = res.NextContinuationToken
	}
}
