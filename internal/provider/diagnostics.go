package provider

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
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
func unknownProviderArgumentDiag(p path.Path) diag.Diagnostic {
	name := p.String()
	return diag.NewAttributeErrorDiagnostic(p, "Unknown Provider Argument "+name,
		"The value of \""+name+"\" is not known until apply, but the oss provider needs it to plan. "+
			"Use a value known at plan time, or apply the resources it depends on first with -target.")
}

// credentialArgumentMissingDiag reports a credential argument that is
// missing while others are set in the provider block; env lists the set
// environment variables that would have supplied it, which are not used.
func credentialArgumentMissingDiag(place credentialPlace, missing string, set, env []string) diag.Diagnostic {
	what := map[string]string{"access_key": "access key ID", "secret_key": "access key secret"}[missing]
	detail := fmt.Sprintf("%s %s set in %s, so the oss provider takes the whole key pair, and "+
		"its security token, from %s: credentials never come partly from arguments and "+
		"partly from environment variables. Set the %s in \"%s\" in %s, or remove %s to "+
		"take the credentials from the environment.", joinNames(set, `"`), isAre(set), place.name, place.name,
		what, missing, place.name, joinNames(set, `"`))
	if len(env) > 0 {
		detail += fmt.Sprintf(" The environment %s %s %s set but not combined with arguments.",
			variables(env), joinNames(env, ""), isAre(env))
	}
	return diag.NewAttributeErrorDiagnostic(place.path.AtName(missing), "Missing "+place.noun+" Argument "+missing, detail)
}

// credentialVariablesIncompleteDiag reports a family of credential
// environment variables (ID, secret, token) of which some are set but not
// the key pair; others lists the set variables of the other families.
func credentialVariablesIncompleteDiag(family, set, missing, others []string) diag.Diagnostic {
	detail := fmt.Sprintf("%s %s set, so the oss provider takes the key pair and its security token from "+
		"%s only, but %s %s not set.", joinNames(set, ""), isAre(set), joinNames(family, ""),
		joinNames(missing, ""), isAre(missing))
	if len(others) > 0 {
		detail += fmt.Sprintf(" Credentials never come from two families of environment variables: %s %s "+
			"set but not combined with them.", joinNames(others, ""), isAre(others))
	}
	detail += fmt.Sprintf(" Set %s, or unset %s.", joinNames(missing, ""), joinNames(set, ""))
	return diag.NewErrorDiagnostic("Incomplete Credentials in Environment Variables", detail)
}

// tokenNotUsedWarning reports security token variables left unused because
// the key pair in use comes from another source, pair, whose own token
// would be in tokenPlace.
func tokenNotUsedWarning(pair, tokenPlace string, unused []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Security Token Not Used", fmt.Sprintf("The key pair comes from %s, "+
		"without a security token, so the environment %s %s %s not used: a token works only with the key "+
		"pair it was issued with, and credentials never mix sources. If the key pair is temporary, set its "+
		"token in %s; otherwise unset %s.", pair, variables(unused), joinNames(unused, ""), isAre(unused),
		tokenPlace, joinNames(unused, "")))
}

// joinNames lists names as prose, each between quote: "a", "a and b",
// "a, b and c".
func joinNames(names []string, quote string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote + n + quote
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func isAre(names []string) string {
	if len(names) == 1 {
		return "is"
	}
	return "are"
}

func variables(names []string) string {
	if len(names) == 1 {
		return "variable"
	}
	return "variables"
}

// credentialsSetupDiag reports a credential source that the provider could
// not set up from its arguments, before any request was sent.
func credentialsSetupDiag(place credentialPlace, source string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Invalid "+place.noun+" Credentials",
		"Setting up credentials from "+source+" failed. Check those arguments of "+place.name+" and their "+
			"environment variables.\n\nOriginal Error: "+err.Error())
}

