module github.com/ossprovider/terraform-provider-oss

go 1.26.8

require (
	github.com/aliyun/alibabacloud-oss-go-sdk-v2 v1.6.1 // indirect
	github.com/aliyun/credentials-go v1.4.14 // indirect
	github.com/hashicorp/terraform-plugin-framework v1.19.0 // indirect
	github.com/hashicorp/terraform-plugin-framework-timeouts v0.7.0 // indirect
	github.com/hashicorp/terraform-plugin-framework-validators v0.19.0 // indirect
	github.com/hashicorp/terraform-plugin-go v0.31.0 // indirect
	github.com/hashicorp/terraform-plugin-log v0.11.0 // indirect
	github.com/hashicorp/terraform-plugin-testing v1.16.0 // indirect
)
