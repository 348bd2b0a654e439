package ossemu_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	classic "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// copySourceKeys are source keys whose x-oss-copy-source differs between
// encodings: spaces, a real '+', '%', '/', unicode and reserved characters.
var copySourceKeys = []string{
	"a b.txt",
	"a+b.txt",
	"100% sure.txt",
	"%2B literally",
	"dir/sub dir/ünïcødé 文件.bin",
	"c++ & co/=?#~!*'()$,;@[].txt",
}

// TestCopySourceEncodings copies every key of copySourceKeys with each
// official SDK's copy calls and with each encoding of x-oss-copy-source
// that the official SDKs write, checking the copy's bytes (CRC64).
func TestCopySourceEncodings(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	v2 := newClient(t, srv, oss.SignatureVersionV4)
	cc := newClassicClient(t, srv, classic.AuthV4)
	dst := must[*classic.Bucket](t)(cc.Bucket("dst"))
	srcBucket := must[*classic.Bucket](t)(cc.Bucket("src"))
	for i, key := range copySourceKeys {
		// 200 KiB, so that a multipart copy has a first part of 100 KiB.
		body := []byte(strings.Repeat(fmt.Sprintf("%d:%s|", i, key), 200<<10/len(key))[:200<<10])
		src := must[ossemu.ObjectInfo](t)(srv.PutObject("src", key, body, nil))
		copies := map[string]func(dstKey string) error{
			"SDK v2 CopyObject": func(dstKey string) error {
				_, err := v2.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr(dstKey),
					SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr(key)})
				return err
			},
			"SDK v2 UploadPartCopy": func(dstKey string) error {
				return v2MultipartCopy(v2, key, dstKey)
			},
			"older SDK CopyObjectFrom": func(dstKey string) error {
				_, err := dst.CopyObjectFrom("src", key, dstKey)
				return err
			},
			"older SDK CopyObjectTo": func(dstKey string) error {
				_, err := srcBucket.CopyObjectTo("dst", dstKey, key)
				return err
			},
			"older SDK UploadPartCopy": func(dstKey string) error {
				return classicMultipartCopy(dst, "src", key, dstKey, int64(len(body)))
			},
			// What the other official SDKs (Python, Java) write: every
			// byte but unreserved ones percent-encoded, '/' included.
			"percent-encoded with %2F": func(dstKey string) error {
				return rawCopy(v2, "dst", dstKey, "/src/"+strings.ReplaceAll(url.PathEscape(key), "+", "%2B"))
			},
			"form-encoded (url.QueryEscape)": func(dstKey string) error {
				return rawCopy(v2, "dst", dstKey, "/src/"+url.QueryEscape(key))
			},
		}
		for name, copyFn := range copies {
			t.Run(fmt.Sprintf("%s/%q", name, key), func(t *testing.T) {
				dstKey := "copy of " + key + " by " + name
				if err := copyFn(dstKey); err != nil {
					t.Fatal(err)
				}
				got := must[ossemu.ObjectInfo](t)(srv.HeadObject("dst", dstKey, ""))
				if got.CRC64 != src.CRC64 || got.Size != src.Size {
					t.Errorf("copy has CRC64 %d and %d bytes, want %d and %d", got.CRC64, got.Size, src.CRC64, src.Size)
				}
			})
		}
	}
	if ups := srv.Uploads(); len(ups) != 0 {
		t.Errorf("uploads left: %+v", ups)
	}
}

// TestCopySourcePlusIsSpace: a raw '+' in x-oss-copy-source is a space, as
// form decoding reads it; a key with a real '+' is named by %2B, as every
// official SDK writes it.
func TestCopySourcePlusIsSpace(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("src", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("src", "a+b", []byte("plus"), nil))
	space := must[ossemu.ObjectInfo](t)(srv.PutObject("src", "a b", []byte("space"), nil))
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := rawCopy(c, "src", "copy", "/src/a+b"); err != nil {
		t.Fatal(err)
	}
	if got := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "copy", "")); got.CRC64 != space.CRC64 {
		t.Errorf(`"/src/a+b" copied CRC64 %d, want "a b"'s %d`, got.CRC64, space.CRC64)
	}
}

// rawCopy sends CopyObject from source (the header as given) to
// bucket/dstKey through c, which signs it.
func rawCopy(c *oss.Client, bucket, dstKey, source string) error {
	_, err := c.InvokeOperation(ctx, &oss.OperationInput{OpName: "CopyObject", Method: http.MethodPut,
		Bucket: oss.Ptr(bucket), Key: oss.Ptr(dstKey), Headers: map[string]string{"x-oss-copy-source": source}})
	return err
}

// v2MultipartCopy copies src/key to dst/dstKey in two UploadPartCopy parts.
func v2MultipartCopy(c *oss.Client, key, dstKey string) error {
	up, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr(dstKey)})
	if err != nil {
		return err
	}
	var parts []oss.UploadPart
	for n, rng := range []string{"bytes=0-102399", "bytes=102400-"} {
		p, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr(dstKey),
			UploadId: up.UploadId, PartNumber: int32(n + 1), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr(key),
			Range: oss.Ptr(rng)})
		if err != nil {
			return err
		}
		parts = append(parts, oss.UploadPart{PartNumber: int32(n + 1), ETag: p.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr(dstKey),
		UploadId: up.UploadId, CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}})
	return err
}

// classicMultipartCopy copies srcBucket/key of size bytes to b/dstKey with
// the older SDK's UploadPartCopy, in parts of 100 KiB.
func classicMultipartCopy(b *classic.Bucket, srcBucket, key, dstKey string, size int64, opts ...classic.Option) error {
	imur, err := b.InitiateMultipartUpload(dstKey)
	if err != nil {
		return err
	}
	var parts []classic.UploadPart
	for n, off := 1, int64(0); off < size; n, off = n+1, off+100<<10 {
		p, err := b.UploadPartCopy(imur, srcBucket, key, off, min(100<<10, size-off), n, opts...)
		if err != nil {
			return err
		}
		parts = append(parts, p)
	}
	_, err = b.CompleteMultipartUpload(imur, parts)
	return err
}
