# The configuration that `make demo` applies against the bundled OSS emulator. It works unchanged
# against a real OSS account: export the OSS_* variables from the README and pass the bucket and
# key names as variables.

terraform {
  required_providers {
    oss = {
      source = "ossprovider/oss"
    }
  }
}

# Region, endpoint and credentials come from the environment: OSS_REGION, OSS_ENDPOINT,
# OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET.
provider "oss" {}

variable "source_bucket" {
  description = "Bucket that holds the object to copy."
  type        = string
}

variable "source_key" {
  description = "Key of the object to copy."
  type        = string
}

variable "bucket" {
  description = "Bucket to copy the object into, in the same region as the source bucket."
  type        = string
}

variable "key" {
  description = "Key of the copy."
  type        = string
}

resource "oss_object_copy" "demo" {
  source_bucket = var.source_bucket
  source_key    = var.source_key
  bucket        = var.bucket
  key           = var.key
}

output "etag" {
  value = oss_object_copy.demo.etag
}

output "version_id" {
  value = oss_object_copy.demo.version_id
}

output "size" {
  value = oss_object_copy.demo.size
}

output "crc64" {
  value = oss_object_copy.demo.crc64
}

output "source_version_id" {
  value = oss_object_copy.demo.source_version_id
}
