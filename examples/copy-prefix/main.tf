# Copies every object under a prefix of one bucket to another bucket and prefix, keeping each
# object's path relative to the prefix. See README.md.

terraform {
  required_version = ">= 1.3"
  required_providers {
    oss = {
      source = "ossprovider/oss"
    }
  }
}

# Read at plan time, so the plan shows exactly which objects are added, changed or gone.
data "oss_objects" "source" {
  bucket = var.source_bucket
  prefix = var.source_prefix

  lifecycle {
    # Copies written under the source prefix would be listed as sources by the next plan,
    # and copied again, without end.
    precondition {
      condition     = !(var.destination_bucket == var.source_bucket && startswith(var.destination_prefix, var.source_prefix))
      error_message = "The destination prefix must not lie under the source prefix in the same bucket."
    }
  }
}

locals {
  # Path of each object relative to the prefix. The key equal to the prefix itself (a "folder"
  # placeholder that some tools create) has no relative path and is not copied.
  relative_paths = toset([
    for key in data.oss_objects.source.keys : trimprefix(key, var.source_prefix)
    if key != var.source_prefix
  ])
}

# One copy per object, addressed by its relative path: oss_object_copy.this["dir/file.bin"].
# A source object that changes (new ETag or version) makes the next plan replace its copy.
resource "oss_object_copy" "this" {
  for_each = local.relative_paths

  source_bucket = var.source_bucket
  source_key    = "${var.source_prefix}${each.key}"
  bucket        = var.destination_bucket
  key           = "${var.destination_prefix}${each.key}"

  storage_class = var.storage_class
  parallelism   = var.parallelism
}
