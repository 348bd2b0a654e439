# Every object under a prefix, however many there are.
data "oss_objects" "fixtures" {
  bucket = "golden-data"
  prefix = "fixtures/v3/"
}

# One "directory" level: the keys directly under the prefix and the
# subdirectories, in common_prefixes.
data "oss_objects" "top_level" {
  bucket    = "golden-data"
  prefix    = "fixtures/"
  delimiter = "/"
}

output "fixture_count" {
  value = length(data.oss_objects.fixtures.keys)
}

output "fixture_bytes" {
  value = sum(concat([0], data.oss_objects.fixtures.objects[*].size))
}

output "fixture_versions" {
  value = data.oss_objects.top_level.common_prefixes
}
