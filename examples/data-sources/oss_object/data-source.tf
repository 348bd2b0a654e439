data "oss_object" "manifest" {
  bucket = "golden-data"
  key    = "fixtures/v3/manifest.json"
}

output "manifest" {
  value = {
    size         = data.oss_object.manifest.size
    crc64        = data.oss_object.manifest.crc64
    content_type = data.oss_object.manifest.content_type
    owner        = lookup(data.oss_object.manifest.metadata, "owner", null)
    release      = lookup(data.oss_object.manifest.tags, "release", null)
  }
}
