# Copy the CSV and JSON fixtures under a prefix into another bucket, as one resource. Each plan
# lists both prefixes (one request per 1,000 objects) and shows how many objects and bytes the
# apply copies; the apply copies only what was added or changed since the last one. A source in
# another region or account takes source_region (and source_credentials): the objects are then
# relayed through this machine, and the plan's relay_bytes says how many bytes that is.
resource "oss_prefix_copy" "seed" {
  source_bucket = "golden-data"
  source_prefix = "fixtures/v3/"
  bucket        = "env-staging"
  prefix        = "seed/"

  include = ["**/*.csv", "**/*.json"]
  exclude = ["tmp/**"]

  # Delete the copies whose source was deleted, or that the filters no longer select.
  delete_removed = true
}

output "seed_objects" {
  value = oss_prefix_copy.seed.object_count
}

output "seed_bytes" {
  value = oss_prefix_copy.seed.total_bytes
}
