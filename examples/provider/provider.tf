terraform {
  required_providers {
    oss = {
      source = "ossprovider/oss"
    }
  }
}

# Credentials are best left to the environment (OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, the
# ALICLOUD_* variables, a profile or an ECS instance RAM role), so they never appear in
# configuration files or in the state.
provider "oss" {
  region = "cn-hangzhou"
}

# A second configuration that copies with the temporary credentials of a RAM role.
provider "oss" {
  alias  = "archive"
  region = "cn-shanghai"

  assume_role {
    role_arn     = "acs:ram::123456789012****:role/object-copier"
    session_name = "terraform"
  }
}
