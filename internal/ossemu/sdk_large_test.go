package ossemu_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// heapPeak samples HeapInuse until stop is called and returns the peak
// growth over the starting value.
func heapPeak() (stop func() uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak - base
	}
}

// TestMultipartCopyOf10GiB copies a 10 GiB generated object in 16 parts
// through the SDK. Every part's MD5 is computed over its bytes, yet the
// emulator's heap must stay far below the object's size.
func TestMultipartCopyOf10GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 10 GiB")
	}
	const (
		size     = 10 << 30
		partSize = 640 << 20
		parts    = size / partSize
	)
	srv := ossemu.NewTestServer(t)
	// Hashing a 640 MiB part takes about a second on an idle core; the SDK's
	// default 10 s read timeout would turn a busy machine into a failure.
	c := oss.NewClient(srv.ClientConfig().WithReadWriteTimeout(5 * time.Minute))
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	stop := heapPeak()
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("src", "ten", size, 10, nil))
	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("ten")}))
	etags := make([]string, parts)
	crcs := make([]string, parts)
	var wg sync.WaitGroup
	errs := make(chan error, parts)
	sem := make(chan struct{}, runtime.NumCPU())
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			first := int64(i) * partSize
			res, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("ten"),
				UploadId: init.UploadId, PartNumber: int32(i + 1), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("ten"),
				Range: oss.Ptr(fmt.Sprintf("bytes=%d-%d", first, first+partSize-1)), IfMatch: oss.Ptr(src.ETag)})
			if err != nil {
				errs <- err
				return
			}
			etags[i], crcs[i] = oss.ToString(res.ETag), res.Headers.Get("x-oss-hash-crc64ecma")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	list := make([]oss.UploadPart, parts)
	for i := range list {
		list[i] = oss.UploadPart{PartNumber: int32(i + 1), ETag: oss.Ptr(etags[i])}
	}
	done := must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("ten"), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: list}}))
	elapsed, grown := time.Since(start), stop()
	t.Logf("10 GiB multipart copy: %v, emulator+client heap growth %.1f MiB", elapsed.Round(time.Millisecond), float64(grown)/(1<<20))

	if got := oss.ToString(done.HashCRC64); got != fmt.Sprint(src.CRC64) {
		t.Errorf("copy CRC64 = %s, source %d", got, src.CRC64)
	}
	joined := strings.ToUpper(strings.ReplaceAll(strings.Join(etags, ""), `"`, ""))
	sum := md5.Sum([]byte(joined))
	if want := fmt.Sprintf(`"%s-%d"`, strings.ToUpper(hex.EncodeToString(sum[:])), parts); oss.ToString(done.ETag) != want {
		t.Errorf("copy ETag = %s, want %s", oss.ToString(done.ETag), want)
	}
	if grown > 200<<20 {
		t.Errorf("heap grew by %d MiB while copying", grown>>20)
	}

	// The last part's ETag and CRC64 describe its bytes, read back independently.
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("ten"),
		Range: oss.Ptr(fmt.Sprintf("bytes=%d-", size-partSize))}))
	tail := must[[]byte](t)(io.ReadAll(get.Body))
	if quotedMD5(tail) != etags[parts-1] || crcString(tail) != crcs[parts-1] {
		t.Errorf("last part: ETag %s CRC %s, bytes give %s %s", etags[parts-1], crcs[parts-1], quotedMD5(tail), crcString(tail))
	}
}