// assumeRoleSetupDiag reports an assume_role block that the credentials
// library refuses, before any request to STS was sent.
func assumeRoleSetupDiag(place credentialPlace, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(place.path.AtName("assume_role").AtName("role_arn"), "Invalid Assume Role",
		"Setting up assuming the RAM role failed. Set \"role_arn\" in the assume_role block to the "+
			"ARN of the role.\n\nOriginal Error: "+err.Error())
}

// providerDataDiag reports provider data of an unexpected type, which only a
// provider bug can cause.
func providerDataDiag(err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Unexpected Provider Data Type",
		"This is always a bug in the oss provider; please report it.\n\nOriginal Error: "+err.Error())
}

// invalidPrivateStateDiag reports a value of the resource's private state
// that cannot be decoded or encoded. Only this provider writes it.
func invalidPrivateStateDiag(key string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Invalid Private State",
		"Reading or writing the \""+key+"\" value that the oss provider keeps in the resource's private "+
			"state failed. This is a bug in the oss provider unless the state was edited by hand; please "+
			"report it.\n\nOriginal Error: "+err.Error())
}

// target names the object an operation was about.
type target struct {
	bucket, key string
}

func (t target) String() string { return "oss://" + t.bucket + "/" + t.key }

// ossErrorDiag turns an error from OSS, the SDK or the copy engine into one
// diagnostic: what failed, on which object, what to do, and the OSS error
// code and request ID that OSS support asks for.
func ossErrorDiag(action string, pd *providerData, t target, err error) diag.Diagnostic {
	summary, advice := classifyError(err, pd, t)
	return diag.NewErrorDiagnostic(summary, errorDetail(action+" "+t.String()+" failed.", advice, err))
}

// errorDetail lays out every OSS diagnostic the same way: what failed, what
// to do, the OSS operation, code and request ID (which OSS support asks
// for), and last the original error.
func errorDetail(what, advice string, err error) string {
	var b strings.Builder
	b.WriteString(what)
	if advice != "" {
		b.WriteString("\n\n" + advice)
	}
	var ce *objectcopy.Error
	if errors.As(err, &ce) && ce.Op != "" {
		b.WriteString("\n\nOSS operation: " + ce.Op)
	}
	var se *oss.ServiceError
	if errors.As(err, &se) {
		fmt.Fprintf(&b, "\nOSS error code: %s (HTTP %d)\nRequest ID: %s", se.Code, se.StatusCode, se.RequestID)
		if se.EC != "" {
			// OSS documents each EC on a page of its own.
			b.WriteString("\nOSS EC: " + se.EC)
		}
	}
	b.WriteString("\n\nOriginal Error: " + err.Error())
	return b.String()
}

// classifyError picks the summary and the advice for err.
func classifyError(err error, pd *providerData, t target) (summary, advice string) {
	var (
		credErr     *credentialsError
		se          *oss.ServiceError
		opErr       *net.OpError
		notCopyable *objectcopy.NotCopyableError
	)
	switch {
	case errors.As(err, &credErr):
		return "No Usable OSS Credentials", "The provider could not get credentials from " + credErr.source +
			". Set \"access_key\" and \"secret_key\" in the provider block, or the environment variables " +
			envAccessKey[0] + " and " + envSecretKey[0] + " (or " + envAccessKey[1] + " and " + envSecretKey[1] +
			", or " + envAccessKey[2] + " and " + envSecretKey[2] + "), or a \"profile\"."
	case errors.Is(err, objectcopy.ErrSourceChanged):
		return "Source Object Changed During Copy", "The source object changed while it was being copied, " +
			"so the copy was abandoned and its multipart upload aborted; nothing was written. Apply again " +
			"to copy the source as it is now, or pin a version with source_version_id."
	case errors.As(err, &notCopyable):
		// Found by the copy's own HEAD when the plan could not read the source.
		return notCopyableText(notCopyable, "", "")
	case errors.Is(err, objectcopy.ErrTooManyParts):
		return "Too Many Parts", "OSS copies an object in at most 10,000 parts of at most 5 GiB each. Raise " +
			"part_size as the error says, or leave it unset to have it chosen from the object's size."
	case errors.Is(err, context.DeadlineExceeded):
		return "OSS Operation Timed Out", "The operation did not finish in time. Raise the timeout in the " +
			"resource's timeouts block (a large copy may need a longer \"create\"); any multipart upload " +
			"was aborted."
	case errors.Is(err, context.Canceled):
		return "OSS Operation Interrupted", "The operation was interrupted (for example by Ctrl-C); any " +
			"multipart upload was aborted and nothing was recorded. Apply again to retry."
	case errors.As(err, &se):
		return classifyServiceError(se, pd, t)
	case errors.As(err, &opErr):
		return "Cannot Reach OSS", "The provider could not connect to the OSS endpoint " + endpointName(pd) +
			". Check \"endpoint\" and \"region\" (or " + plainList(envEndpoint) + " and " +
			plainList(envRegion) + ") and the network."
	}
	return "OSS Request Failed", ""
}

