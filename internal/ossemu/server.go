package ossemu

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	addr               string
	region             string
	regionAddrs        []regionAddr
	id, secret         string
	temp               []tempCredentials
	accounts           []account
	digestFromIdentity bool
	restoreDuration    time.Duration
}

// regionAddr is an extra region's endpoint asked for with WithRegionEndpoint.
type regionAddr struct{ region, addr string }

type tempCredentials struct {
	id, secret, token string
	expires           time.Time
}

// WithAddr makes the server listen on addr instead of 127.0.0.1:0.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithRegion sets the server's region (default "cn-hangzhou"); buckets
// created without a region live there.
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithRegionEndpoint makes the server also listen on addr as the endpoint of
// region, as RegionEndpoint does after start. A region has one endpoint:
// NewServer refuses a second one, including one for the server's region.
func WithRegionEndpoint(region, addr string) Option {
	return func(c *config) { c.regionAddrs = append(c.regionAddrs, regionAddr{region, addr}) }
}

// WithCredentials sets the accepted permanent key pair (default: a random pair).
func WithCredentials(id, secret string) Option {
	return func(c *config) { c.id, c.secret = id, secret }
}

// WithTemporaryCredentials adds an STS key pair: requests signed with it must
// carry token in x-oss-security-token and fail once expires has passed.
func WithTemporaryCredentials(id, secret, token string, expires time.Time) Option {
	return func(c *config) {
		c.temp = append(c.temp, tempCredentials{id: id, secret: secret, token: token, expires: expires})
	}
}

// WithDigestFromExtentIdentity makes the ETags of copied parts and CopyObject
// results an MD5 of where the bytes come from instead of the bytes
// themselves. Benchmarks use it to copy terabytes without hashing them; ETags
// stay stable and distinct per range, CRC64 values stay exact.
func WithDigestFromExtentIdentity() Option { return func(c *config) { c.digestFromIdentity = true } }

// WithRestoreDuration sets how long RestoreObject takes to make a cold
// object readable, as SetRestoreDuration does after start (default 0).
func WithRestoreDuration(d time.Duration) Option { return func(c *config) { c.restoreDuration = d } }

// Server is an in-process OSS: one endpoint per region, all serving the same
// buckets, as OSS's regional endpoints serve one account. Buckets and request
// counts sit behind mu; the endpoints and closed behind epMu; the clock skew,
// sequences and copied bytes are atomic, and the test controls have locks of
// their own.
type Server struct {
	cfg       config
	handlers  sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	digests   *digester
	skew      atomic.Int64 // time.Duration added to the real clock
	reqSeq    atomic.Uint64
	copied    atomic.Int64
	blobSeq   atomic.Uint64 // the last blob ID handed out
	ctl       controls      // performance model and injected faults (perf.go, faults.go)

	restoreIn  atomic.Int64 // time.Duration a restore takes (SetRestoreDuration)
	restoreDay atomic.Int64 // time.Duration of one of a restore's Days (SetRestoreDay)

	epMu      sync.RWMutex
	endpoints []*endpoint // the first is the server's own region's
	closed    bool        // set when Close begins: no endpoint or handler starts after it

	mu      sync.Mutex
	buckets map[string]*bucket
	counts  map[string]int
}

// endpoint is one region's listener.
type endpoint struct {
	region string
	ln     net.Listener
	srv    *http.Server
	served chan struct{}
}

func (e *endpoint) url() string { return "http://" + e.ln.Addr().String() }

// regionHandler serves the requests that reach region's endpoint.
type regionHandler struct {
	s      *Server
	region string
}

func (h regionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.s.serveHTTP(w, r, h.region)
}

