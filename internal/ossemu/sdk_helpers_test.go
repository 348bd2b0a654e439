package ossemu_test

import (
	"context"
	"errors"
	"hash/crc64"
	"io"
	"strconv"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// newClient returns an SDK client for srv signing with version (V4 or V1).
func newClient(t *testing.T, srv *ossemu.Server, version oss.SignatureVersionType) *oss.Client {
	t.Helper()
	return newClientWith(srv, version, staticCreds(srv.Credentials()))
}

func newClientWith(srv *ossemu.Server, version oss.SignatureVersionType, cp credentials.CredentialsProvider) *oss.Client {
	cfg := srv.ClientConfig().
		WithCredentialsProvider(cp).
		WithSignatureVersion(version).
		WithUsePathStyle(true).
		WithRetryMaxAttempts(1)
	return oss.NewClient(cfg)
}

// serviceError extracts the OSS error from an SDK error chain.
func serviceError(t *testing.T, err error) *oss.ServiceError {
	t.Helper()
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("want *oss.ServiceError, got %v", err)
	}
	return se
}

// expectCode fails unless err is an OSS error with code and status.
func expectCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %d %s, got success", status, code)
	}
	se := serviceError(t, err)
	if se.StatusCode != status || se.Code != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, se.StatusCode, se.Code, se.Message)
	}
}

var ecmaTable = crc64.MakeTable(crc64.ECMA)

func crcString(b []byte) string { return strconv.FormatUint(crc64.Checksum(b, ecmaTable), 10) }

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var ctx = context.Background()

// staticCreds is a fixed key pair, with an STS security token when given.
func staticCreds(id, secret string, token ...string) credentials.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(id, secret, token...)
}

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	return string(must[[]byte](t)(io.ReadAll(r)))
}

// forEachSignature runs test once per signature version, in parallel.
func forEachSignature(t *testing.T, test func(*testing.T, oss.SignatureVersionType)) {
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, version)
		})
	}
}