// summaryObjectNotFound is compared by copyErrorDiag, which names the source.
const summaryObjectNotFound = "Object Not Found"

// classifyServiceError picks the summary and the advice by OSS error code;
// codes without specific advice get the generic summary.
func classifyServiceError(se *oss.ServiceError, pd *providerData, t target) (summary, advice string) {
	switch se.Code {
	case "InvalidAccessKeyId":
		return "Invalid OSS Access Key ID", "OSS does not know the access key ID in use. Check the access " +
			"key ID: \"access_key\" or " + plainList(envAccessKey) + "."
	case "SignatureDoesNotMatch":
		return "OSS Rejected the Access Key Secret", "The request signature does not match: the access key " +
			"secret does not belong to the access key ID. Check the secret: \"secret_key\" or " +
			plainList(envSecretKey) + "."
	case "InvalidSecurityToken", "SecurityTokenExpired":
		return "OSS Rejected the Security Token", "The STS security token is invalid or has expired. Get new " +
			"temporary credentials (\"security_token\" or " + plainList(envSecurityToken) + "), or use " +
			"assume_role, which renews them."
	case "RequestTimeTooSkewed":
		return "Clock Skew Too Large", "This machine's clock differs from OSS's by more than 15 minutes. " +
			"Synchronize the clock (NTP) and retry."
	case "FileImmutable":
		return "Object Is Immutable (Retention Policy)", "A retention (WORM) policy protects the object: OSS " +
			"refuses to copy into or out of a bucket under retention, and to overwrite or delete a protected " +
			"object until its retention period ends. Use buckets without a retention policy, or wait for the " +
			"retention period to end (to stop managing the object meanwhile, use terraform state rm)."
	case "FileAlreadyExists":
		return "Destination Object Already Exists", "An object already exists at " + t.String() + " and " +
			"forbid_overwrite is true. Delete or import that object, choose another key, or set " +
			"forbid_overwrite = false to overwrite it."
	case "NoSuchBucket":
		return "Bucket Not Found", "The bucket " + t.bucket + " does not exist in this region. Check the " +
			"bucket name and the provider's region."
	case "NoSuchKey", "NoSuchVersion":
		return summaryObjectNotFound, "There is no object at " + t.String() + ". Check the bucket, key and " +
			"version."
	case "AccessDenied":
		if w, ok := bucketElsewhere(se, t.bucket); ok {
			return "Bucket in Another Region", fmt.Sprintf("The bucket %s is in region %s (endpoint %s), but "+
				"the provider is configured for %s. OSS serves a bucket only through the endpoint of its own "+
				"region. Use a provider configured for region %s, for example an aliased provider block with "+
				"region = %q.", w.Bucket, w.region(), w.Endpoint, configuredRegion(pd), w.region(), w.region())
		}
		if isCrossRegion(se) {
			return "Cross-Region Copy Not Supported", "OSS copies objects only within one region."
		}
		return "OSS Access Denied", "The credentials in use may not perform this operation on " + t.String() +
			". Grant the RAM user or role the permission (for example oss:GetObject on the source and " +
			"oss:PutObject on the destination)."
	}
	return "OSS Request Failed", ""
}

