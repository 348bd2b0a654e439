package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

func TestParseGenerate(t *testing.T) {
	testCases := map[string]struct {
		in   string
		want generateSpec
		err  bool
	}{
		"with seed":        {in: "src/big.bin=300MiB:7", want: generateSpec{bucket: "src", key: "big.bin", size: 300 << 20, seed: 7}},
		"key with = and :": {in: "src/a=b:c/d=1KiB:2", want: generateSpec{bucket: "src", key: "a=b:c/d", size: 1024, seed: 2}},
		"no size":          {in: "src/key", err: true},
		"no key":           {in: "src=1KiB", err: true},
		"empty key":        {in: "src/=1KiB", err: true},
		"bad size":         {in: "src/key=lots", err: true},
		"bad seed":         {in: "src/key=1KiB:-1", err: true},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGenerate(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("parseGenerate(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

// TestDefaultSeeds: objects generated without a seed get distinct content,
// as distinct objects would have, and the same content on every start.
func TestDefaultSeeds(t *testing.T) {
	a := must(parseGenerate("src/a=1KiB"))(t)
	b := must(parseGenerate("src/b=1KiB"))(t)
	if a.seed == b.seed {
		t.Errorf("src/a and src/b share the default seed %d", a.seed)
	}
	if again := must(parseGenerate("src/a=2KiB"))(t); again.seed != a.seed {
		t.Errorf("src/a got seeds %d and %d", a.seed, again.seed)
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, noEnv, io.Discard, &out); code != 0 {
		t.Fatalf("-h exited %d", code)
	}
	newFlags(&options{}, io.Discard).VisitAll(func(f *flag.Flag) {
		if !regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(f.Name) + `\b.*\n\s+\S`).MatchString(out.String()) {
			t.Errorf("-h does not document -%s", f.Name)
		}
	})
	for _, word := range []string{"OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "SIGTERM", "first line on\nstdout"} {
		if !strings.Contains(out.String(), word) {
			t.Errorf("-h does not mention %q", word)
		}
	}
}

// TestAccountFlag: a key pair given with -account reaches the buckets it
// creates, and not the server's own account's.
func TestAccountFlag(t *testing.T) {
	var o options
	if err := newFlags(&o, io.Discard).Parse([]string{"-addr", "127.0.0.1:0", "-account", "LTAIother:other-secret", "-bucket", "mine"}); err != nil {
		t.Fatal(err)
	}
	srv := must(start(o, noEnv, io.Discard))(t)
	defer srv.Close()
	c := oss.NewClient(oss.LoadDefaultConfig().WithRegion(srv.Region()).WithEndpoint(srv.Endpoint()).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider("LTAIother", "other-secret")).WithRetryMaxAttempts(1))
	ctx := context.Background()
	must(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("theirs")}))(t)
	must(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("theirs"), Key: oss.Ptr("k")}))(t)
	var se *oss.ServiceError
	if _, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("mine")}); !errors.As(err, &se) || se.Code != "AccessDenied" {
		t.Errorf("the other account listing the server's bucket: %v, want AccessDenied", err)
	}
}

// TestRestoreDurationFlag: with -restore-duration, a restored Archive object
// stays in the ongoing-request="true" state that long.
func TestRestoreDurationFlag(t *testing.T) {
	var o options
	if err := newFlags(&o, io.Discard).Parse([]string{"-addr", "127.0.0.1:0", "-restore-duration", "1h", "-bucket", "cold"}); err != nil {
		t.Fatal(err)
	}
	srv := must(start(o, noEnv, io.Discard))(t)
	defer srv.Close()
	must(srv.PutObject("cold", "k", []byte("frozen"), http.Header{"X-Oss-Storage-Class": {"Archive"}}))(t)
	id, secret := srv.Credentials()
	c := sdkClient(srv.Endpoint(), srv.Region(), id, secret)
	must(c.RestoreObject(context.Background(), &oss.RestoreObjectRequest{Bucket: oss.Ptr("cold"), Key: oss.Ptr("k")}))(t)
	head := must(c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("cold"), Key: oss.Ptr("k")}))(t)
	if got := oss.ToString(head.Restore); got != `ongoing-request="true"` {
		t.Errorf("x-oss-restore %q right after RestoreObject, want the restore still running", got)
	}
}

