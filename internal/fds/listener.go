package fds

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Listener keeps the connections it hands out below max: at max, a new connection closes the one that has
// been idle longest (a keep-alive connection no request uses), or, with none idle, is answered 503 at once
// and closed. Either way every client hears something. Set the server's ConnState to the Listener's.
type Listener struct {
	net.Listener
	max int

	mu   sync.Mutex
	open int
	idle map[net.Conn]time.Time // the server's idle connections, by when they became idle
}

// NewListener wraps ln; max 0 is no cap (ln itself is then the right listener).
func NewListener(ln net.Listener, max int) *Listener {
	return &Listener{Listener: ln, max: max, idle: make(map[net.Conn]time.Time)}
}

// Accept returns the next connection within the cap.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.max > 0 && l.open >= l.max {
			if old := l.oldestIdleLocked(); old != nil {
				delete(l.idle, old)
				l.mu.Unlock()
				// Closed here, not in a goroutine: counted out by its Close before the new one is counted in, so
				// the open connections never pass the cap, not even for a moment (Accept runs in one goroutine).
				old.Close()
				l.mu.Lock()
			} else {
				l.mu.Unlock()
				go refuse(c)
				continue
			}
		}
		l.open++
		l.mu.Unlock()
		return &conn{Conn: c, l: l}, nil
	}
}

func (l *Listener) oldestIdleLocked() net.Conn {
	var oldest net.Conn
	var since time.Time
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	return oldest
}

// ConnState is the server's ConnState hook: it tells the listener which connections are idle.
func (l *Listener) ConnState(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateIdle:
		l.idle[c] = time.Now()
	default:
		delete(l.idle, c)
	}
}

// Open is how many connections are open now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

type conn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		delete(c.l.idle, c)
		c.l.mu.Unlock()
	})
	return err
}

// refusal is the whole answer to a connection over the cap: a problem, as every other refusal.
var refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nConnection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n\r\n" + refusalBody

const refusalBody = `{"type":"urn:shmbridge:problem:busy","title":"Daemon busy","status":503,` +
	`"detail":"the daemon has as many connections open as its file descriptor limit allows, none of them idle: try again (see ulimit -n)"}`

// refuse answers c 503 and closes it, reading what the client sent for a moment first, so that the close does
// not reset the connection before the client has read the answer.
func refuse(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte(refusal)); err != nil {
		return
	}
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}