// NewServer starts a server; it is serving when NewServer returns.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", region: "cn-hangzhou"}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.id == "" {
		cfg.id = "LTAI" + randomHex(10)
		cfg.secret = randomHex(15)
	}
	if err := checkRegion(cfg.region); err != nil {
		return nil, err
	}
	// A second address for a region would go unserved, while its caller
	// believes it listens there.
	served := map[string]bool{cfg.region: true}
	for _, ra := range cfg.regionAddrs {
		if served[ra.region] {
			return nil, fmt.Errorf("ossemu: region %s is given an endpoint twice", ra.region)
		}
		served[ra.region] = true
	}
	s := &Server{
		cfg:     cfg,
		digests: &digester{fromIdentity: cfg.digestFromIdentity},
		ctl:     newControls(),
		buckets: make(map[string]*bucket),
		counts:  make(map[string]int),
	}
	s.restoreIn.Store(int64(cfg.restoreDuration))
	s.restoreDay.Store(int64(24 * time.Hour))
	if _, err := s.listen(cfg.region, cfg.addr); err != nil {
		return nil, err
	}
	for _, ra := range cfg.regionAddrs {
		if _, err := s.listen(ra.region, ra.addr); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// checkRegion accepts a region ID such as "cn-hangzhou": lowercase letters,
// digits and inner dashes, without OSS's "oss-" prefix.
func checkRegion(region string) error {
	ok := region != "" && !strings.HasPrefix(region, "oss-") && region[0] != '-' && region[len(region)-1] != '-'
	for _, c := range region {
		ok = ok && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
	}
	if !ok {
		return fmt.Errorf("ossemu: %q is not a region ID (like cn-hangzhou)", region)
	}
	return nil
}

// RegionEndpoint returns the endpoint of region, listening on 127.0.0.1:0
// for it if no endpoint serves it yet. Every endpoint serves the same
// buckets; a request for a bucket in another region is refused as OSS does
// (see the package doc). Close stops all endpoints.
func (s *Server) RegionEndpoint(region string) (string, error) {
	return s.listen(region, "127.0.0.1:0")
}

// listen starts region's endpoint on addr, or returns the one running.
func (s *Server) listen(region, addr string) (string, error) {
	if err := checkRegion(region); err != nil {
		return "", err
	}
	s.epMu.Lock()
	defer s.epMu.Unlock()
	if s.closed {
		return "", errors.New("ossemu: server closed")
	}
	for _, e := range s.endpoints {
		if e.region == region {
			return e.url(), nil
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("ossemu: listen for %s: %w", region, err)
	}
	e := &endpoint{region: region, ln: ln, served: make(chan struct{})}
	e.srv = &http.Server{Handler: regionHandler{s, region}, ReadHeaderTimeout: time.Minute}
	go func() {
		defer close(e.served)
		_ = e.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	s.endpoints = append(s.endpoints, e)
	return e.url(), nil
}

// NewTestServer starts a server for tb and closes it when the test ends.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// Endpoint is the base URL of the server region's endpoint (path-style; the
// SDK switches to path style by itself for IP endpoints).
func (s *Server) Endpoint() string {
	s.epMu.RLock()
	defer s.epMu.RUnlock()
	return s.endpoints[0].url()
}

// Region is the server's region.
func (s *Server) Region() string { return s.cfg.region }

// Credentials is the accepted permanent key pair.
func (s *Server) Credentials() (id, secret string) { return s.cfg.id, s.cfg.secret }

// ClientConfig is the OSS SDK configuration a user would write for the
// server: its region, its endpoint and its permanent key pair. Callers add
// what they vary (signature version, retries, timeouts, HTTP client).
func (s *Server) ClientConfig() *oss.Config {
	return oss.LoadDefaultConfig().
		WithRegion(s.Region()).
		WithEndpoint(s.Endpoint()).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.cfg.id, s.cfg.secret))
}

// Close stops serving, closes open connections and waits for running
// handlers; a request that reaches the handler once Close has begun has its
// connection dropped without an answer. Later calls do nothing and return the first call's result, so a
// test may close a server that NewTestServer also closes at cleanup.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.epMu.Lock()
		s.closed = true
		endpoints := s.endpoints
		s.epMu.Unlock()
		var errs []error
		for _, e := range endpoints {
			if err := e.srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		// Connections are closed now, so requests that stop waiting cannot
		// send anything that a client could take for an answer.
		s.ctl.close()
		for _, e := range endpoints {
			<-e.served
		}
		s.handlers.Wait()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// SetClockSkew sets the server clock to real time + d; RequestTimeTooSkewed
// and object times follow it.
func (s *Server) SetClockSkew(d time.Duration) { s.skew.Store(int64(d)) }

// SetRestoreDuration sets how long a RestoreObject accepted from now on
// takes before its object is readable; until then HEAD shows
// x-oss-restore: ongoing-request="true". OSS takes minutes to hours; the
// default 0 makes an object readable as soon as RestoreObject answers, and
// SetClockSkew moves a test past a longer duration without waiting.
func (s *Server) SetRestoreDuration(d time.Duration) { s.restoreIn.Store(int64(d)) }

// SetRestoreDay sets how long one of the Days a RestoreObject asks for
// lasts (default 24 hours), so that a test can see a restored state expire
// within the 15 minutes of clock skew that signatures allow.
func (s *Server) SetRestoreDay(d time.Duration) { s.restoreDay.Store(int64(d)) }

func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) }