func TestRejectsBadInvocations(t *testing.T) {
	testCases := map[string]struct {
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		"unknown flag":                {args: []string{"-nope"}, code: 2, msg: "flag provided but not defined: -nope"},
		"bad rate":                    {args: []string{"-copy-rate", "fast"}, code: 2, msg: `rate "fast"`},
		"bits without a prefix":       {args: []string{"-aggregate-cap", "10bit"}, code: 2, msg: `rate "10bit"`},
		"negative straggle":           {args: []string{"-straggle", "-0.5"}, code: 2, msg: "-server-time, -straggle and -qps-limit must not be negative"},
		"negative QPS limit":          {args: []string{"-qps-limit", "-1"}, code: 2, msg: "-server-time, -straggle and -qps-limit must not be negative"},
		"zero time scale":             {args: []string{"-time-scale", "0"}, code: 2, msg: "-time-scale must be positive"},
		"stray argument":              {args: []string{"serve"}, code: 2, msg: `unexpected arguments ["serve"]`},
		"bad generate":                {args: []string{"-addr", "127.0.0.1:0", "-generate", "nokey=1KiB"}, code: 1, msg: "-generate nokey=1KiB: want bucket/key=SIZE[:seed]"},
		"bad bucket name":             {args: []string{"-addr", "127.0.0.1:0", "-bucket", "Bad_Name"}, code: 1, msg: "-bucket Bad_Name: InvalidBucketName"},
		"duplicate bucket":            {args: []string{"-addr", "127.0.0.1:0", "-bucket", "b12", "-versioned-bucket", "b12"}, code: 1, msg: "-versioned-bucket b12: BucketAlreadyExists"},
		"account without a secret":    {args: []string{"-addr", "127.0.0.1:0", "-account", "LTAIother"}, code: 1, msg: `-account "LTAIother": want id:secret`},
		"half a key pair":             {args: []string{"-addr", "127.0.0.1:0"}, env: map[string]string{"OSS_ACCESS_KEY_ID": "id"}, code: 1, msg: "set both OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"},
		"address it cannot listen on": {args: []string{"-addr", "256.0.0.1:0"}, code: 1, msg: "listen"},
		"OSS region ID as a region":   {args: []string{"-addr", "127.0.0.1:0", "-region-endpoint", "oss-cn-shanghai"}, code: 1, msg: `"oss-cn-shanghai" is not a region ID`},
		"the server's region again":   {args: []string{"-addr", "127.0.0.1:0", "-region-endpoint", "cn-hangzhou=127.0.0.1:0"}, code: 1, msg: "region cn-hangzhou is given an endpoint twice"},
		"a region twice":              {args: []string{"-addr", "127.0.0.1:0", "-region-endpoint", "cn-beijing", "-region-endpoint", "cn-beijing=127.0.0.1:0"}, code: 1, msg: "region cn-beijing is given an endpoint twice"},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string { return tc.env[k] }
			code := run(context.Background(), tc.args, getenv, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tc.code, tc.msg)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q on a failed start", stdout.String())
			}
		})
	}
}

func noEnv(string) string { return "" }

