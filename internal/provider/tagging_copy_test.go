package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccObjectCopy_TagsCopiedInParts copies a tagged source in parts under
// tagging_directive COPY. While the credentials may not read the source's
// tags, the apply fails and says how to fix it, leaving nothing; once they
// may, the copy has the source's tags.
func TestAccObjectCopy_TagsCopiedInParts(t *testing.T) {
	o := newTestOSS(t)
	o.requireEmulator("it denies GetObjectTagging")
	src, dst := o.newBucket(false), o.newBucket(false)
	o.put(src, "k", []byte(strings.Repeat("three parts, 16 ", 3*102400/16)), map[string]string{"x-oss-tagging": "team=ml&stage=prod"})
	config := o.config(copyConfig(dst, "k", src, "k", "part_size = 102400"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             o.checkDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { o.emu.Deny("GetObjectTagging") },
				Config:    config,
				ExpectError: withRequestID(diagMessage("Cannot Read the Source's Tags", "Copying oss://"+src+"/k to oss://"+
					dst+"/k failed. tagging_directive \"COPY\" copies the tags of oss://"+src+"/k, which a copy in parts "+
					"must read with GetObjectTagging, and OSS refused it; nothing was copied. Grant oss:GetObjectTagging on "+
					"the source, or set tagging_directive = \"REPLACE\" (with tags, or none) to not copy them. OSS operation: "+
					"GetObjectTagging OSS error code: AccessDenied (HTTP 403)")),
			},
			{
				PreConfig: func() {
					if err := o.checkNothingWritten(dst, "k"); err != nil {
						t.Error(err)
					}
					o.emu.Deny()
				},
				Config: config,
				Check:  o.checkTags(dst, "k", map[string]string{"team": "ml", "stage": "prod"}),
			},
		},
	})
}
