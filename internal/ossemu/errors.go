package ossemu

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
)

// ErrNotFound is wrapped by fixture methods when a bucket, object or version is missing.
var ErrNotFound = errors.New("ossemu: not found")

// ossError is an error answered to the client in OSS's error format.
type ossError struct {
	status  int
	code    string
	message string
	ec      string
	extra   []xmlField // code-specific elements OSS adds (UploadId, PartNumber, ...)
	header  http.Header
}

type xmlField struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (e *ossError) Error() string { return e.code + ": " + e.message }

// with adds a code-specific element to the error body.
func (e *ossError) with(name, value string) *ossError {
	e.extra = append(e.extra, xmlField{XMLName: xml.Name{Local: name}, Value: value})
	return e
}

// errorSpec is the fixed part of an error: status, message and EC.
type errorSpec struct {
	status  int
	message string
	ec      string
}

// errorSpecs lists every error the emulator sends with OSS's status and
// message. EC is OSS's error-center code where OSS's documentation or
// recorded OSS responses show it for that error (some operations override it
// with withEC); it is left empty, and then not sent, where no real value
// was found, rather than invented.
var errorSpecs = map[string]errorSpec{
	"AccessDenied":              {403, "AccessDenied", ""},
	"ArchiveRestoreFileStale":   {409, "The archive file or restore info stale", "0016-00000718"},
	"ArchiveRestoreNotFinished": {409, "The archive file's restore is not finished.", "0016-00000719"},
	"BucketAlreadyExists":       {409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", "0015-00000104"},
	"BucketNotEmpty":            {409, "The bucket has objects. Please delete them first.", "0015-00000301"},
	"EntityTooLarge":            {400, "Your proposed upload exceeds the maximum allowed size.", ""},
	"EntityTooSmall":            {400, "Your proposed upload is smaller than the minimum allowed size.", "0042-00000213"},
	"FileAlreadyExists":         {409, "The object you specified already exists and can not be overwritten.", "0026-00000201"},
	"FileImmutable":             {409, "The object you specified is immutable.", ""},
	"InternalError":             {500, "We encountered an internal error. Please try again.", ""},
	"InvalidAccessKeyId":        {403, "The OSS Access Key Id you provided does not exist in our records.", "0002-00000902"},
	"InvalidArgument":           {400, "Invalid argument.", ""},
	"InvalidBucketName":         {400, "The specified bucket is not valid.", "0015-00000001"},
	"InvalidDigest":             {400, "The Content-MD5 you specified is not valid.", "0017-00000503"},
	"InvalidLocationConstraint": {400, "The specified location-constraint is not valid", ""},
	"InvalidObjectName":         {400, "The specified object is not valid.", "0016-00000005"},
	"InvalidObjectState":        {403, "The operation is not valid for the object's state", ""},
	"InvalidPart":               {400, "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", ""},
	"InvalidPartOrder":          {400, "The list of parts was not in ascending order. The parts list must be specified in order by part number.", "0042-00000209"},
	"InvalidRange":              {416, "The requested range cannot be satisfied.", ""},
	"InvalidRequest":            {400, "Invalid request.", ""},
	"InvalidSecurityToken":      {403, "The security token you provided is invalid.", "0002-00000008"},
	"InvalidTargetType":         {400, "The symlink target object type is invalid", ""},
	"InvalidWORMConfiguration":  {400, "The WORM configuration is invalid.", ""},
	"MalformedXML":              {400, "The XML you provided was not well-formed or did not validate against our published schema.", "0016-00000608"},
	"MethodNotAllowed":          {405, "The specified method is not allowed against this resource.", ""},
	"NoSuchBucket":              {404, "The specified bucket does not exist.", "0015-00000101"},
	"NoSuchKey":                 {404, "The specified key does not exist.", "0026-00000001"},
	"NoSuchUpload":              {404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", "0042-00000002"},
	"NoSuchVersion":             {404, "The specified version does not exist.", "0026-00000001"},
	"NoSuchWORMConfiguration":   {404, "The WORM Configuration does not exist.", ""},
	"NotImplemented":            {501, "The operation is not implemented by this emulator.", ""},
	"NotModified":               {304, "", ""},
	"NotSymlink":                {400, "The specified object is not a symlink.", ""},
	"ObjectNotAppendable":       {409, "The object is not appendable", "0026-00000017"},
	"OperationNotSupported":     {400, "The operation is not supported for this resource.", ""},
	"PositionNotEqualToLength":  {409, "Position is not equal to file length", ""},
	"PreconditionFailed":        {412, "At least one of the pre-conditions you specified did not hold", "0017-00001001"},
	"RequestTimeTooSkewed":      {403, "The difference between the request time and the current time is too large.", "0002-00000504"},
	"RestoreAlreadyInProgress":  {409, "The restore operation is in progress.", "0016-00000701"},
	"SecurityTokenExpired":      {403, "The security token you provided has expired.", "0002-00000007"},
	"SignatureDoesNotMatch":     {403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "0002-00000040"},
	"SymlinkTargetNotExist":     {404, "The symlink target object does not exist", ""},
	"TotalQpsLimitExceeded":     {503, "Max total qps limit is exceeded", "0004-00000302"}, // EC 0004-00000302's page: the account's QPS limit
}

// newError builds the error for code with OSS's default message.
func newError(code string) *ossError {
	spec, ok := errorSpecs[code]
	if !ok {
		panic("ossemu: unknown error code " + code)
	}
	return &ossError{status: spec.status, code: code, message: spec.message, ec: spec.ec}
}

// withEC replaces the EC where OSS uses an operation-specific one.
func (e *ossError) withEC(ec string) *ossError {
	e.ec = ec
	return e
}

// overrideEC gives err the EC an operation uses for code, when err is that
// error; other errors pass through.
func overrideEC(err error, code, ec string) error {
	var oe *ossError
	if errors.As(err, &oe) && oe.code == code {
		return oe.withEC(ec)
	}
	return err
}

// errorf builds the error for code with a specific message.
func errorf(code, message string) *ossError {
	e := newError(code)
	e.message = message
	return e
}

type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	Extra     []xmlField
	EC        string `xml:"EC,omitempty"`
	Recommend string `xml:"RecommendDoc,omitempty"`
}

// writeError answers e. HEAD responses cannot carry a body, so OSS moves the
// same XML, base64-encoded, into x-oss-err (the SDK decodes it from there).
func writeError(w http.ResponseWriter, r *http.Request, reqID string, e *ossError) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	if e.status == http.StatusNotModified {
		w.WriteHeader(e.status)
		return
	}
	eb := errorBody{Code: e.code, Message: e.message, RequestID: reqID, HostID: r.Host, Extra: e.extra, EC: e.ec}
	if e.ec != "" {
		eb.Recommend = "https://api.aliyun.com/troubleshoot?q=" + e.ec
		h.Set("x-oss-ec", e.ec)
	}
	body, err := xml.MarshalIndent(eb, "", "  ")
	if err != nil {
		panic(err) // only strings are marshalled
	}
	body = append([]byte(xml.Header), body...)
	if r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
		w.WriteHeader(e.status)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}
