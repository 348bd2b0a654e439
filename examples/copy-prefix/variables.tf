variable "source_bucket" {
  description = "Bucket that holds the objects to copy."
  type        = string
}

variable "source_prefix" {
  description = "Copy every object whose key starts with this, for example \"golden/fixtures/v3/\". End it with \"/\" to copy a folder and not also its namesakes (\"v3/\" does not match \"v30/\"). \"\" copies the whole bucket."
  type        = string
}

variable "destination_bucket" {
  description = "Bucket to copy into, in the same region as source_bucket (OSS copies only within a region)."
  type        = string
}

variable "destination_prefix" {
  description = "Prefix that replaces source_prefix in the copies' keys, for example \"seed/\". \"\" puts the relative paths at the top of the bucket."
  type        = string
  default     = ""
}

variable "storage_class" {
  description = "Storage class of the copies (Standard, IA, Archive, ColdArchive, DeepColdArchive). null uses the destination bucket's default."
  type        = string
  default     = null
}

variable "parallelism" {
  description = "Parts copied at once within each large object; Terraform's own -parallelism (default 10) sets how many objects are copied at once. null uses the provider's default."
  type        = number
  default     = null
}