// isCrossRegion recognizes OSS's answer to a copy between regions, which
// only an endpoint that reaches both buckets lets through to the copy.
func isCrossRegion(se *oss.ServiceError) bool {
	return se.Code == "AccessDenied" && strings.Contains(se.Message, "same data center")
}

// wrongEndpoint is what OSS names when it refuses a bucket addressed through
// another region's endpoint: the bucket, and the endpoint that serves it.
type wrongEndpoint struct {
	Bucket   string `xml:"Bucket"`
	Endpoint string `xml:"Endpoint"`
}

// bucketElsewhere recognizes that refusal (AccessDenied, EC 0003-00001403,
// with an Endpoint element) and reads it from the error body, which the SDK
// keeps in Snapshot, for HEAD requests too; bucket stands in for a missing
// Bucket element.
func bucketElsewhere(se *oss.ServiceError, bucket string) (wrongEndpoint, bool) {
	var w wrongEndpoint
	if se.Code != "AccessDenied" || xml.Unmarshal(se.Snapshot, &w) != nil || w.Endpoint == "" {
		return w, false
	}
	if w.Bucket == "" {
		w.Bucket = bucket
	}
	return w, true
}

// region is the region ID in the endpoint's name, oss-<region>.aliyuncs.com.
func (w wrongEndpoint) region() string {
	label, _, _ := strings.Cut(w.Endpoint, ".")
	return strings.TrimSuffix(strings.TrimPrefix(label, "oss-"), "-internal")
}

// configuredRegion names the provider's region and, when one is configured,
// its endpoint.
func configuredRegion(pd *providerData) string {
	if pd == nil {
		return "an unknown region"
	}
	if pd.endpoint != "" {
		return "region " + pd.region + " (endpoint " + pd.endpoint + ")"
	}
	return "region " + pd.region
}

// endpointName names the endpoint requests went to: the configured one, or
// else the region whose public endpoint the SDK derived.
func endpointName(pd *providerData) string {
	if pd == nil {
		return "(unknown)"
	}
	if pd.endpoint != "" {
		return pd.endpoint
	}
	return "for region " + pd.region
}

// copyErrorDiag reports a failed copy. It names the object the failure is
// about; when one of the buckets is in another region than the provider's,
// it names that region and says that OSS copies only within one region.
func (r *objectCopyResource) copyErrorDiag(ctx context.Context, p objectcopy.Params, err error) diag.Diagnostic {
	what := "Copying " + target{p.SourceBucket, p.SourceKey}.String() + " to " + target{p.Bucket, p.Key}.String() + " failed."
	return r.copyDiag(ctx, what, p, err)
}

// planSourceErrorDiag reports the plan's HeadObject of the source of a new
// copy, which failed: with the advice the copy itself would get, so that
// what would stop the apply stops the plan instead.
func (r *objectCopyResource) planSourceErrorDiag(ctx context.Context, p objectcopy.Params, err error) diag.Diagnostic {
	what := "Reading the source object " + target{p.SourceBucket, p.SourceKey}.String() + " to plan its copy to " +
		target{p.Bucket, p.Key}.String() + " failed."
	return r.copyDiag(ctx, what, p, err)
}

