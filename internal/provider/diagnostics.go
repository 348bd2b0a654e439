package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// missingProviderArgumentDiag reports a provider argument that is set neither
// in the configuration nor in any of its environment variables.
func missingProviderArgumentDiag(name string, env []string, what string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(name), "Missing Provider Argument "+name,
		"The oss provider needs "+what+". Set the \""+name+"\" argument in the provider block or one of "+
			"the environment variables "+plainList(env)+".")
}

// unknownProviderArgumentDiag reports a provider argument whose value depends
// on a resource that does not exist yet.
func unknownProviderArgumentDiag(name string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(name), "Unknown Provider Argument "+name,
		"The value of \""+name+"\" is not known until apply, but the oss provider needs it to plan. "+
			"Use a value known at plan time, or apply the resources it depends on first with -target.")
}

// providerDataDiag reports provider data of an unexpected type, which only a
// provider bug can cause.
func providerDataDiag(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Unexpected Provider Data Type",
		"This is always a bug in the oss provider; please report it.\n\nOriginal Error: "+err.Error())
}