// RequestCount is the number of requests received for an OSS operation name
// such as "HeadObject" or "UploadPartCopy", including failed ones.
func (s *Server) RequestCount(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// RequestCounts returns a copy of the counters of the operations called
// since the start or the last ResetCounts; an operation not called has no
// entry, so the map compares directly with the requests a test expects.
func (s *Server) RequestCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// ResetCounts zeroes all request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
}

// BytesCopied is the number of bytes copied server-side by CopyObject and
// UploadPartCopy since the server started.
func (s *Server) BytesCopied() int64 { return s.copied.Load() }

var _ http.Handler = (*Server)(nil)

// request is one request being served.
type request struct {
	target
	w     http.ResponseWriter
	r     *http.Request
	id    string
	query url.Values
	// region is the region of the endpoint the request reached: named in an
	// OSS host name, or else the listener's.
	region string
	// account is the key ID of the account that signed the request when it
	// is one of WithAccount's; "" for the server's own account.
	account string
}

type handlerFunc func(s *Server, rq *request) error

// handlers maps operation names (from classify) to their implementation.
var handlers = map[string]handlerFunc{
	"ListBuckets":             (*Server).listBuckets,
	"PutBucket":               (*Server).putBucket,
	"DeleteBucket":            (*Server).deleteBucket,
	"GetBucketInfo":           (*Server).getBucketInfo,
	"GetBucketLocation":       (*Server).getBucketLocation,
	"PutBucketVersioning":     (*Server).putBucketVersioning,
	"GetBucketVersioning":     (*Server).getBucketVersioning,
	"PutBucketAcl":            (*Server).putBucketACL,
	"GetBucketAcl":            (*Server).getBucketACL,
	"InitiateBucketWorm":      (*Server).initiateBucketWorm,
	"CompleteBucketWorm":      (*Server).completeBucketWorm,
	"AbortBucketWorm":         (*Server).abortBucketWorm,
	"ExtendBucketWorm":        (*Server).extendBucketWorm,
	"GetBucketWorm":           (*Server).getBucketWorm,
	"ListObjects":             (*Server).listObjects,
	"ListObjectsV2":           (*Server).listObjectsV2,
	"ListObjectVersions":      (*Server).listObjectVersions,
	"DeleteMultipleObjects":   (*Server).deleteMultipleObjects,
	"PutObject":               (*Server).putObject,
	"GetObject":               (*Server).getObject,
	"HeadObject":              (*Server).headObject,
	"GetObjectMeta":           (*Server).getObjectMeta,
	"DeleteObject":            (*Server).deleteObject,
	"CopyObject":              (*Server).copyObject,
	"InitiateMultipartUpload": (*Server).initiateMultipartUpload,
	"UploadPart":              (*Server).uploadPart,
	"UploadPartCopy":          (*Server).uploadPartCopy,
	"CompleteMultipartUpload": (*Server).completeMultipartUpload,
	"AbortMultipartUpload":    (*Server).abortMultipartUpload,
	"ListMultipartUploads":    (*Server).listMultipartUploads,
	"ListParts":               (*Server).listParts,
	"PutObjectTagging":        (*Server).putObjectTagging,
	"GetObjectTagging":        (*Server).getObjectTagging,
	"DeleteObjectTagging":     (*Server).deleteObjectTagging,
	"PutObjectAcl":            (*Server).putObjectACL,
	"GetObjectAcl":            (*Server).getObjectACL,
	"RestoreObject":           (*Server).restoreObject,
	"CleanRestoredObject":     (*Server).cleanRestoredObject,
	"SealAppendObject":        (*Server).sealAppendObject,
	"PutSymlink":              (*Server).putSymlink,
	"GetSymlink":              (*Server).getSymlink,
	"AppendObject":            (*Server).appendObject,
}

