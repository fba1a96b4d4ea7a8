package mirror_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/mirror"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

func TestMain(m *testing.M) { os.Exit(testutil.RunChecked(m)) }

const adminToken = "mirror-test-admin-token-0123456789"

// daemon is an API server of the test's: a source, or a target running mirrors.
type daemon struct {
	t       *testing.T
	srv     *httptest.Server
	reg     *registry.Registry
	tokens  *scope.Store
	layouts *layout.Store
	mirrors *mirror.Runtime
}

func newDaemon(t *testing.T, mirrorsFile string, tls bool) *daemon {
	t.Helper()
	d := &daemon{t: t, reg: registry.New(nil)}
	d.tokens, _ = scope.Open("", 0)
	d.layouts, _ = layout.OpenStore("", layout.DefaultLimits, 16)
	store, err := mirror.Open(mirrorsFile, 0)
	if err != nil {
		t.Fatal(err)
	}
	d.mirrors = mirror.NewRuntime(mirror.Options{Store: store, Registry: d.reg, Layouts: d.layouts, MinInterval: time.Millisecond})
	d.srv = httptest.NewUnstartedServer(nil)
	d.srv.Config.Handler = api.New(d.reg, d.config())
	if tls {
		d.srv.StartTLS()
	} else {
		d.srv.Start()
	}
	t.Cleanup(d.close)
	return d
}

func (d *daemon) config() api.Config {
	return api.Config{Hosts: api.LoopbackHosts(d.srv.Listener.Addr().String()), Token: adminToken, Tokens: d.tokens,
		Mirrors: d.mirrors, Layouts: d.layouts}
}

// restart stops the server and starts another on the same address with a registry of its own, empty: a source
// daemon started again, before anyone opened its mappings again.
func (d *daemon) restart() {
	d.t.Helper()
	addr := d.srv.Listener.Addr().String()
	d.srv.CloseClientConnections() // the streams end (Close waits for their handlers)
	d.srv.Close()
	d.reg.CloseAll()
	d.reg = registry.New(nil)
	var ln net.Listener
	testutil.WaitFor(d.t, "the address free again", func() (err error) {
		ln, err = net.Listen("tcp", addr)
		return err
	})
	d.srv = &httptest.Server{Listener: ln, Config: &http.Server{}}
	d.srv.Config.Handler = api.New(d.reg, d.config())
	d.srv.Start()
}

// close stops the mirrors, the server, and closes (and removes) what the registry holds.
func (d *daemon) close() {
	d.mirrors.Close()
	d.srv.Close()
	for _, m := range d.reg.Mappings() {
		d.reg.CloseMapping(m.Name(), true)
	}
	for _, e := range d.reg.Events() {
		d.reg.CloseEvent(e.Name(), true)
	}
}

// do sends a request with the admin token and answers the status and body.
func (d *daemon) do(method, path string, body any) (int, []byte) {
	d.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.srv.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// hold has the daemon create and hold a mapping of size bytes (a producer's, on a source).
func (d *daemon) hold(name string, size int64) {
	d.t.Helper()
	if _, _, err := d.reg.OpenMapping(registry.Options{Name: name, Size: size, Mode: registry.Create}); err != nil {
		d.t.Fatal(err)
	}
}

// readToken writes a read token of the daemon into a file, and answers the file and the token's id.
func (d *daemon) readToken() (file, id string) {
	d.t.Helper()
	tok, text, err := d.tokens.Create(scope.Spec{Name: "mirror", Scope: scope.Read, Mappings: []string{"*"}}, time.Now())
	if err != nil {
		d.t.Fatal(err)
	}
	file = filepath.Join(testutil.TempDir(d.t), "token")
	os.WriteFile(file, []byte(text+"\n"), 0o600)
	return file, tok.ID
}

// mirrorOf is GET /v1/mirrors/{id}.
func (d *daemon) mirrorOf(id string) api.Mirror {
	d.t.Helper()
	status, data := d.do("GET", "/v1/mirrors/"+id, nil)
	if status != 200 {
		d.t.Fatalf("GET mirror %s: %d %s", id, status, data)
	}
	var m api.Mirror
	json.Unmarshal(data, &m)
	return m
}

// create is POST /v1/mirrors, answering the mirror (status 201 wanted).
func (d *daemon) create(spec map[string]any) api.Mirror {
	d.t.Helper()
	status, data := d.do("POST", "/v1/mirrors", spec)
	if status != 201 {
		d.t.Fatalf("POST /v1/mirrors %v: %d %s", spec, status, data)
	}
	var m api.Mirror
	json.Unmarshal(data, &m)
	return m
}

func name(t *testing.T, suffix string) string {
	return fmt.Sprintf("shmbridge-mirror-%d-%s%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"), suffix)
}