func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestCommand builds the command, starts it as a real process, talks to it
// with the SDK and stops it with a signal.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := filepath.Join(t.TempDir(), "ossemu")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("serves the SDK and stops on SIGTERM", func(t *testing.T) {
		env := map[string]string{"OSS_ACCESS_KEY_ID": "LTAItestkey", "OSS_ACCESS_KEY_SECRET": "testsecret"}
		p := startCommand(t, bin, env, "-addr", "127.0.0.1:0", "-region", "cn-hangzhou",
			"-region-endpoint", "cn-shanghai", "-region-endpoint", "cn-beijing=127.0.0.1:0",
			"-bucket", "src", "-bucket", "far:cn-shanghai", "-versioned-bucket", "ver",
			"-generate", "src/big.bin=3MiB:5", "-generate", "auto/gen=1KiB",
			"-round-trip", "30ms", "-server-time", "10ms", "-copy-rate", "150MiB/s", "-aggregate-cap", "10Gbit",
			"-straggle", "0.5", "-seed", "3", "-qps-limit", "10000", "-time-scale", "0.5")
		c := sdkClient(p.endpoint, "cn-hangzhou", "LTAItestkey", "testsecret")

		// The generated object is the one the package generates for seed 5.
		ref := ossemu.NewTestServer(t)
		if err := ref.CreateBucket("src", ""); err != nil {
			t.Fatal(err)
		}
		want := must(ref.PutGeneratedObject("src", "big.bin", 3<<20, 5, nil))(t)
		begin := time.Now()
		head := must(c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("big.bin")}))(t)
		if d := time.Since(begin); d < 15*time.Millisecond { // the round trip; the server time straggles
			t.Errorf("HeadObject took %v under a 30ms round trip at time scale 0.5", d)
		}
		if head.ContentLength != 3<<20 || oss.ToString(head.HashCRC64) != fmt.Sprint(want.CRC64) {
			t.Errorf("src/big.bin: %d bytes, CRC64 %s; want %d bytes, CRC64 %d", head.ContentLength, oss.ToString(head.HashCRC64), 3<<20, want.CRC64)
		}
		if head := must(c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("auto"), Key: oss.Ptr("gen")}))(t); head.ContentLength != 1024 {
			t.Errorf("auto/gen: %d bytes, want 1024", head.ContentLength)
		}
		loc := must(c.GetBucketLocation(context.Background(), &oss.GetBucketLocationRequest{Bucket: oss.Ptr("far")}))(t)
		if got := oss.ToString(loc.LocationConstraint); got != "oss-cn-shanghai" {
			t.Errorf("far is in %q, want oss-cn-shanghai", got)
		}
		// Each extra region has its own endpoint, printed after the first line.
		for _, region := range []string{"cn-shanghai", "cn-beijing"} {
			line := p.nextLine(t)
			name, url, _ := strings.Cut(line, " ")
			if name != region || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(url) {
				t.Fatalf("stdout line %q, want %s and its endpoint URL", line, region)
			}
			if region == "cn-shanghai" {
				far := sdkClient(url, region, "LTAItestkey", "testsecret")
				must(far.GetBucketInfo(context.Background(), &oss.GetBucketInfoRequest{Bucket: oss.Ptr("far")}))(t)
				// The listing through the first endpoint gives far this one.
				for _, b := range must(c.ListBuckets(context.Background(), &oss.ListBucketsRequest{}))(t).Buckets {
					if oss.ToString(b.Name) == "far" && "http://"+oss.ToString(b.ExtranetEndpoint) != url {
						t.Errorf("ListBuckets gives far the endpoint %s, want %s", oss.ToString(b.ExtranetEndpoint), url)
					}
				}
			}
		}
		if _, err := c.GetBucketInfo(context.Background(), &oss.GetBucketInfoRequest{Bucket: oss.Ptr("far")}); err == nil {
			t.Error("far, in cn-shanghai, answered through the cn-hangzhou endpoint")
		}
		ver := must(c.GetBucketVersioning(context.Background(), &oss.GetBucketVersioningRequest{Bucket: oss.Ptr("ver")}))(t)
		if got := oss.ToString(ver.VersionStatus); got != "Enabled" {
			t.Errorf("ver versioning %q, want Enabled", got)
		}
		p.stop(t, syscall.SIGTERM)
		if !strings.Contains(p.stderrText(t), "performance model: round trip 30ms, server time 10ms, copy rate 150MiB/s per stream, aggregate cap 10Gbit/s, "+
			"straggle 0.5 (seed 3), QPS limit 10000 per account, time scale 0.5") {
			t.Errorf("stderr does not state the model:\n%s", p.stderrText(t))
		}
	})

	t.Run("generates a key pair and stops on SIGINT", func(t *testing.T) {
		p := startCommand(t, bin, nil, "-addr", "127.0.0.1:0", "-bucket", "b01")
		m := regexp.MustCompile(`OSS_ACCESS_KEY_ID=(\S+)\nOSS_ACCESS_KEY_SECRET=(\S+)\n`).FindStringSubmatch(p.stderrText(t))
		if m == nil {
			t.Fatalf("no key pair on stderr:\n%s", p.stderrText(t))
		}
		c := sdkClient(p.endpoint, "cn-hangzhou", m[1], m[2])
		if _, err := c.GetBucketInfo(context.Background(), &oss.GetBucketInfoRequest{Bucket: oss.Ptr("b01")}); err != nil {
			t.Errorf("request signed with the printed key pair: %v", err)
		}
		wrong := sdkClient(p.endpoint, "cn-hangzhou", m[1], "not-"+m[2])
		if _, err := wrong.GetBucketInfo(context.Background(), &oss.GetBucketInfoRequest{Bucket: oss.Ptr("b01")}); err == nil {
			t.Error("a wrong secret was accepted")
		}
		p.stop(t, syscall.SIGINT)
	})
}

// process is a running command.
type process struct {
	cmd      *exec.Cmd
	endpoint string
	lines    chan string // stdout lines after the first
	stderr   string      // file receiving the command's stderr
}

// startCommand runs bin with args and only the given OSS_* variables, and
// reads the endpoint from the first line of its stdout.
func startCommand(t *testing.T, bin string, env map[string]string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{cmd: cmd, stderr: filepath.Join(t.TempDir(), "stderr")}
	errFile, err := os.Create(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd.Stderr = errFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	p.lines = make(chan string, 16)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() { // until the command exits
			p.lines <- s.Text()
		}
		close(p.lines)
	}()
	p.endpoint = p.nextLine(t)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(p.endpoint) {
		t.Fatalf("first stdout line %q is not an endpoint URL; stderr:\n%s", p.endpoint, p.stderrText(t))
	}
	return p
}

// nextLine waits for the command's next stdout line.
func (p *process) nextLine(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			t.Fatalf("stdout closed; stderr:\n%s", p.stderrText(t))
		}
		return line
	case <-time.After(30 * time.Second):
		t.Fatalf("no line on stdout; stderr:\n%s", p.stderrText(t))
	}
	return ""
}

func (p *process) stderrText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// stop sends sig and expects a clean exit, status 0, within seconds.
func (p *process) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after %v: %v; stderr:\n%s", sig, err, p.stderrText(t))
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after %v", sig)
	}
}

func sdkClient(endpoint, region, id, secret string) *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithRegion(region).
		WithEndpoint(endpoint).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret)).
		WithRetryMaxAttempts(1))
}
