package objectcopy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
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
//     which this machine moves the bytes once;
//   - loopback-2-hop: the same, forwarded over a second connection: a relay
//     moves every byte twice (GetObject in, UploadPart out), so this is the
//     most a relay could reach here with no HTTP, signing or hashing;
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
	dst := oss.NewClient(srv.ClientConfig().WithDisableUploadCRC64Check(true))
	sdkDst, srcClient := oss.NewClient(srv.ClientConfig()), oss.NewClient(sourceConfig(srv, endpoint))
	b.Logf("%s, %d CPUs, GOMAXPROCS %d", formatSize(size), runtime.NumCPU(), runtime.GOMAXPROCS(0))

	copies := map[string]func(b *testing.B, key string){
		"loopback":       func(b *testing.B, _ string) { loopbackCopy(b, srv, 1) },
		"loopback-2-hop": func(b *testing.B, _ string) { loopbackCopy(b, srv, 2) },
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
	for _, name := range []string{"loopback", "loopback-2-hop", "relay", "sdk"} {
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
// store, over loopback TCP into io.Discard. With hops 1 they cross one
// connection: the rate at which this machine moves the bytes once. With hops
// 2 a second connection forwards them with io.Copy, as a relay's bytes cross
// loopback twice (GetObject in, UploadPart out): the rate a relay could reach
// here with no HTTP, signing or hashing.
func loopbackCopy(b *testing.B, srv *ossemu.Server, hops int) {
	var (
		w    io.WriteCloser = nopWriteCloser{io.Discard}
		done []chan error
	)
	for range hops {
		addr, d := forward(b, w)
		done = append(done, d)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		w = conn
	}
	rc, err := srv.OpenObject(srcBucket, "src", "")
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	for _, d := range slices.Backward(done) {
		if err := <-d; err != nil {
			b.Fatal(err)
		}
	}
}

// forward accepts one loopback connection and copies what it brings into w,
// which it closes at the end.
func forward(b *testing.B, w io.WriteCloser) (string, chan error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		defer ln.Close()
		conn, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		_, err = io.Copy(w, conn)
		done <- errors.Join(err, w.Close())
	}()
	return ln.Addr().String(), done
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

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
