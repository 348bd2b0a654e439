package ossemu_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestSDKCopier runs the SDK's Copier on an object above its 200 MiB
// multipart threshold, so it takes the Initiate/UploadPartCopy/Complete path.
func TestSDKCopier(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("src", "big", 300<<20, 1, nil))
	res := must[*oss.CopyResult](t)(c.NewCopier().Copy(ctx, &oss.CopyObjectRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("big"), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("big")}))
	if got := oss.ToString(res.HashCRC64); got != fmt.Sprint(src.CRC64) {
		t.Errorf("copy CRC64 = %s, source %d", got, src.CRC64)
	}
	if n := srv.RequestCount("UploadPartCopy"); n != 5 { // 300 MiB in the Copier's 64 MiB parts
		t.Errorf("UploadPartCopy requests = %d, want 5", n)
	}
	if srv.RequestCount("CopyObject") != 0 || len(srv.Uploads()) != 0 {
		t.Errorf("CopyObject requests = %d, uploads left = %d", srv.RequestCount("CopyObject"), len(srv.Uploads()))
	}
}

// TestSDKCopierShallowCopy: within one bucket, and with neither storage
// class nor encryption changing, the Copier tries a single CopyObject first
// whatever the size, and OSS copies any size that way.
func TestSDKCopierShallowCopy(t *testing.T) {
	srv := ossemu.NewTestServer(t, ossemu.WithDigestFromExtentIdentity())
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("one", ""); err != nil {
		t.Fatal(err)
	}
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("one", "a", 5<<30+1, 2, nil))
	res := must[*oss.CopyResult](t)(c.NewCopier().Copy(ctx, &oss.CopyObjectRequest{
		Bucket: oss.Ptr("one"), Key: oss.Ptr("b"), SourceKey: oss.Ptr("a")}))
	if oss.ToString(res.HashCRC64) != fmt.Sprint(src.CRC64) || srv.RequestCount("CopyObject") != 1 || srv.RequestCount("UploadPartCopy") != 0 {
		t.Errorf("crc %s (want %d), CopyObject %d, UploadPartCopy %d", oss.ToString(res.HashCRC64), src.CRC64,
			srv.RequestCount("CopyObject"), srv.RequestCount("UploadPartCopy"))
	}
}

// TestSDKCopierFallsBackFromCopyObject: the Copier takes the single
// CopyObject path within one bucket when the source is unencrypted, even if
// the request asks for encryption; OSS refuses such a copy of a source above
// 1 GB with EntityTooLarge, and the Copier switches to multipart copy.
func TestSDKCopierFallsBackFromCopyObject(t *testing.T) {
	srv := ossemu.NewTestServer(t, ossemu.WithDigestFromExtentIdentity())
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("one", ""); err != nil {
		t.Fatal(err)
	}
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("one", "a", 1<<30+1, 2, nil))
	res := must[*oss.CopyResult](t)(c.NewCopier().Copy(ctx, &oss.CopyObjectRequest{
		Bucket: oss.Ptr("one"), Key: oss.Ptr("b"), SourceKey: oss.Ptr("a"), ServerSideEncryption: oss.Ptr("AES256")}))
	if oss.ToString(res.HashCRC64) != fmt.Sprint(src.CRC64) || srv.RequestCount("CopyObject") != 1 || srv.RequestCount("UploadPartCopy") != 17 {
		t.Errorf("crc %s (want %d), CopyObject %d, UploadPartCopy %d", oss.ToString(res.HashCRC64), src.CRC64,
			srv.RequestCount("CopyObject"), srv.RequestCount("UploadPartCopy"))
	}
	if got := must[ossemu.ObjectInfo](t)(srv.HeadObject("one", "b", "")).Header.Get("x-oss-server-side-encryption"); got != "AES256" {
		t.Errorf("copy encryption %q, want AES256", got)
	}
}

func TestSDKUploaderAndDownloader(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 5<<20+3)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	up := c.NewUploader(func(o *oss.UploaderOptions) { o.PartSize = 1 << 20 })
	res := must[*oss.UploadResult](t)(up.UploadFrom(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("up")}, bytes.NewReader(data)))
	if oss.ToString(res.HashCRC64) != crcString(data) || srv.RequestCount("UploadPart") != 6 {
		t.Errorf("upload crc %s, parts %d", oss.ToString(res.HashCRC64), srv.RequestCount("UploadPart"))
	}
	stored := readAll(t, must[io.ReadCloser](t)(srv.OpenObject("bkt", "up", "")))
	if stored != string(data) {
		t.Error("uploaded content differs")
	}

	gen := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("bkt", "gen", 9<<20+11, 5, nil))
	path := filepath.Join(t.TempDir(), "gen")
	down := c.NewDownloader(func(o *oss.DownloaderOptions) { o.PartSize = 2 << 20 })
	must[*oss.DownloadResult](t)(down.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("gen")}, path))
	got := must[[]byte](t)(os.ReadFile(path))
	want := readAll(t, must[io.ReadCloser](t)(srv.OpenObject("bkt", "gen", "")))
	if string(got) != want || crcString(got) != fmt.Sprint(gen.CRC64) {
		t.Errorf("downloaded %d bytes, crc %s; object has %d bytes, crc %d", len(got), crcString(got), gen.Size, gen.CRC64)
	}
}
