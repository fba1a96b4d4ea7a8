package mirror

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
	"github.com/tmaxmax/go-sse"
)

// What one connection to the source does: read the mapping's size, make or open the local mapping and
// events, then follow the source's watch stream, writing each snapshot and change where the source has it,
// and setting each replicated event once the frame it announced is written.

// MaxSize is the largest mapping a mirror follows: a watch stream's range.
const MaxSize = 16 << 20

// ErrSource is the source refusing what the mirror asks (its status and problem in the error's text).
var ErrSource = errors.New("the source refused")

// sourceError is a source's answer other than 2xx.
type sourceError struct {
	status int
	detail string
}

func (e *sourceError) Error() string {
	return fmt.Sprintf("the source answered %d: %s", e.status, e.detail)
}
func (e *sourceError) Is(target error) bool { return target == ErrSource }

// errPermanent marks a failure no retry would mend (permanent).
var errPermanent = errors.New("permanent")

type permanentError struct{ error }

func (e permanentError) Unwrap() error        { return e.error }
func (e permanentError) Is(target error) bool { return target == errPermanent }

func permanent(err error) error { return permanentError{err} }

// idleTimeout ends a connection on which nothing came for that long: the source sends a keep-alive every 15 s,
// so the network or the source is gone.
var idleTimeout = 45 * time.Second

// message is a watch stream's message, the members a mirror uses.
type message struct {
	At     time.Time `json:"at"`
	Offset int64     `json:"offset"`
	Data   string    `json:"data"`
	Spans  []struct {
		Offset int64  `json:"offset"`
		Data   string `json:"data"`
	} `json:"spans"`
	Event  string `json:"event"`
	Reason string `json:"reason"`
}

// follow is one connection: it returns when the stream ends (nil never: why it ended).
func (r *run) follow(ctx context.Context) error {
	client, err := r.client()
	if err != nil {
		return permanent(fail(ErrInvalid, "%v", err))
	}
	token, err := r.token()
	if err != nil {
		return permanent(fail(ErrInvalid, "%v", err))
	}
	size, err := r.sourceSize(ctx, client, token)
	if err != nil {
		return err
	}
	if err := r.openLocal(size); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := r.get(ctx, client, token, r.streamURL())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	idle := time.AfterFunc(idleTimeout, func() { cancel(fmt.Errorf("nothing from the source for %v", idleTimeout)) })
	defer idle.Stop()
	err = r.apply(ctx, &idleReader{r: resp.Body, idle: idle})
	if cause := context.Cause(ctx); cause != nil && r.ctx.Err() == nil {
		return cause
	}
	return err
}