// copyDiag is copyErrorDiag and planSourceErrorDiag, which differ in what
// they say failed.
func (r *objectCopyResource) copyDiag(ctx context.Context, what string, p objectcopy.Params, err error) diag.Diagnostic {
	src := target{bucket: p.SourceBucket, key: p.SourceKey}
	dst := target{bucket: p.Bucket, key: p.Key}
	t := dst
	var ce *objectcopy.Error
	if errors.As(err, &ce) && ce.Bucket == src.bucket && ce.Key == src.key {
		t = src
	}
	var se *oss.ServiceError
	if errors.As(err, &se) && (se.Code == "NoSuchKey" || se.Code == "NoSuchVersion") {
		t = src // a copy only ever reads an existing object at the source
	}
	summary, advice := classifyError(err, r.data, t)
	// A copy pinned to the planned source finds the change before it writes
	// anything: at its CopyObject, or at the HeadObject a multipart copy
	// starts with.
	if p.Source != nil && errors.Is(err, objectcopy.ErrSourceChanged) && ce != nil && (ce.Op == "CopyObject" || ce.Op == "HeadObject") {
		summary = "Source Object Changed Since Plan"
		advice = fmt.Sprintf("%s had ETag %s when this apply planned the copy and %s, so nothing was "+
			"copied. Run terraform apply again to plan a copy of the source as it is now, or pin a version "+
			"with source_version_id.", src, trimETag(p.Source.ETag), r.sourceNow(ctx, p))
	}
	if se != nil {
		if w, ok := bucketElsewhere(se, t.bucket); ok {
			summary = "Destination Bucket in Another Region"
			if t == src {
				summary = "Source Bucket in Another Region"
			}
			advice = crossRegionAdvice(r.data, src, t == src, w)
		} else if isCrossRegion(se) {
			advice = "The source bucket " + src.bucket + " and the destination bucket " + dst.bucket + " are in " +
				"different regions; OSS copies objects only within one region. Copy into a bucket in the " +
				"source's region, or use OSS cross-region replication."
		}
	}
	// OSS answers a HeadObject of a delete marker's version with 405.
	if t == src && se != nil && se.Code == "MethodNotAllowed" && p.SourceVersion() != "" {
		summary = "Source Version Is a Delete Marker"
		advice = "Version " + p.SourceVersion() + " of " + src.String() + " is a delete marker, which holds " +
			"no data to copy. Set source_version_id to a version that holds the object, or remove it to copy " +
			"the current version."
	}
	if ce != nil && ce.Op == "GetObjectTagging" && se != nil && se.Code == "AccessDenied" {
		summary = "Cannot Read the Source's Tags"
		advice = "tagging_directive \"COPY\" copies the tags of " + src.String() + ", which a copy in parts must " +
			"read with GetObjectTagging, and OSS refused it; nothing was copied. Grant oss:GetObjectTagging on the " +
			"source, or set tagging_directive = \"REPLACE\" (with tags, or none) to not copy them."
	}
	var left *objectcopy.UploadLeftError
	if errors.As(err, &left) {
		if errors.Is(err, objectcopy.ErrSourceChanged) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			advice = "" // it says the upload was aborted
		}
		advice = strings.TrimPrefix(advice+"\n\n"+uploadLeftAdvice(left), "\n\n")
	}
	var written *objectcopy.WrittenError
	if errors.As(err, &written) {
		if errors.Is(err, objectcopy.ErrSourceChanged) {
			summary = "Copy Does Not Match Its Source"
			advice = "The copy's CRC64 differs from the source's: the source changed while it was being copied, " +
				"and deleting the copy failed."
		}
		at := target{bucket: written.Bucket, key: written.Key}.String()
		if written.VersionID != "" {
			at += " (version " + written.VersionID + ")"
		}
		if written.Unconfirmed {
			advice += "\n\nThe copy may have been written to " + at + " with ETag " + trimETag(written.ETag) +
				": OSS's answer to CompleteMultipartUpload was lost, and reading the destination to tell failed. " +
				"Terraform records it as tainted: the next terraform plan reads the destination and forgets " +
				"the copy if it is not there; if it is, the next terraform apply deletes it and copies again."
		} else {
			advice += "\n\nThe copy was written to " + at + " but could not be verified or removed. Terraform " +
				"records it as tainted: the next terraform apply deletes it and copies again, and terraform " +
				"destroy deletes it."
		}
	}
	if t == src && summary == summaryObjectNotFound {
		summary = "Source Object Not Found"
		advice = "There is no object at " + src.String() + ". Check source_bucket, source_key and " +
			"source_version_id."
	}
	return diag.NewErrorDiagnostic(summary, errorDetail(what, advice, err))
}

