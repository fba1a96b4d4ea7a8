package api_test

// Synchronization interop with real native peer processes (sync_peer_*.c), in both roles: the iRacing-style
// "data valid" pattern (a mapping, a ready event and an acknowledgement event) and the HWiNFO-style mutex held
// around a copy, including a mutex whose owner dies holding it. The peer per OS: syncPeer in interop_*_test.go.

import (
	"bufio"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
)

// nativeProc is a running peer whose stdout is read a line at a time.
type nativeProc struct {
	cmd   *exec.Cmd
	lines chan string
}

func startSyncPeer(t *testing.T, args ...string) *nativeProc {
	t.Helper()
	cmd := syncPeer(t, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &nativeProc{cmd: cmd, lines: make(chan string, 8)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return p
}

// expectLine waits for the peer's next line.
func (p *nativeProc) expectLine(t *testing.T, want string) string {
	t.Helper()
	select {
	case s, ok := <-p.lines:
		if !ok || (want != "" && s != want) {
			t.Fatalf("native peer said %q (open=%v), want %q", s, ok, want)
		}
		return s
	case <-time.After(60 * time.Second):
		t.Fatalf("native peer silent for 60 s, want %q", want)
	}
	return ""
}

// exit waits for the peer to end and checks its exit code is 0.
func (p *nativeProc) exit(t *testing.T) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		for range p.lines {
		}
		done <- p.cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("native peer: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("native peer did not exit")
	}
}

// (1) A native server creates two events and a mapping, writes, signals the first event and waits on the
// second; over HTTP the bridge opens them, waits-then-reads the message and sets the second event.
func TestInteropNativeServerBridgeClient(t *testing.T) {
	b := newBridge(t, nil)
	mp, rd, ack := name(t, "-map"), name(t, "-ready"), name(t, "-ack")
	const text = "frame 42 from a native server"
	p := startSyncPeer(t, "server", peerName(mp), peerName(rd), peerName(ack), text)
	p.expectLine(t, "READY")

	for _, n := range []string{rd, ack} {
		ev := decode[api.Event](t, b.post(t, "/v1/events", map[string]any{"name": n, "mode": "open", "manual_reset": true}, 201))
		if ev.Created || ev.ManualReset {
			t.Fatalf("opened the native event as %+v: want created=false and the OS's manual_reset=false", ev)
		}
	}
	b.create(createBody(mp, 0, `,"mode":"open","access":"read"`))
	resp, data := b.do("GET", path(mp, "/data?as=text&timeout=20s&wait="+url.QueryEscape(rd)), nil)
	expect(t, resp, data, 200)
	if string(data) != text {
		t.Fatalf("bridge read %q, native server wrote %q", data, text)
	}
	b.post(t, eventPath(ack, "/set"), nil, 200)
	p.exit(t)
}

// (2) The bridge creates the events and the mapping over HTTP; a native client waits, reads and signals back,
// and the HTTP long-poll on the second event answers signaled: true.
func TestInteropBridgeServerNativeClient(t *testing.T) {
	b := newBridge(t, nil)
	mp, rd, ack := name(t, "-map"), name(t, "-ready"), name(t, "-ack")
	const text = "frame 7 from the bridge"
	b.create(createBody(mp, 4096, ""))
	b.post(t, "/v1/events", map[string]any{"name": rd}, 201)
	b.post(t, "/v1/events", map[string]any{"name": ack}, 201)
	resp, data := b.do("PUT", path(mp, "/data?encoding=utf-8&nul=true"), strings.NewReader(text))
	expect(t, resp, data, 200)

	p := startSyncPeer(t, "client", peerName(mp), peerName(rd), peerName(ack))
	p.expectLine(t, "OPENED")
	b.post(t, eventPath(rd, "/set"), nil, 200)
	if !b.waitEvent(t, ack, "20s") {
		t.Fatal("the native client's signal never came")
	}
	got, err := hex.DecodeString(p.expectLine(t, ""))
	if err != nil || string(got) != text {
		t.Fatalf("native client read %q (%v), want %q", got, err, text)
	}
	p.exit(t)
}

// (3) A native process holds a named mutex: a ?lock= read waits for its release (or is 423 with a short
// lock_timeout).
func TestInteropNativeHoldsMutex(t *testing.T) {
	b := newBridge(t, nil)
	mp, mx := name(t, "-map"), name(t, "-mutex")
	b.create(createBody(mp, 64, ""))
	b.do("PUT", path(mp, "/data"), strings.NewReader("sensor frame"))
	b.post(t, "/v1/mutexes", map[string]any{"name": mx}, 201)
	p := startSyncPeer(t, "hold", peerName(mx), "700")
	p.expectLine(t, "LOCKED")

	lock := "/data?length=12&lock=" + url.QueryEscape(mx)
	resp, data := b.do("GET", path(mp, lock+"&lock_timeout=50ms"), nil)
	expect(t, resp, data, 423)
	if m := decode[api.Mutex](t, b.getOK(t, mutexPath(mx))); m.State != "locked" || m.Leased {
		t.Fatalf("held by the native peer, the mutex shows %+v", m)
	}
	start := time.Now()
	resp, data = b.do("GET", path(mp, lock+"&lock_timeout=20s"), nil)
	expect(t, resp, data, 200)
	if string(data) != "sensor frame" {
		t.Fatalf("locked read %q", data)
	}
	p.expectLine(t, "RELEASED") // printed when it let go, before the bridge could take it
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("the read did not wait for the native holder (%v)", d)
	}
	p.exit(t)
}

// (3b) A native process dies holding the mutex: the next lock reports it abandoned, and holds it all the same.
func TestInteropAbandonedMutex(t *testing.T) {
	b := newBridge(t, nil)
	mp, mx := name(t, "-map"), name(t, "-mutex")
	b.create(createBody(mp, 64, ""))
	b.post(t, "/v1/mutexes", map[string]any{"name": mx}, 201)
	p := startSyncPeer(t, "abandon", peerName(mx))
	p.expectLine(t, "LOCKED")
	p.exit(t)

	if m := decode[api.Mutex](t, b.getOK(t, mutexPath(mx))); !m.Abandoned {
		t.Errorf("the OS state does not show the mutex abandoned: %+v", m)
	}
	resp, data := b.do("GET", path(mp, "/data?lock="+url.QueryEscape(mx)+"&lock_timeout=5s"), nil)
	expect(t, resp, data, 200)
	if resp.Header.Get(api.AbandonedHeader) != "true" {
		t.Fatalf("abandoned mutex not reported: %s=%q", api.AbandonedHeader, resp.Header.Get(api.AbandonedHeader))
	}
	resp, data = b.do("GET", path(mp, "/data?lock="+url.QueryEscape(mx)+"&lock_timeout=5s"), nil)
	expect(t, resp, data, 200)
	if resp.Header.Get(api.AbandonedHeader) != "" {
		t.Fatal("reported abandoned again after a clean release")
	}
	if m := decode[api.Mutex](t, b.getOK(t, mutexPath(mx))); m.Abandoned || m.State != "unlocked" {
		t.Errorf("after a clean release: %+v", m)
	}
	res := decode[api.AcquireResult](t, b.post(t, mutexPath(mx, "/acquire?hold=1s"), nil, 200))
	if !res.Acquired || res.Abandoned {
		t.Fatalf("acquire after a clean release: %+v", res)
	}
}