// openNative opens a mapping as another program of the target's machine would.
func openNative(t *testing.T, name string) *shm.Mapping {
	t.Helper()
	m, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func holds(m *shm.Mapping, off int64, want []byte) bool {
	got := make([]byte, len(want))
	m.ReadAt(got, off)
	return bytes.Equal(got, want)
}

// TestMirrorFollows: a mirror creates the local mapping at the source's size, follows what a producer there
// writes, and of a 1 MiB mapping changing 1 KiB only what changed crosses; /metrics counts it; DELETE removes
// the mapping it made.
func TestMirrorFollows(t *testing.T) {
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 1<<20)
	producer := openNative(t, from)
	producer.WriteAt([]byte("before"), 100)
	creds, _ := src.readToken()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "interval": "2ms"})
	if m.State != mirror.StateFollowing || m.Size != 1<<20 || !m.CredentialsSet || m.Credentials != "" {
		t.Fatalf("created: %+v", m)
	}
	reader := openNative(t, to)
	if !holds(reader, 100, []byte("before")) {
		t.Fatal("the snapshot is not in the local mapping")
	}
	before := dst.mirrorOf(m.ID).Bytes
	change := bytes.Repeat([]byte{0xAB}, 1024)
	producer.WriteAt(change, 512<<10)
	testutil.WaitFor(t, "the change is in the local mapping", func() bool { return holds(reader, 512<<10, change) })
	testutil.WaitFor(t, "the change is counted", func() bool { return dst.mirrorOf(m.ID).Bytes > before })
	if crossed := dst.mirrorOf(m.ID).Bytes - before; crossed > 2048 {
		t.Errorf("a 1 KiB change of a 1 MiB mapping wrote %d bytes", crossed)
	}
	status, metrics := dst.do("GET", "/metrics", nil)
	if status != 200 || !strings.Contains(string(metrics), `shmbridge_mirror_up{mirror="`+m.ID+`"} 1`) {
		t.Errorf("/metrics: %d, no shmbridge_mirror_up of %s", status, m.ID)
	}
	if status, data := dst.do("DELETE", "/v1/mirrors/"+m.ID, nil); status != 204 {
		t.Fatalf("DELETE: %d %s", status, data)
	}
	reader.Close() // on Windows an object lives while any handle does
	if outlived, err := shm.Open(shm.Options{Name: to, Mode: shm.OpenExisting}); err == nil {
		outlived.Close()
		t.Error("the local mapping the mirror made outlived it")
	}
}

func (d *daemon) list() []api.Mirror {
	d.t.Helper()
	_, data := d.do("GET", "/v1/mirrors", nil)
	var list []api.Mirror
	json.Unmarshal(data, &list)
	return list
}