// uploadLeftAdvice says which multipart upload a failed copy could not
// abort, why, and how to remove it: it is billed until then.
func uploadLeftAdvice(left *objectcopy.UploadLeftError) string {
	why := left.Err.Error()
	var se *oss.ServiceError
	if errors.As(left.Err, &se) {
		why = fmt.Sprintf("OSS answered %s (HTTP %d, request ID %s)", se.Code, se.StatusCode, se.RequestID)
	}
	return fmt.Sprintf("Aborting the multipart upload %s of %s failed: %s. The upload and the parts copied so far "+
		"stay, and are billed, until they are removed: abort it with working credentials, for example "+
		"\"ossutil api abort-multipart-upload --bucket %s --key %s --upload-id %s\", or give the bucket a lifecycle "+
		"rule that aborts incomplete multipart uploads.", left.UploadID, target{left.Bucket, left.Key}, why,
		left.Bucket, left.Key, left.UploadID)
}

// sourceNow says what the source is now, for the error that says it changed
// since the plan; this HeadObject is made on that error path only.
func (r *objectCopyResource) sourceNow(ctx context.Context, p objectcopy.Params) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	src, err := objectcopy.HeadSource(ctx, r.data.client, p.SourceBucket, p.SourceKey, p.SourceVersion())
	switch {
	case isNotFound(err):
		return "no longer exists"
	case err != nil:
		return "could not be read again (" + err.Error() + ")"
	}
	return "has ETag " + trimETag(src.ETag) + " now"
}

// crossRegionAdvice explains a copy refused because the source bucket
// (atSource) or else the destination bucket is in another region than the
// provider's, which OSS says before any copy is attempted.
func crossRegionAdvice(pd *providerData, src target, atSource bool, w wrongEndpoint) string {
	if atSource {
		return fmt.Sprintf("The source bucket %s is in region %s (endpoint %s), but the provider is "+
			"configured for %s. OSS copies objects only within one region, and serves a bucket only through "+
			"the endpoint of its own region. To copy %s from there, set source_region = %q (and source_endpoint "+
			"when that region's public endpoint is not the one to use): the copy then relays the bytes through "+
			"the machine that runs Terraform. To copy on OSS's side instead, use a destination bucket in region "+
			"%s and a provider configured for that region (for example an aliased provider block with "+
			"region = %q).", w.Bucket, w.region(), w.Endpoint, configuredRegion(pd), src, w.region(), w.region(),
			w.region())
	}
	return fmt.Sprintf("The destination bucket %s is in region %s (endpoint %s), but the provider is "+
		"configured for %s, where the source bucket %s is. OSS copies objects only within one region, and "+
		"serves a bucket only through the endpoint of its own region. Copy into a bucket in the source's "+
		"region, or use OSS cross-region replication.", w.Bucket, w.region(), w.Endpoint, configuredRegion(pd),
		src.bucket)
}

// destinationIsSourceDiag reports a copy of an object onto itself.
func destinationIsSourceDiag() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("key"), "Destination Is the Source",
		"bucket and key name the source object itself. A copy onto itself would only rewrite the "+
			"object's metadata; choose another bucket or key.")
}

// requiresReplaceDirectiveDiag reports an attribute that the directive in
// force would silently ignore.
func requiresReplaceDirectiveDiag(name, directive string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(name), "Attribute Requires REPLACE Directive",
		fmt.Sprintf("%s is applied only when %s is \"REPLACE\"; with \"COPY\" the copy takes it from the "+
			"source. Set %s = \"REPLACE\" or remove %s.", name, directive, directive, name))
}

// kmsKeyWithoutKMSDiag reports kms_key_id without KMS encryption.
func kmsKeyWithoutKMSDiag() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("kms_key_id"), "KMS Key Without KMS Encryption",
		"kms_key_id is used only when server_side_encryption is \"KMS\". Set server_side_encryption = "+
			"\"KMS\" or remove kms_key_id.")
}

