package api_test

// Linux only: another process can shrink a /dev/shm object under the daemon's view (Windows sections cannot
// shrink).

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestTruncatedMidRead: a 64 MiB GET is under way when another process truncates the object to 4 KiB. The
// client gets a cut response (never bytes from elsewhere), the daemon keeps serving, later reads past the
// new end are 416, and other mappings are untouched.
func TestTruncatedMidRead(t *testing.T) {
	const size = 64 << 20
	b := newBridge(t, nil)
	n, other := name(t, ""), name(t, "-other")
	b.create(createBody(n, size, ""))
	b.create(createBody(other, 16, ""))
	b.do("PUT", path(other, "/data"), strings.NewReader("still here"))

	resp, err := b.client.Get(b.base + path(n, "/data"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	// Another process shrinks it (truncate(1), as a native program would with ftruncate).
	obj := filepath.Join(shm.ShmDir, n[strings.IndexByte(n, '\\')+1:])
	if out, err := exec.Command("truncate", "-s", "4096", obj).CombinedOutput(); err != nil {
		t.Fatalf("truncate: %v %s", err, out)
	}
	got, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Fatalf("the GET completed (%d more bytes) although the object shrank to 4 KiB", got)
	}
	t.Logf("GET cut after %d more bytes: %v", got, err)

	r, data := b.do("GET", "/healthz", nil)
	expect(t, r, data, http.StatusOK)
	r, data = b.do("GET", path(n, "/data?offset=8192&length=10"), nil)
	expect(t, r, data, http.StatusRequestedRangeNotSatisfiable)
	r, data = b.do("GET", path(n, "/data?length=4096"), nil)
	expect(t, r, data, http.StatusOK)
	r, data = b.do("GET", path(other, "/data?length=10"), nil)
	if r.StatusCode != 200 || string(data) != "still here" {
		t.Fatalf("other mapping: %d %q", r.StatusCode, data)
	}
	if _, err := os.Stat(obj); err != nil {
		t.Fatal(err)
	}
}

// TestTruncatedEventOneAnswer: an event another process cut below its header answers every operation the
// same way, 500 fault: set, pulse, a wait, a data read that waits on it; the daemon goes on serving.
func TestTruncatedEventOneAnswer(t *testing.T) {
	b := newBridge(t, nil)
	ev, n := name(t, "-ev"), name(t, "")
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)
	b.create(createBody(n, 64, ""))
	if err := os.Truncate(filepath.Join(shm.ShmDir, strings.TrimPrefix(ev, `Local\`)), 0); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, path string }{
		{"POST", eventPath(ev, "/set")},
		{"POST", eventPath(ev, "/pulse")},
		{"POST", eventPath(ev, "/wait?timeout=2s")},
		{"GET", path(n, "/data?wait="+url.QueryEscape(ev)+"&timeout=2s")},
	} {
		resp, data := b.do(r.method, r.path, nil)
		expect(t, resp, data, 500)
		wantProblem(t, data, "fault", "truncated")
	}
	resp, data := b.do("GET", "/healthz", nil)
	expect(t, resp, data, 200)
}