// ServeHTTP serves r as the endpoint of the server's region does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serveHTTP(w, r, s.cfg.region) }

// serveHTTP classifies the request, counts it, authenticates it and runs the
// operation; region is the region of the listener r reached.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request, region string) {
	if !s.startHandler() {
		dropConnection(w)
		return
	}
	defer s.handlers.Done()
	if hr, ok := hostRegion(r.Host); ok {
		region = hr
	}
	rq := &request{target: classify(r), w: w, r: r, id: s.newRequestID(), query: r.URL.Query(), region: region}
	s.count(rq.op)
	h := w.Header()
	h.Set("x-oss-request-id", rq.id)
	h.Set("Server", "AliyunOSS")
	h.Set("Date", s.now().UTC().Format(http.TimeFormat))
	s.serveControlled(rq, func() {
		if err := s.serve(rq); err != nil {
			var oe *ossError
			if !errors.As(err, &oe) {
				oe = errorf("InternalError", err.Error())
			}
			writeError(rq.w, r, rq.id, oe)
		}
	})
}

// serve checks names first (a bucket or key that breaks the naming rules
// cannot exist, whoever asks), then authenticates and runs the operation.
func (s *Server) serve(rq *request) error {
	if rq.bucket != "" {
		if err := checkBucketName(rq.bucket); err != nil {
			return err
		}
	}
	if rq.key != "" {
		if err := checkObjectName(rq.key); err != nil {
			return err
		}
	}
	// OSS answers a wrong endpoint before it looks at the signature.
	if err := s.checkEndpoint(rq); err != nil {
		return err
	}
	if err := s.authenticate(rq); err != nil {
		return err
	}
	// The QPS limit is the account's, so it is known only now.
	if err := s.checkQPS(rq); err != nil {
		return err
	}
	if err := s.checkOwner(rq); err != nil {
		return err
	}
	if err := s.checkAllowed(rq); err != nil {
		return err
	}
	h, ok := handlers[rq.op]
	if !ok {
		return newError("NotImplemented")
	}
	return h(s, rq)
}

// startHandler adds a handler for Close to wait for, unless Close has begun.
// net/http runs the handler for a request that a connection read before
// Close closed it, even while or after Close waits: such a request finds the
// server closed. Checking closed under epMu, which Close takes to set it,
// makes every Add happen before Close's Wait, as sync.WaitGroup requires.
func (s *Server) startHandler() bool {
	s.epMu.RLock()
	defer s.epMu.RUnlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

func (s *Server) count(op string) {
	s.mu.Lock()
	s.counts[op]++
	s.mu.Unlock()
}

// newRequestID returns a 24-hex-digit ID like OSS's.
func (s *Server) newRequestID() string {
	return fmt.Sprintf("%08X%016X", uint32(s.now().Unix()), s.reqSeq.Add(1)^0x5A5A0000_00000000)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return strings.ToUpper(hex.EncodeToString(b))
}

// writeXML answers 200 with v as the XML body.
func (rq *request) writeXML(v any) error {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	body = append([]byte(xml.Header), body...)
	rq.w.Header().Set("Content-Type", "application/xml")
	rq.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	rq.w.WriteHeader(http.StatusOK)
	_, _ = rq.w.Write(body)
	return nil
}

// writeEmpty answers status with no body.
func (rq *request) writeEmpty(status int) error {
	rq.w.Header().Set("Content-Length", "0")
	rq.w.WriteHeader(status)
	return nil
}

// readXML decodes the request body into v, reporting MalformedXML.
func (rq *request) readXML(v any) error {
	body, err := rq.readBody()
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return newError("MalformedXML")
	}
	return nil
}

// maxXMLBody bounds request bodies that are parsed rather than stored.
const maxXMLBody = 4 << 20

// readBody reads a small request body and checks Content-MD5 when given.
func (rq *request) readBody() ([]byte, error) {
	body, err := readAllLimit(rq.r.Body, maxXMLBody)
	if err != nil {
		return nil, overrideEC(err, "EntityTooLarge", ecParsedBodyTooLarge)
	}
	if err := checkContentMD5(rq.r.Header, body); err != nil {
		return nil, err
	}
	return body, nil
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
