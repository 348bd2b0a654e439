package ossemu

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// checkBucketName applies OSS's rule: 3-63 characters of a-z, 0-9 and '-',
// neither starting nor ending with '-'.
func checkBucketName(name string) error {
	ok := len(name) >= 3 && len(name) <= 63 && name[0] != '-' && name[len(name)-1] != '-'
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return newError("InvalidBucketName").with("BucketName", name)
	}
	return nil
}

// checkObjectName applies OSS's rule: 1-1023 bytes of UTF-8, not starting
// with '/' or '\', with the message and EC OSS gives for each violation.
func checkObjectName(key string) error {
	switch {
	case len(key) == 0:
		return errorf("InvalidObjectName", "The Object name can not be empty").withEC("0016-00000001")
	case len(key) > 1023:
		return errorf("InvalidObjectName", "The Length of Object name must be less than 1024").withEC("0016-00000003")
	case !utf8.ValidString(key):
		return newError("InvalidObjectName").withEC("0016-00000004")
	case key[0] == '/' || key[0] == '\\':
		return newError("InvalidObjectName").withEC("0016-00000005")
	}
	return nil
}

// checkContentMD5 compares a Content-MD5 header with the body it came with.
func checkContentMD5(h http.Header, body []byte) error {
	v := h.Get("Content-MD5")
	if v == "" {
		return nil
	}
	want, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(want) != md5.Size {
		return newError("InvalidDigest").withEC("0017-00000502")
	}
	if sum := md5.Sum(body); !bytes.Equal(want, sum[:]) {
		return newError("InvalidDigest")
	}
	return nil
}

// The ECs OSS documents for a request body over its operation's limit: an
// object's content (PutObject, UploadPart), or a body OSS parses (XML).
const (
	ecObjectBodyTooLarge = "0017-00000102"
	ecParsedBodyTooLarge = "0017-00000501"
)

// readAllLimit reads at most limit bytes; longer bodies are an EntityTooLarge.
func readAllLimit(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, errorf("InvalidRequest", "Reading the request body failed: "+err.Error())
	}
	if int64(len(b)) > limit {
		return nil, newError("EntityTooLarge")
	}
	return b, nil
}

// isTrue reads OSS's boolean header values.
func isTrue(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }
