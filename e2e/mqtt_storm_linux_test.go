package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// dropper is a TCP proxy to the broker that drops the first n connections right after the broker's CONNACK
// went through: a broker that takes a connection and drops it at once (as mosquitto does for a packet it
// finds malformed). It keeps when each connection came.
type dropper struct {
	ln    net.Listener
	n     int
	mu    sync.Mutex
	times []time.Time
}

func startDropper(t *testing.T, broker string, n int) *dropper {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &dropper{ln: ln, n: n}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.mu.Lock()
			d.times = append(d.times, time.Now())
			drop := len(d.times) <= d.n
			d.mu.Unlock()
			go d.relay(c, broker, drop)
		}
	}()
	return d
}

func (d *dropper) relay(c net.Conn, broker string, drop bool) {
	defer c.Close()
	b, err := net.Dial("tcp", broker)
	if err != nil {
		return
	}
	defer b.Close()
	go io.Copy(b, c)
	if drop {
		buf := make([]byte, 256)
		if n, err := b.Read(buf); err == nil { // the CONNACK
			c.Write(buf[:n])
		}
		return
	}
	io.Copy(c, b)
}

func (d *dropper) connections() []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Time(nil), d.times...)
}

// TestMQTTReconnectStorm: a broker that drops each connection right after it was made (as mosquitto did for a
// topic with U+0001: ~700 reconnections a second, every publisher sending its whole state each time) is
// connected to again after growing waits, counted over a bounded number of drops; a topic mosquitto would
// drop the connection for is refused at creation (400) and at start (a file edited by hand: skipped, left as
// it is), and does not cost the other publishers their connection.
func TestMQTTReconnectStorm(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	b := startBroker(t)
	const drops = 5
	proxy := startDropper(t, "127.0.0.1:"+b.port, drops)
	dir := t.TempDir()
	pubs := filepath.Join(dir, "publishers")
	os.MkdirAll(pubs, 0o700)
	edited := `{"id": "p0123456789ab", "kind": "mqtt", "mapping": "Local\\x", "topic": "sim/\u0001", "created": "2026-01-01T00:00:00Z"}`
	os.WriteFile(filepath.Join(pubs, "p0123456789ab.json"), []byte(edited), 0o600)
	addr, log, _ := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-layouts-dir", "-", "-publishers-dir", pubs, "-recordings-dir", "-",
		"-mqtt", "mqtt://"+proxy.ln.Addr().String(), "-mqtt-credentials", b.credentials())
	c := client{t, "http://" + addr}
	testutil.WaitFor(t, "connected after the drops", func() error {
		if n := c.metric("shmbridge_mqtt_connections_total"); n != drops+1 || c.metric("shmbridge_mqtt_connected") != 1 {
			return fmt.Errorf("%v connections, %d at the broker:\n%s", n, len(proxy.connections()), log)
		}
		return nil
	})
	// Each drop is a failure: the waits before the next connections are at least 50, 100, 200, 400, 800 ms.
	times := proxy.connections()
	var least time.Duration
	for i := 1; i < len(times); i++ {
		if gap, want := times[i].Sub(times[i-1]), 50*time.Millisecond<<(i-1); gap < want {
			t.Errorf("connection %d came %v after the drop, want at least %v", i+1, gap, want)
		}
		least += 50 * time.Millisecond << (i - 1)
	}
	if len(times) != drops+1 {
		t.Errorf("%d connections for %d drops", len(times), drops)
	}
	t.Logf("%d drops right after CONNACK: %d connections in %v (at least %v of back-off)", drops, len(times), times[len(times)-1].Sub(times[0]).Round(time.Millisecond), least)
	if !strings.Contains(log.String(), "p0123456789ab") || !strings.Contains(log.String(), "skipped") {
		t.Errorf("the edited publisher was not said to be skipped:\n%s", log)
	}
	if got, _ := os.ReadFile(filepath.Join(pubs, "p0123456789ab.json")); string(got) != edited {
		t.Error("the edited file changed")
	}

	// A good publisher, and one whose topic mosquitto takes for malformed: refused, the connection kept.
	c.call("PUT", "/v1/layouts/rig", "meta: {id: rig, endian: le}\nseq:\n  - {id: coolant, type: f4}\n", 201)
	name := fmt.Sprintf(`Local\shmbridge-e2e-storm-%d`, os.Getpid())
	c.call("POST", "/v1/mappings", map[string]any{"name": name, "size": 4, "layout": "rig"}, 201)
	t.Cleanup(func() {
		req, _ := http.NewRequest("DELETE", c.base+"/v1/mappings/"+url.PathEscape(name)+"?unlink=true", nil)
		req.Header.Set("Authorization", "Bearer "+recToken)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	msgs := b.subscribe("good/#")
	c.call("POST", "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": name, "topic": "good/rig", "qos": 1, "retain": true}, 201)
	c.call("POST", "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": name, "topic": "bad/\u0001", "qos": 0}, 400)
	select {
	case m := <-msgs:
		if m.topic != "good/rig" {
			t.Errorf("received %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the good publisher's message did not arrive")
	}
	if n := c.metric("shmbridge_mqtt_connections_total"); n != drops+1 || len(proxy.connections()) != drops+1 {
		t.Errorf("%v connections after the publishers (%d at the broker)", n, len(proxy.connections()))
	}
}