// sourceGoneWarning reports that an unpinned source disappeared; the copy
// stays as it is.
func sourceGoneWarning(bucket, key string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Source Object Not Found",
		"The source object "+target{bucket, key}.String()+" no longer exists, so changes to it cannot be "+
			"followed. The copy is left as it is; a replacement of it would fail until the source exists again.")
}

// importIDDiag reports an import ID that does not parse.
func importIDDiag(id string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Invalid Import ID",
		fmt.Sprintf("The import ID %q is not valid: %v.\n\nExpected %s, with keys percent-encoded: %q as "+
			"%%25, %q as %%3D and %q as %%3F are required, other characters may stay. For example: "+
			"dst-bucket/backups/a%%20b.bin=src-bucket/a%%20b.bin", id, err, importIDFormat, "%", "=", "?"))
}

// restoreTimes is how long OSS's RestoreObject takes, by storage class.
const restoreTimes = "about a minute for Archive, 1 to 12 hours for ColdArchive and 12 to 48 hours for " +
	"DeepColdArchive, depending on the restore tier"

// sourceNotCopyableDiag fails a plan whose source OSS would not copy as a
// copy of its bytes. linkTarget is what GetSymlink named for a symbolic
// link ("" if it could not be read); dstBucket is the copy's bucket.
func sourceNotCopyableDiag(nc *objectcopy.NotCopyableError, linkTarget, dstBucket string) diag.Diagnostic {
	summary, detail := notCopyableText(nc, linkTarget, dstBucket)
	return diag.NewAttributeErrorDiagnostic(path.Root("source_key"), summary, detail)
}

// notCopyableText says why a source cannot be copied and what to do.
func notCopyableText(nc *objectcopy.NotCopyableError, linkTarget, dstBucket string) (summary, detail string) {
	src := target{nc.Bucket, nc.Key}.String()
	if nc.VersionID != "" {
		src += " (version " + nc.VersionID + ")"
	}
	switch nc.Reason {
	case objectcopy.SourceIsSymlink:
		resolves := "the destination bucket"
		if dstBucket != "" {
			resolves += " " + dstBucket
		}
		detail = "The source object " + src + " is a symbolic link"
		advice := "Set source_key to the key of the object it points to (GetSymlink, or ossutil read-symlink, " +
			"names it)."
		if linkTarget != "" {
			detail += " to " + target{nc.Bucket, linkTarget}.String()
			advice = "Set source_key = " + fmt.Sprintf("%q", linkTarget) + " to copy the object the link points to."
		}
		return "Source Is a Symbolic Link", detail + ". OSS copies a symbolic link as the link itself, not " +
			"the object it points to, and the copy would look its target up in " + resolves + ", where " +
			"that key may hold nothing or another object. " + advice
	case objectcopy.SourceIsAppendable:
		return "Source Is an Appendable Object", "The source object " + src + " was written by AppendObject, " +
			"and OSS cannot copy appendable objects server-side. Once nothing appends to it any more, write " +
			"its content as a normal object (PutObject or a multipart upload) and point source_key at that."
	case objectcopy.SourceRestoring:
		return "Source Object Is Being Restored", "The source object " + src + " is stored as " +
			nc.StorageClass + " and its restore is still in progress (x-oss-restore: " + nc.Restore + "); OSS " +
			"copies it only once it is restored, which takes " + restoreTimes + ". Apply again when HeadObject " +
			"shows x-oss-restore: ongoing-request=\"false\"."
	}
	return "Source Object Is Not Restored", "The source object " + src + " is stored as " + nc.StorageClass +
		" and is not restored, so OSS refuses to read or copy it. Restore it with RestoreObject (for example " +
		"ossutil restore " + target{nc.Bucket, nc.Key}.String() + ", or the OSS console); a restore takes " +
		restoreTimes + ". Once HeadObject shows x-oss-restore: ongoing-request=\"false\", apply again: the " +
		"copy can be made until the restored state's expiry-date."
}
