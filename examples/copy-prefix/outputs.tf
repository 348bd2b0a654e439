output "copies" {
  description = "The copies by relative path: destination key, size, CRC-64 and the source version copied."
  value = {
    for path, c in oss_object_copy.this : path => {
      key               = c.key
      size              = c.size
      crc64             = c.crc64
      source_etag       = c.source_etag
      source_version_id = c.source_version_id
    }
  }
}

output "object_count" {
  description = "Number of objects copied."
  value       = length(oss_object_copy.this)
}

output "total_bytes" {
  description = "Bytes copied, summed over all objects."
  value       = sum(concat([0], [for c in oss_object_copy.this : c.size]))
}
