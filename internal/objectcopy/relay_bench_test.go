package objectcopy_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// BenchmarkRelay copies one generated object of RELAY_BENCH_MIB MiB
// (default 1024) from a bucket in another region three ways, in one
// process, against the emulator without its performance model, so that
// what is measured is this machine:
//
//   - loopback: io.Copy of the object's bytes, as the emulator generates
//     them, over one loopback TCP connection into io.Discard: the rate at
//     which this machine moves the bytes once, the bound a relay (which moves
//     them twice: GetObject in, UploadPart out) is compared with;
//   - relay: objectcopy.Copy with a SourceClient, default part size and
//     parallelism;
//   - sdk: the OSS Go SDK v2's streaming download (Client.OpenFile with
//     prefetch; its Downloader writes only to files) piped into its
//     Uploader.UploadFrom, both with their defaults.
//
// Memory is the process's heap (runtime.MemStats.HeapInuse, sampled every
// 10 ms, the emulator's included) at its peak during the copy, less the heap
// before it, and the bytes allocated during the copy (TotalAlloc). The
// emulator keeps the relayed upload as a reference to its generated source,
// so its storage stays out of the figures.
//
// make bench-relay runs it; RELAY_BENCH_MIB=12288 is the 12 GiB case.
func BenchmarkRelay(b *testing.B) {
	size := int64(1024) << 20
	if v := os.Getenv("RELAY_BENCH_MIB"); v != "" {
		mib, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mib <= 0 {
			b.Fatalf("RELAY_BENCH_MIB=%q is not a positive number of MiB", v)
		}
		size = mib << 20
	}
	srv := ossemu.NewTestServer(b, ossemu.WithDigestFromExtentIdentity())
	endpoint, err := srv.RegionEndpoint(sourceRegion)
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.CreateBucket(srcBucket, sourceRegion); err != nil {
		b.Fatal(err)
	}
	if err := srv.CreateBucket(dstBucket, ""); err != nil {
		b.Fatal(err)
	}
	src, err := srv.PutGeneratedObject(srcBucket, "src", size, 99, nil)
	if err != nil {
		b.Fatal(err)
	}
	// The relay's destination client is configured as the provider's (no
	// second CRC64 pass by the SDK); the SDK's copy runs with its defaults.
	dst := oss.NewClient(clientConfig(srv).WithDisableUploadCRC64Check(true))
	sdkDst, srcClient := oss.NewClient(clientConfig(srv)), oss.NewClient(sourceConfig(srv, endpoint))
	b.Logf("%s, %d CPUs, GOMAXPROCS %d", formatSize(size), runtime.NumCPU(), runtime.GOMAXPROCS(0))

	copies := map[string]func(b *testing.B, key string){
		"loopback": func(b *testing.B, _ string) { loopbackCopy(b, srv) },
		"relay": func(b *testing.B, key string) {
			res, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src", Bucket: dstBucket, Key: key, SourceClient: srcClient,
			})
			if err != nil {
				b.Fatal(err)
			}
			if res.CRC64 != src.CRC64 {
				b.Fatalf("relayed copy has CRC64 %d, the source %d", res.CRC64, src.CRC64)
			}
		},
		"sdk": func(b *testing.B, key string) {
			f, err := srcClient.OpenFile(context.Background(), srcBucket, "src", func(o *oss.OpenOptions) { o.EnablePrefetch = true })
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			_, err = sdkDst.NewUploader().UploadFrom(context.Background(), &oss.PutObjectRequest{
				Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(key)}, f)
			if err != nil {
				b.Fatal(err)
			}
			if info, err := srv.HeadObject(dstBucket, key, ""); err != nil || info.CRC64 != src.CRC64 {
				b.Fatalf("SDK copy: %+v, %v; want CRC64 %d", info, err, src.CRC64)
			}
		},
	}
	for _, name := range []string{"loopback", "relay", "sdk"} {
		b.Run(name, func(b *testing.B) {
			for i := range b.N {
				key := fmt.Sprintf("%s-%d", name, i)
				mem := watchHeap()
				start := time.Now()
				copies[name](b, key)
				elapsed := time.Since(start)
				peak, allocated := mem.stop()
				b.ReportMetric(float64(size)/(1<<20)/elapsed.Seconds(), "MiB/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(allocated)/(1<<20), "alloc-MiB")
				if _, err := dst.DeleteObject(context.Background(), &oss.DeleteObjectRequest{
					Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(key)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// loopbackCopy sends the source object's bytes, read from the emulator's
// store, over one loopback TCP connection into io.Discard.
func loopbackCopy(b *testing.B, srv *ossemu.Server) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		_, err = io.Copy(io.Discard, conn)
		done <- err
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	rc, err := srv.OpenObject(srcBucket, "src", "")
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.Copy(conn, rc); err != nil {
		b.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// heapWatch samples the heap while a copy runs.
type heapWatch struct {
	base, alloc0 uint64
	peak         atomic.Uint64
	quit         chan struct{}
	wg           sync.WaitGroup
}

func watchHeap() *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w := &heapWatch{base: ms.HeapInuse, alloc0: ms.TotalAlloc, quit: make(chan struct{})}
	w.peak.Store(ms.HeapInuse)
	w.wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > w.peak.Load() {
					w.peak.Store(ms.HeapInuse)
				}
			}
		}
	})
	return w
}

// stop returns the peak heap above the heap before the copy, and the bytes
// allocated during it.
func (w *heapWatch) stop() (peak, allocated uint64) {
	close(w.quit)
	w.wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return max(w.peak.Load(), ms.HeapInuse) - w.base, ms.TotalAlloc - w.alloc0
}

func formatSize(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
