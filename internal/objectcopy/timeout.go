package objectcopy

import (
	"net/http"
	"sync"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"
)

// silence is the read/write timeout of a request that OSS answers only after
// working on n bytes at rate bytes per second.
func silence(n, rate int64) time.Duration {
	return silenceBase + time.Duration(ceilDiv(max(n, 0), rate))*time.Second
}

// pools gives the requests that need a longer read/write timeout than the
// SDK's default connections of their own. The SDK sets a connection's
// timeout once, when the connection is dialled, from the request that dials
// it; a request that reuses a pooled connection keeps the timeout of
// whichever request dialled it, the SDK's 10 s for most. So each longer
// timeout gets a clone of the client's transport (Params.HTTPClient): a pool
// all of whose connections were dialled with that timeout, and that keeps
// the client's proxy, TLS and dialer settings.
type pools struct {
	base    *http.Client // Params.HTTPClient; nil: the client's own connections
	mu      sync.Mutex
	clients map[time.Duration]*http.Client
}

// timeout is the request option that gives a request the read/write timeout
// d, on a connection that has it. Without a base HTTP client whose transport
// is an *http.Transport, only connections dialled for the request get d.
func (p *pools) timeout(d time.Duration) func(*oss.Options) {
	var hc *http.Client
	if t, ok := p.transport(); ok && d > transport.DefaultReadWriteTimeout {
		hc = p.client(d, t)
	}
	return func(o *oss.Options) {
		o.OpReadWriteTimeout = oss.Ptr(d)
		if hc != nil {
			o.HttpClient = hc
		}
	}
}

func (p *pools) transport() (*http.Transport, bool) {
	if p.base == nil {
		return nil, false
	}
	t, ok := p.base.Transport.(*http.Transport)
	return t, ok
}

func (p *pools) client(d time.Duration, t *http.Transport) *http.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[d]; ok {
		return c
	}
	if p.clients == nil {
		p.clients = map[time.Duration]*http.Client{}
	}
	c := *p.base
	c.Transport = t.Clone()
	p.clients[d] = &c
	return &c
}

// close releases the pools' idle connections when the copy is over.
func (p *pools) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		c.CloseIdleConnections()
	}
}
