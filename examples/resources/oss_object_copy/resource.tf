# Copy a large object into another bucket of the same region. The copy runs on OSS's side, in
# parallel parts pinned to the source version that was read first, and is checked against the
# source's CRC-64 before it is recorded.
resource "oss_object_copy" "model" {
  source_bucket = "ml-training"
  source_key    = "runs/2026-11-20/model.safetensors"
  bucket        = "ml-serving"
  key           = "models/current/model.safetensors"
}

# Copy one exact version of the source, with new metadata, tags and storage class. Pinning
# source_version_id keeps the copy even when the source is overwritten later.
resource "oss_object_copy" "archived_report" {
  source_bucket     = "reports"
  source_key        = "2026/q3/report.pdf"
  source_version_id = "CAEQNhiBgMDJgZCA0BYiIDc4MGZjZGI2OTBjOTRmNTE5NmU5NmFmZjk0OGM3****"
  bucket            = "reports-archive"
  key               = "2026/q3/report.pdf"

  metadata_directive  = "REPLACE"
  content_type        = "application/pdf"
  content_disposition = "attachment; filename=\"report-2026-q3.pdf\""
  metadata = {
    retention = "7y"
  }

  tagging_directive = "REPLACE"
  tags = {
    classification = "internal"
  }

  storage_class          = "IA"
  server_side_encryption = "AES256"
}
