package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// privatePlannedSource carries the source that the drift check read from
// the update half of a replacement plan to its create half: Terraform plans
// the new object again with a null prior state, passing the first plan's
// private data along, and one HeadObject per plan is enough.
const privatePlannedSource = "planned_source"

// plannedSource is what a plan knows about the source it will copy.
type plannedSource struct {
	ETag      string `json:"etag"`
	VersionID string `json:"version_id"`
	Size      int64  `json:"size"`
}

// planNewCopy makes what a new copy will copy known in the plan: size,
// source_etag and, unless the configuration pins it, source_version_id.
// It costs one HeadObject of the source, unless the drift check of this
// same plan already made it. Create then copies exactly that source
// version; Terraform repeats the plan at apply and stops, before copying,
// if the source changed in between.
func (r *objectCopyResource) planNewCopy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, pinned types.String) {
	var plan objectCopyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.data == nil || !sourceConfigKnown(req.Config) {
		return
	}
	srcCfg, diags := readSourceConfig(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	method := srcCfg.method(r.data)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("copy_method"), types.StringValue(method))...)
	if method == copyServerSide {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("relay_bytes"), types.Int64Value(0))...)
	}
	if resp.Diagnostics.HasError() || !known(plan.SourceBucket, plan.SourceKey, pinned) {
		return
	}
	client, diags := r.data.sourceClient(srcCfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	src, diags := getPlannedSource(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePlannedSource, nil)...)
	if src == nil {
		head, err := objectcopy.HeadSource(ctx, client, plan.SourceBucket.ValueString(),
			plan.SourceKey.ValueString(), pinned.ValueString())
		// An unpinned source may not exist yet, e.g. when another resource in
		// this configuration writes it; the copy reports it if it still does
		// not exist then. A pinned version cannot appear later, and every
		// other error (access denied, another region, bad credentials) would
		// fail the copy too, so the plan shows it now.
		if isNotFound(err) && pinned.IsNull() {
			tflog.Info(ctx, "source not found at plan time; its size and ETag are known after apply", map[string]any{
				"source_bucket": plan.SourceBucket.ValueString(), "source_key": plan.SourceKey.ValueString(),
				"error": err.Error(),
			})
			return
		}
		if err != nil {
			resp.Diagnostics.Append(r.planSourceErrorDiag(ctx, objectcopy.Params{
				SourceBucket: plan.SourceBucket.ValueString(), SourceKey: plan.SourceKey.ValueString(),
				SourceVersionID: pinned.ValueString(), Bucket: plan.Bucket.ValueString(), Key: plan.Key.ValueString(),
			}, err))
			return
		}
		if !checkCopyable(ctx, client, head, plan.Bucket.ValueString(), &resp.Diagnostics) {
			return
		}
		r.data.planned.put(plan.destination(), head)
		src = &plannedSource{ETag: trimETag(head.ETag), VersionID: head.VersionID, Size: head.Size}
	}

	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("size"), types.Int64Value(src.Size))...)
	if method == copyRelay {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("relay_bytes"), types.Int64Value(src.Size))...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_etag"), types.StringValue(src.ETag))...)
	if pinned.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_version_id"), stringOrNull(src.VersionID))...)
	}
}

// plannedSources hands the source that planning a new copy read to the
// Create that follows: Terraform plans every change again at apply, in the
// provider instance that then applies it, but the framework passes Create
// none of that plan's private data. With it, a copy made by one CopyObject
// is pinned to the planned ETag and needs no HeadObject of its own. Create
// takes the entry of its destination and uses it only if it matches the
// plan; without one the copy engine reads the source itself.
type plannedSources struct {
	mu sync.Mutex
	m  map[target]*objectcopy.Source
}

func (s *plannedSources) put(dst target, src *objectcopy.Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[target]*objectcopy.Source{}
	}
	s.m[dst] = src
}

// take removes and returns the source planned for dst, nil if none.
func (s *plannedSources) take(dst target) *objectcopy.Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.m[dst]
	delete(s.m, dst)
	return src
}

// plannedSource returns the source the plan read for this copy when it is
// the one the plan shows, nil otherwise.
func (m objectCopyResourceModel) plannedSource(s *plannedSources) *objectcopy.Source {
	src := s.take(m.destination())
	if src == nil || src.Bucket != m.SourceBucket.ValueString() || src.Key != m.SourceKey.ValueString() ||
		trimETag(src.ETag) != m.SourceETag.ValueString() || src.VersionID != m.SourceVersionID.ValueString() ||
		src.Size != m.Size.ValueInt64() {
		return nil
	}
	return src
}

func getPlannedSource(ctx context.Context, p privateGetter) (*plannedSource, diag.Diagnostics) {
	var src plannedSource
	ok, diags := getPrivateJSON(ctx, p, privatePlannedSource, &src)
	if !ok {
		return nil, diags
	}
	return &src, diags
}

func setPlannedSource(ctx context.Context, p privateSetter, src *objectcopy.Source) diag.Diagnostics {
	return setPrivateJSON(ctx, p, privatePlannedSource,
		plannedSource{ETag: trimETag(src.ETag), VersionID: src.VersionID, Size: src.Size})
}

// checkCopyable fails the plan, naming what to do, when OSS would not copy
// src as a copy of its bytes into dstBucket: a symbolic link (whose target
// GetSymlink, through the client that read src, names for the diagnostic), an
// appendable object, or a cold object not restored. It reports whether src
// can be copied.
func checkCopyable(ctx context.Context, client *oss.Client, src *objectcopy.Source, dstBucket string, diags *diag.Diagnostics) bool {
	var nc *objectcopy.NotCopyableError
	if !errors.As(src.CheckCopyable(), &nc) {
		return true
	}
	var linkTarget string
	if nc.Reason == objectcopy.SourceIsSymlink {
		res, err := client.GetSymlink(ctx, &oss.GetSymlinkRequest{Bucket: oss.Ptr(src.Bucket),
			Key: oss.Ptr(src.Key), VersionId: optionalString(src.VersionID)})
		if err != nil {
			tflog.Info(ctx, "cannot read the source symbolic link's target", map[string]any{
				"source_bucket": src.Bucket, "source_key": src.Key, "error": err.Error(),
			})
		} else {
			linkTarget = oss.ToString(res.Target)
		}
	}
	diags.Append(sourceNotCopyableDiag(nc, linkTarget, dstBucket))
	return false
}