// TestMirrorRefused: what would never work is the answer, and nothing is kept.
func TestMirrorRefused(t *testing.T) {
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 64)
	wrong := filepath.Join(testutil.TempDir(t), "wrong")
	os.WriteFile(wrong, []byte("shmb_r_NOTATOKENOFTHISDAEMON0000000000"), 0o600)
	creds, _ := src.readToken()
	taken := name(t, "-taken")
	other, err := shm.Open(shm.Options{Name: taken, Size: 64, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { other.Close(); shm.Unlink(taken) }()
	for _, c := range []struct {
		spec   map[string]any
		status int
		detail string
	}{
		{map[string]any{"source": src.srv.URL, "credentials": wrong, "mapping": from, "as": to}, 502, "401"},
		{map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": name(t, "-none"), "as": to}, 502, "404"},
		{map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": taken}, 409, "exists already"},
		{map[string]any{"source": "http://192.0.2.1:8765", "mapping": from}, 400, "insecure"},
		{map[string]any{"source": "ftp://127.0.0.1", "mapping": from}, 400, "base URL"},
		{map[string]any{"source": src.srv.URL, "mapping": from, "interval": "1ms", "event": "e"}, 400, "event"},
		{map[string]any{"source": src.srv.URL, "mapping": from, "mode": "append"}, 400, "mode"},
		{map[string]any{"source": src.srv.URL, "mapping": from, "credentials": "/no/such/file", "as": to}, 400, "credentials"},
	} {
		status, data := dst.do("POST", "/v1/mirrors", c.spec)
		if status != c.status || !strings.Contains(string(data), c.detail) {
			t.Errorf("%v: %d %s, want %d %q", c.spec, status, data, c.status, c.detail)
		}
	}
	if list := dst.list(); len(list) != 0 {
		t.Errorf("kept after refusals: %+v", list)
	}
	if status, _ := dst.do("GET", "/v1/mirrors/mnosuch", nil); status != 404 {
		t.Errorf("GET of no mirror: %d", status)
	}
}

// TestMirrorReconnects: a connection the network drops is made again, with back-off, and the mirror follows on;
// a token revoked on the source stops it, said (state failed), not retried for ever.
func TestMirrorReconnects(t *testing.T) {
	mirror.SetBackoff(t, 10*time.Millisecond)
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 16)
	producer := openNative(t, from)
	creds, tokenID := src.readToken()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "interval": "2ms"})
	reader := openNative(t, to)
	src.srv.CloseClientConnections()
	testutil.WaitFor(t, "a reconnection", func() bool { return dst.mirrorOf(m.ID).Reconnects >= 1 })
	producer.WriteAt([]byte("after"), 0)
	testutil.WaitFor(t, "a write after the reconnection arrives", func() bool { return holds(reader, 0, []byte("after")) })
	if err := src.tokens.Revoke(tokenID); err != nil {
		t.Fatal(err)
	}
	src.srv.CloseClientConnections()
	testutil.WaitFor(t, "the mirror fails on the revoked token", func() bool { return dst.mirrorOf(m.ID).State == mirror.StateFailed })
	if got := dst.mirrorOf(m.ID); !strings.Contains(got.Error, "401") {
		t.Errorf("failed with %q, want the source's 401", got.Error)
	}
}

// TestMirrorKept: a mirror is kept across a restart and follows its source again into the mapping it made; a
// DELETE with keep=true leaves the mapping held.
func TestMirrorKept(t *testing.T) {
	file := filepath.Join(testutil.TempDir(t), "mirrors.json")
	src, dst := newDaemon(t, "", false), newDaemon(t, file, false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 16)
	producer := openNative(t, from)
	creds, _ := src.readToken()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "interval": "2ms"})
	dst.mirrors.Close() // a daemon stopping: its handles closed, /dev/shm's name left
	dst.srv.Close()
	dst.reg.CloseAll()

	again := newDaemon(t, file, false)
	again.mirrors.Start()
	testutil.WaitFor(t, "the kept mirror following again", func() bool { return again.mirrorOf(m.ID).State == mirror.StateFollowing })
	reader := openNative(t, to)
	producer.WriteAt([]byte("again"), 0)
	testutil.WaitFor(t, "the kept mirror follows again", func() bool { return holds(reader, 0, []byte("again")) })
	if status, data := again.do("DELETE", "/v1/mirrors/"+m.ID+"?keep=true", nil); status != 204 {
		t.Fatalf("DELETE keep: %d %s", status, data)
	}
	if again.reg.Holds(to) != registry.KindMapping {
		t.Error("keep=true: the daemon no longer holds the mapping")
	}
	if b, _ := os.ReadFile(file); strings.Contains(string(b), m.ID) {
		t.Errorf("the deleted mirror is still kept: %s", b)
	}
}

