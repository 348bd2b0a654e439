package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// storageClassRank orders storage classes from warm to cold, the only
// direction OSS lifecycle rules based on the last modified time move objects;
// ok is false for a class this provider does not know.
func storageClassRank(class string) (rank int, ok bool) {
	rank = slices.Index(storageClasses, class)
	return rank, rank >= 0
}

// keptStorageClass is what a refresh records in storage_class: the class the
// copy was made with (recorded) while the object is in that class or a
// colder one, where a lifecycle rule may have moved it; otherwise the class
// found, so that the plan shows the difference.
func keptStorageClass(recorded, found types.String) types.String {
	r, okRecorded := storageClassRank(recorded.ValueString())
	f, okFound := storageClassRank(found.ValueString())
	if okRecorded && okFound && f >= r {
		return recorded
	}
	return found
}

// storageClassReplace requires a new copy when storage_class changes, unless
// the object is already in the class now configured (a lifecycle rule moved
// it there): then the change only records it.
func storageClassReplace() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			var current types.String
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("current_storage_class"), &current)...)
			resp.RequiresReplace = !req.PlanValue.Equal(current)
		},
		"Changing it creates a new copy unless the object is already in that storage class.",
		"Changing it creates a new copy unless the object is already in that storage class.",
	)
}

// readObjectTags reads the tags of one version of an object ("" = current), as
// the tags attribute holds them: an empty map when it has none.
func readObjectTags(ctx context.Context, c *oss.Client, t target, versionID string) (types.Map, error) {
	res, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{
		Bucket: &t.bucket, Key: &t.key, VersionId: optionalString(versionID),
	})
	if err != nil {
		return types.MapNull(types.StringType), err
	}
	tags := make(map[string]attr.Value, len(res.Tags))
	for _, tag := range res.Tags {
		tags[oss.ToString(tag.Key)] = types.StringValue(oss.ToString(tag.Value))
	}
	return types.MapValueMust(types.StringType, tags), nil
}

// readObjectACL reads the ACL of one version of an object ("" = current):
// "default" when it inherits the bucket's.
func readObjectACL(ctx context.Context, c *oss.Client, t target, versionID string) (string, error) {
	res, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{
		Bucket: &t.bucket, Key: &t.key, VersionId: optionalString(versionID),
	})
	if err != nil {
		return "", err
	}
	return oss.ToString(res.ACL), nil
}

// readManaged refreshes the tags and the ACL when the configuration manages
// them, i.e. state holds them: one GetObjectTagging and one GetObjectAcl
// request, each only then. gone reports that the object disappeared
// meanwhile.
func (r *objectCopyResource) readManaged(ctx context.Context, state *objectCopyResourceModel) (gone bool, diags diag.Diagnostics) {
	t, versionID := state.destination(), state.VersionID.ValueString()
	if !state.Tags.IsNull() {
		tags, err := readObjectTags(ctx, r.data.client, t, versionID)
		if isNotFound(err) {
			return true, nil
		}
		if err != nil {
			diags.Append(ossErrorDiag("Reading the tags of the copied object", r.data, t, err))
			return false, diags
		}
		state.Tags = tags
	}
	if !state.ACL.IsNull() {
		acl, err := readObjectACL(ctx, r.data.client, t, versionID)
		if isNotFound(err) {
			return true, nil
		}
		if err != nil {
			diags.Append(ossErrorDiag("Reading the ACL of the copied object", r.data, t, err))
			return false, diags
		}
		state.ACL = types.StringValue(acl)
	}
	return false, diags
}

// importedTagging is what an imported copy records for tagging_directive
// and tags.
type importedTagging struct {
	directive string
	tags      types.Map
}

// readImportedTagging reads the tags of the destination and of the source: a
// copy whose tags are the source's (none included) is recorded as made with
// COPY, any other with REPLACE and its own tags, null when it has none. So
// a configuration that describes the copy as it is plans nothing, and one
// that sets tags has them watched from then on.
func (r *objectCopyResource) readImportedTagging(ctx context.Context, dst target, src *objectcopy.Source) (importedTagging, diag.Diagnostics) {
	var diags diag.Diagnostics
	none := types.MapNull(types.StringType)
	tags, err := readObjectTags(ctx, r.data.client, dst, "")
	if err != nil {
		diags.Append(ossErrorDiag("Reading the tags of the destination object to import the copy", r.data, dst, err))
		return importedTagging{}, diags
	}
	srcT := target{bucket: src.Bucket, key: src.Key}
	srcTags, err := readObjectTags(ctx, r.data.client, srcT, src.VersionID)
	if err != nil {
		diags.Append(ossErrorDiag("Reading the tags of the source object to import the copy", r.data, srcT, err))
		return importedTagging{}, diags
	}
	switch {
	case tags.Equal(srcTags):
		return importedTagging{objectcopy.DirectiveCopy, none}, diags
	case len(tags.Elements()) == 0:
		return importedTagging{objectcopy.DirectiveReplace, none}, diags
	}
	return importedTagging{objectcopy.DirectiveReplace, tags}, diags
}

