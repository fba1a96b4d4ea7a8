package fds_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/fds"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestFit: the default caps (about 3,600 descriptors) are left alone under a limit that holds them, lowered in
// proportion under one that does not, always leaving Reserve free; a cap of none takes only what is left.
func TestFit(t *testing.T) {
	defaults := fds.Caps{Mappings: 1024, SyncObjects: 256, Watchers: 1024, Waiters: 1024}
	need := func(c fds.Caps) int { return c.Mappings + 2*c.SyncObjects + c.Watchers + c.Waiters }
	for _, limit := range []int{128, 1024, 4096, 1 << 20} {
		got, conns, notes := fds.Fit(defaults, limit)
		switch {
		case need(defaults)+fds.Reserve <= limit && (got != defaults || notes != nil):
			t.Errorf("limit %d: %+v (%v), want the defaults", limit, got, notes)
		case need(got)+fds.Reserve > limit:
			t.Errorf("limit %d: %+v needs %d descriptors, more than the limit less the reserve", limit, got, need(got))
		case need(defaults)+fds.Reserve > limit && len(notes) != 4:
			t.Errorf("limit %d: notes %v", limit, notes)
		case conns < got.Watchers+got.Waiters || conns+got.Mappings+2*got.SyncObjects > limit:
			t.Errorf("limit %d: %d connections beside %+v", limit, conns, got)
		}
		t.Logf("limit %d: %+v, %d connections; %v", limit, got, conns, notes)
	}
	got, _, _ := fds.Fit(fds.Caps{Mappings: 0, SyncObjects: 256, Watchers: 1024, Waiters: 1024}, 4096)
	if got.Mappings == 0 || need(got)+fds.Reserve > 4096 {
		t.Errorf("no mappings cap under 4096: %+v", got)
	}
	if got, conns, notes := fds.Fit(defaults, 0); got != defaults || conns != 0 || notes != nil {
		t.Errorf("no limit: %+v %d %v", got, conns, notes)
	}
}

// serve runs a server on a Listener of max connections whose /wait handler blocks until release is called.
func serve(t *testing.T, max int) (addr string, l *fds.Listener, release func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l = fds.NewListener(ln, max)
	released := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	srv := &http.Server{ConnState: l.ConnState, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wait" {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-released
		}
		io.WriteString(w, "ok")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { release(); srv.Close() })
	return ln.Addr().String(), l, release
}

// request sends GET path on a new connection and answers the status line (the rest stays in its reader).
func request(t *testing.T, addr, path string) (*conn, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("GET %s: no answer: %v", path, err)
	}
	return &conn{c, r}, strings.TrimSpace(line)
}

type conn struct {
	net.Conn
	r *bufio.Reader
}

func (c *conn) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestListenerEvictsIdle: at the cap, a new client is served by closing the connection idle longest: a flood
// of idle keep-alive connections cannot lock out the health check.
func TestListenerEvictsIdle(t *testing.T) {
	addr, l, _ := serve(t, 3)
	var idle []*conn
	for range 3 {
		c, status := request(t, addr, "/")
		if status != "HTTP/1.1 200 OK" {
			t.Fatal(status)
		}
		idle = append(idle, c) // kept open: idle keep-alive connections
	}
	testutil.WaitFor(t, "the listener to count the 3 connections", func() bool { return l.Open() == 3 })
	for range 5 {
		c, status := request(t, addr, "/healthz")
		if status != "HTTP/1.1 200 OK" {
			t.Fatalf("a new client at the cap, others idle: %q", status)
		}
		c.Close()
	}
	if n := l.Open(); n > 3 {
		t.Fatalf("%d connections open, over the cap of 3", n)
	}
	for _, c := range idle {
		c.Close()
	}
}

// TestListenerRefusesWhenAllBusy: at the cap with every connection busy, a new client is answered 503 (a
// problem) at once instead of waiting unanswered in the backlog; once one is free, clients are served again.
func TestListenerRefusesWhenAllBusy(t *testing.T) {
	addr, l, release := serve(t, 2)
	for range 2 { // two requests that wait: busy connections
		if _, status := request(t, addr, "/wait"); status != "HTTP/1.1 200 OK" {
			t.Fatal(status)
		}
	}
	c, status := request(t, addr, "/healthz")
	if status != "HTTP/1.1 503 Service Unavailable" {
		t.Fatalf("a new client with every connection busy: %q", status)
	}
	body, _ := io.ReadAll(c)
	if !strings.Contains(string(body), "urn:shmbridge:problem:busy") {
		t.Fatalf("the 503 is not a problem: %s", body)
	}
	release()
	// The waits end and their connections go idle (the server says so a moment after its answer): from then
	// on a new client is served, by closing one of them.
	testutil.WaitFor(t, "a new client to be served after the busy ones ended", func() error {
		c, status := request(t, addr, "/healthz")
		c.Close()
		if status != "HTTP/1.1 200 OK" {
			return fmt.Errorf("answered %q", status)
		}
		return nil
	})
	if n := l.Open(); n > 2 {
		t.Fatalf("%d connections open, over the cap of 2", n)
	}
}