// TestMirrorOpenMode: mode open writes into a mapping that exists (a native program's), and leaves it there
// when deleted.
func TestMirrorOpenMode(t *testing.T) {
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 16)
	openNative(t, from).WriteAt([]byte("open"), 0)
	theirs, err := shm.Open(shm.Options{Name: to, Size: 32, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { theirs.Close(); shm.Unlink(to) }()
	creds, _ := src.readToken()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "mode": "open"})
	testutil.WaitFor(t, "the frame in their mapping", func() bool { return holds(theirs, 0, []byte("open")) })
	dst.do("DELETE", "/v1/mirrors/"+m.ID, nil)
	if still, err := shm.Open(shm.Options{Name: to, Mode: shm.OpenExisting}); err != nil {
		t.Errorf("mode open: the mirror removed a mapping it did not make: %v", err)
	} else {
		still.Close()
	}
}

// TestMirrorHTTPS: an https source is checked against the ca file; without it, its certificate is refused and
// the mirror is not kept.
func TestMirrorHTTPS(t *testing.T) {
	src, dst := newDaemon(t, "", true), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 16)
	openNative(t, from).WriteAt([]byte("tls"), 0)
	creds, _ := src.readToken()
	spec := map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to}
	if status, data := dst.do("POST", "/v1/mirrors", spec); status != 502 || !strings.Contains(string(data), "certificate") {
		t.Errorf("no ca: %d %s, want 502, the certificate refused", status, data)
	}
	ca := filepath.Join(testutil.TempDir(t), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: src.srv.Certificate().Raw}), 0o600)
	spec["ca"] = ca
	dst.create(spec)
	testutil.WaitFor(t, "the frame over https", func() bool { return holds(openNative(t, to), 0, []byte("tls")) })
}

// TestMirrorIdleSource: a source that sends nothing, not even its keep-alives (stalled, or a network that
// drops packets silently), is given up after the idle timeout and connected to again.
func TestMirrorIdleSource(t *testing.T) {
	mirror.SetIdleTimeout(t, 200*time.Millisecond)
	mirror.SetBackoff(t, 10*time.Millisecond)
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/watch" {
			fmt.Fprint(w, `{"size": 8, "mapped_size": 4096}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "event: snapshot\ndata: {\"at\":\"2026-12-06T00:00:00Z\",\"offset\":0,\"data\":\"AAAAAAAAAAA=\"}\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer stalled.Close()
	dst := newDaemon(t, "", false)
	m := dst.create(map[string]any{"source": stalled.URL, "mapping": "x", "as": name(t, "-dst")})
	testutil.WaitFor(t, "the stalled source given up, twice", func() bool { return dst.mirrorOf(m.ID).Reconnects >= 2 })
	if got := dst.mirrorOf(m.ID); !strings.Contains(got.Error, "nothing from the source") {
		t.Errorf("error %q, want the idle timeout", got.Error)
	}
}

// TestMirrorSourceRestarts: the source daemon stops and starts again; until it holds the mapping again its 404 is
// retried (it is not the first connection: the mirror worked), then the mirror follows again.
func TestMirrorSourceRestarts(t *testing.T) {
	mirror.SetBackoff(t, 10*time.Millisecond)
	src, dst := newDaemon(t, "", false), newDaemon(t, "", false)
	from, to := name(t, "-src"), name(t, "-dst")
	src.hold(from, 16)
	producer := openNative(t, from)
	creds, _ := src.readToken()
	m := dst.create(map[string]any{"source": src.srv.URL, "credentials": creds, "mapping": from, "as": to, "interval": "2ms"})
	src.restart()
	testutil.WaitFor(t, "the mirror retrying on the source's 404", func() bool {
		got := dst.mirrorOf(m.ID)
		return got.State == mirror.StateRetrying && strings.Contains(got.Error, "404")
	})
	// The size it had: opened without one, Windows says the page-rounded size, and the mirror would make its copy again.
	if _, _, err := src.reg.OpenMapping(registry.Options{Name: from, Mode: registry.OpenExisting, Size: 16}); err != nil {
		t.Fatal(err)
	}
	producer.WriteAt([]byte("restarted"), 0)
	reader := openNative(t, to)
	testutil.WaitFor(t, "the write after the source's restart", func() bool { return holds(reader, 0, []byte("restarted")) })
	if got := dst.mirrorOf(m.ID); got.State != mirror.StateFollowing {
		t.Errorf("after the restart: %+v", got)
	}
}