// importedACL is what an imported copy records for acl: null when the copy
// inherits the bucket's ACL, as a configuration without acl says.
func importedACL(acl string) types.String {
	if acl == string(oss.ObjectACLDefault) {
		return types.StringNull()
	}
	return stringOrNull(acl)
}

// sameContent reports whether the destination holds the source's bytes, as
// far as OSS's digests tell: equal sizes, and equal CRC64s where both have
// one (objects written before OSS kept CRC64s have none).
func sameContent(dst *oss.HeadObjectResult, src *objectcopy.Source) bool {
	if dst.ContentLength != src.Size {
		return false
	}
	return dst.HashCRC64 == nil || !src.HasCRC64 || *dst.HashCRC64 == strconv.FormatUint(src.CRC64, 10)
}

// importNotACopyDiag refuses to import a destination that does not hold the
// source's bytes: recorded as in sync, it would never be copied again.
func importNotACopyDiag(dst target, head *oss.HeadObjectResult, src *objectcopy.Source) diag.Diagnostic {
	srcName := target{bucket: src.Bucket, key: src.Key}.String()
	if src.VersionID != "" {
		srcName += " (version " + src.VersionID + ")"
	}
	srcCRC := "none reported"
	if src.HasCRC64 {
		srcCRC = strconv.FormatUint(src.CRC64, 10)
	}
	dstCRC := "none reported"
	if head.HashCRC64 != nil {
		dstCRC = *head.HashCRC64
	}
	return diag.NewErrorDiagnostic("Destination Is Not a Copy of the Source",
		fmt.Sprintf("%s does not hold the bytes of %s, so it was not imported as a copy of it.\n\n"+
			"Destination: CRC64 %s, %d bytes.\nSource: CRC64 %s, %d bytes.\n\n"+
			"Check the import ID. To have the destination replaced by a copy of the source, do not import "+
			"it: apply the configuration, which overwrites it.",
			dst, srcName, dstCRC, head.ContentLength, srcCRC, src.Size))
}

// stillOurs reports whether the object at the destination, in a bucket
// where deleting by key deletes whatever is there, is still the one this
// resource copied, by its ETag: ETags are digests of the bytes (or of the
// parts' bytes), so an equal ETag means the same bytes, and an object
// overwritten since has another. When it is not ours, or is gone, destroy
// must not delete it; a warning says so. OSS's DeleteObject takes no
// condition, so a write between this HeadObject and the DeleteObject is
// still deleted.
func (r *objectCopyResource) stillOurs(ctx context.Context, p privateGetter, state objectCopyResourceModel) (bool, diag.Diagnostics) {
	t := state.destination()
	copied, diags := copiedETag(ctx, p)
	if diags.HasError() {
		return false, diags
	}
	if copied == "" {
		copied = state.ETag.ValueString()
	}
	head, err := headObject(ctx, r.data.client, t.bucket, t.key, state.VersionID.ValueString())
	if isNotFound(err) {
		return false, diags
	}
	if err != nil {
		diags.Append(ossErrorDiag("Reading the copied object before deleting it", r.data, t, err))
		return false, diags
	}
	// A copy in a versioned bucket has its version recorded; a current
	// version that is not recorded was written by someone else, and a
	// DELETE without a version would only hide it behind a delete marker.
	if v := oss.ToString(head.VersionId); state.VersionID.IsNull() && v != "" && v != "null" {
		diags.Append(diag.NewWarningDiagnostic("Destination Object Not Deleted",
			fmt.Sprintf("The current version of %s, %s, is not one this resource recorded as its copy, so it was "+
				"left in place, not deleted, and the resource was removed from the state.", t, v)))
		return false, diags
	}
	if found := trimETag(oss.ToString(head.ETag)); found != copied {
		diags.Append(diag.NewWarningDiagnostic("Destination Object Not Deleted",
			fmt.Sprintf("%s is no longer the object this resource copied: the copy had ETag %s, the object "+
				"there now has ETag %s, so another writer has replaced it. That object was left in place, not "+
				"deleted, and the resource was removed from the state. If this destroy is part of a "+
				"replacement, the new copy is written to the same key next and replaces that object, as the "+
				"configuration asks.", t, copied, found)))
		return false, diags
	}
	return true, diags
}
