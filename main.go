// Command terraform-provider-oss serves the oss provider to Terraform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	tfaddr "github.com/hashicorp/terraform-registry-address"

	"github.com/ossprovider/terraform-provider-oss/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// sourceAddress is the short provider source address used in configurations.
const sourceAddress = "ossprovider/oss"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// providerserver wants hostname/namespace/type; expanding the short form the
	// way Terraform does keeps the default hostname out of our code.
	addr, err := tfaddr.ParseProviderSource(sourceAddress)
	if err != nil {
		log.Fatal(err)
	}

	err = providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         addr.String(),
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