// client is the HTTP client of the mirror's source, made at its first connection and kept (its connections
// reused): with sp.CA, one that checks the source's certificate against that CA only.
func (r *run) client() (*http.Client, error) {
	if r.http != nil {
		return r.http, nil
	}
	tr := r.rt.o.Transport
	if r.sp.CA != "" {
		pem, err := readSmall(r.sp.CA, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca: %s holds no PEM certificate", r.sp.CA)
		}
		tr = tr.Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	r.http = &http.Client{Transport: tr}
	return r.http, nil
}

// token is the credentials file's token ("" without one), read at each connection.
func (r *run) token() (string, error) {
	if r.sp.Credentials == "" {
		return "", nil
	}
	b, err := readSmall(r.sp.Credentials, 4096)
	if err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// readSmall reads a file of at most max bytes.
func readSmall(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		err = fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, err
}

// sourceSize asks the source for the mapping's size.
func (r *run) sourceSize(ctx context.Context, client *http.Client, token string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := r.get(ctx, client, token, r.sp.Source+"/v1/mappings/"+url.PathEscape(r.sp.Mapping))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var info struct {
		Size       *int64 `json:"size"`        // as created or opened with (absent: opened without a size)
		MappedSize int64  `json:"mapped_size"` // what the source's OS mapped: what its watch streams cover
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&info); err != nil {
		return 0, fmt.Errorf("the source's answer about %s: %w", r.sp.Mapping, err)
	}
	size := info.MappedSize
	if info.Size != nil {
		size = *info.Size
	}
	if size <= 0 || size > MaxSize {
		return 0, permanent(fail(ErrInvalid, "the source's %s is %d bytes: a mirror follows 1 byte to %d MiB (a watch stream's range)", r.sp.Mapping, size, MaxSize>>20))
	}
	r.size.Store(size)
	return size, nil
}

// get sends a GET with the token; an answer other than 2xx is a sourceError with the problem's detail.
func (r *run) get(ctx context.Context, client *http.Client, token, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, permanent(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return nil, permanent(fail(ErrSource, "the source's certificate is not one the ca file (or this system) vouches for: %v", cert))
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var p struct {
		Detail string `json:"detail"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p)
	return nil, &sourceError{status: resp.StatusCode, detail: cmp.Or(p.Detail, resp.Status)}
}

// streamURL is the source's stream: the mapping sampled on the event (set here after each change), or at the
// interval, with the replicated events' signals.
func (r *run) streamURL() string {
	if r.sp.Event != "" || r.sp.Layout != "" {
		q := url.Values{}
		if r.sp.Event != "" {
			q.Set("event", r.sp.Event)
		} else {
			q.Set("interval", r.sp.Interval)
		}
		if r.sp.Layout != "" {
			q.Set("as", "frames")
			q.Set("layout", r.sp.Layout)
		}
		return r.sp.Source + "/v1/mappings/" + url.PathEscape(r.sp.Mapping) + "/watch?" + q.Encode()
	}
	q := url.Values{"mapping": {r.sp.Mapping}, "interval": {r.sp.Interval}}
	for _, e := range r.sp.Events {
		q.Add("event", e)
	}
	return r.sp.Source + "/v1/watch?" + q.Encode()
}

// idleReader resets the idle timer at each read that brought bytes.
type idleReader struct {
	r    io.Reader
	idle *time.Timer
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.idle.Reset(idleTimeout)
	}
	return n, err
}

// apply writes the stream's messages into the local mapping until it ends.
func (r *run) apply(ctx context.Context, body io.Reader) error {
	signals := newPending(r)
	defer signals.stop()
	for ev, err := range sse.Read(body, &sse.ReadConfig{MaxEventSize: MaxSize*4/3 + 64<<10}) {
		if err != nil {
			return err
		}
		var m message
		if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
			return fmt.Errorf("a %s message of the source's stream: %w", ev.Type, err)
		}
		switch ev.Type {
		case "snapshot", "change":
			if err := r.write(ev.Type, &m); err != nil {
				return err
			}
			if ev.Type == "change" && r.sp.Event != "" {
				r.fire(r.sp.Event)
			}
			signals.written(m.At)
		case "signal":
			signals.add(m.Event, m.At)
		case "closed":
			return fmt.Errorf("the source closed the stream (%s)", m.Reason)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("the source ended the stream")
}

// write writes a snapshot or a change where the source has it: with a layout, as one frame by its protocol.
func (r *run) write(typ string, m *message) error {
	n := 0
	r.runs = r.runs[:0]
	put := func(off int64, data string) error {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return fmt.Errorf("a %s message's data: %w", typ, err)
		}
		n += len(b)
		if r.out == nil {
			if _, err := r.local.WriteAt(b, off); err != nil {
				return permanent(err)
			}
			return nil
		}
		if off < 0 || off+int64(len(b)) > int64(len(r.frame)) {
			return fmt.Errorf("a %s message's bytes at %d are outside the layout's frame (%d bytes)", typ, off, len(r.frame))
		}
		copy(r.frame[off:], b)
		r.runs = append(r.runs, spans.Span{Off: int(off), N: len(b)})
		return nil
	}
	if typ == "snapshot" {
		if err := put(m.Offset, m.Data); err != nil {
			return err
		}
		r.set(StateFollowing, nil)
		r.settled(nil)
	}
	for _, sp := range m.Spans {
		if err := put(sp.Offset, sp.Data); err != nil {
			return err
		}
	}
	if r.out != nil {
		if err := r.out.Write(r.frame, r.runs); err != nil {
			return permanent(err)
		}
	}
	now := time.Now()
	r.frames.Add(1)
	r.bytes.Add(uint64(n))
	r.lag.Store(int64(now.Sub(m.At)))
	r.lastFrame.Store(now.UnixNano())
	return nil
}

// fire sets a replicated event here: an auto-reset one is set (one waiter wakes, as the source's did), a
// manual-reset one pulsed (its waiters wake; the source's reset is not seen, so it is not left set).
func (r *run) fire(name string) {
	e := r.events[key(name)]
	if e == nil {
		return
	}
	var err error
	if e.ManualReset() {
		err = e.Pulse()
	} else {
		err = e.Set()
	}
	if err == nil {
		r.nevents.Add(1)
	}
}

// pending are the signals whose frames are not written yet: an event is set here once a frame the source
// sampled at or after its signal is written, or, if none comes within two intervals (the mapping did not
// change), then.
type pending struct {
	r     *run
	mu    sync.Mutex
	at    map[string]time.Time
	timer map[string]*time.Timer
}

func newPending(r *run) *pending {
	return &pending{r: r, at: map[string]time.Time{}, timer: map[string]*time.Timer{}}
}

func (p *pending) add(event string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.at[event]; ok {
		return // set once, for the earliest signal: a later frame covers both
	}
	p.at[event] = at
	p.timer[event] = time.AfterFunc(2*p.r.sp.interval()+20*time.Millisecond, func() { p.due(event, at) })
}

// written fires the events whose signal came at or before the frame sampled at at.
func (p *pending) written(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for e, t := range p.at {
		if !at.Before(t) {
			p.fireLocked(e)
		}
	}
}

func (p *pending) due(event string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.at[event]; ok && t.Equal(at) {
		p.fireLocked(event)
	}
}

func (p *pending) fireLocked(event string) {
	p.timer[event].Stop()
	delete(p.at, event)
	delete(p.timer, event)
	p.r.fire(event)
}

// stop drops the pending signals (the connection ended; the next starts with a snapshot).
func (p *pending) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for e, t := range p.timer {
		t.Stop()
		delete(p.at, e)
		delete(p.timer, e)
	}
}

// errLocal wraps what the local side refuses.
func errLocal(what string, err error) error {
	if errors.Is(err, registry.ErrExists) {
		return permanent(fail(ErrTaken, "%s exists already on this system, made by another program: a mirror writes only into a mapping it creates (say mode: open to write into that one)", what))
	}
	return permanent(fmt.Errorf("%s: %w", what, err))
}
