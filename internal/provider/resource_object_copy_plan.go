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

// planNewCopy makes what a new copy will copy known in the plan: size,
// source_etag and, unless the configuration pins it, source_version_id.
// It costs one HeadObject of the source, unless the drift check of this
// same plan already made it: Terraform plans the new object of a
// replacement right after, with a null prior state. Create then copies
// exactly that source version; Terraform repeats the plan at apply and
// stops, before copying, if the source changed in between.
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

	src := r.data.planned.peek(plan.destination())
	if src == nil || src.Bucket != plan.SourceBucket.ValueString() || src.Key != plan.SourceKey.ValueString() ||
		(!pinned.IsNull() && src.VersionID != pinned.ValueString()) {
		var err error
		src, err = objectcopy.HeadSource(ctx, client, plan.SourceBucket.ValueString(),
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
			resp.Diagnostics.Append(planSourceErrorDiag(r.data, objectcopy.Params{
				SourceBucket: plan.SourceBucket.ValueString(), SourceKey: plan.SourceKey.ValueString(),
				SourceVersionID: pinned.ValueString(), Bucket: plan.Bucket.ValueString(), Key: plan.Key.ValueString(),
			}, err))
			return
		}
		if !checkCopyable(ctx, client, src, plan.Bucket.ValueString(), &resp.Diagnostics) {
			return
		}
		r.data.planned.put(plan.destination(), src)
	}

	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("size"), types.Int64Value(src.Size))...)
	if method == copyRelay {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("relay_bytes"), types.Int64Value(src.Size))...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_etag"), types.StringValue(trimETag(src.ETag)))...)
	if pinned.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_version_id"), stringOrNull(src.VersionID))...)
	}
}

// plannedSources is the one carrier of the source a plan read, keyed by
// destination, to the two calls that reuse it in the same provider
// instance: planNewCopy of a replacement's new object, right after the
// drift check that read it, and Create, which the framework passes none of
// the plan's private data. Terraform plans every change again at apply, in
// the instance that then applies it. With the planned source, a copy made
// by one CopyObject is pinned to the planned ETag and needs no HeadObject
// of its own (without it, applying 50 small copies sends 100 HeadObjects
// instead of 50). Entries are checked against the plan before use, since
// resources applied in parallel share the map.
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

// peek returns the source planned for dst, nil if none, and leaves it for
// Create.
func (s *plannedSources) peek(dst target) *objectcopy.Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[dst]
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
