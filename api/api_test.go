package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// bridge is a daemon under test: the real handler on a real loopback listener.
type bridge struct {
	t      testing.TB
	base   string
	reg    *registry.Registry
	client *http.Client // validates every request and response against openapi.yaml
	// handler is the API's handler, the router (chi.Walk lists its routes).
	handler http.Handler
}

func newBridge(t testing.TB, root *os.Root) *bridge {
	t.Helper()
	return newBridgeWith(t, root, func(*api.Config, *registry.Registry) {})
}

// testToken is the bearer token of every test daemon; the test client sends it unless told otherwise.
const testToken = "test-token-0123456789abcdef"

// newBridgeWith lets the test change the daemon's configuration.
func newBridgeWith(t testing.TB, root *os.Root, configure func(*api.Config, *registry.Registry)) *bridge {
	t.Helper()
	reg := registry.New(root)
	srv := httptest.NewUnstartedServer(nil)
	spec, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Config{Hosts: api.LoopbackHosts(srv.Listener.Addr().String()), Spec: spec, Token: testToken}
	configure(&cfg, reg)
	srv.Config.Handler = api.New(reg, cfg)
	srv.Start()
	b := &bridge{t: t, base: srv.URL, reg: reg, client: &http.Client{Transport: newSpecCheck(t, http.DefaultTransport)}, handler: srv.Config.Handler}
	t.Cleanup(func() {
		srv.Close()
		for _, e := range reg.Mappings() {
			reg.CloseMapping(e.Name(), true)
		}
		for _, e := range reg.Events() {
			reg.CloseEvent(e.Name(), true)
		}
		for _, m := range reg.Mutexes() {
			reg.CloseMutex(m.Name(), true)
		}
	})
	return b
}

// native opens the mapping called name as another program would, with a view of its own: what it writes goes
// below the daemon's registry (only a watch stream's sampler sees it).
func native(t testing.TB, name string) *shm.Mapping {
	t.Helper()
	v, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// name returns a mapping name unique to this process and test.
func name(t testing.TB, suffix string) string {
	return fmt.Sprintf(`Local\shmbridge-api-%d-%s%s`, os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"), suffix)
}

func path(name string, rest ...string) string {
	return "/v1/mappings/" + url.PathEscape(name) + strings.Join(rest, "")
}

// do sends a request; hdr holds header name/value pairs ("Invalid", "on purpose" marks a request that does not
// match the spec; "Authorization", "" sends no token, "Authorization", X sends X). A PUT body is application/octet-stream unless hdr says otherwise. It returns the response
// with its body read.
func (b *bridge) do(method, p string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+p, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if method == "PUT" {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Authorization" {
			req.Header.Del("Authorization")
			if hdr[i+1] != "" {
				req.Header.Set("Authorization", hdr[i+1])
			}
			req = req.WithContext(context.WithValue(req.Context(), noTokenKey{}, true))
		} else if hdr[i] == "Invalid" {
			req = invalidOnPurpose(req)
		} else if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, data
}

func (b *bridge) create(body string) api.Mapping {
	b.t.Helper()
	resp, data := b.do("POST", "/v1/mappings", strings.NewReader(body), "Content-Type", "application/json")
	if resp.StatusCode != http.StatusCreated {
		b.t.Fatalf("create %s: %d %s", body, resp.StatusCode, data)
	}
	var m api.Mapping
	if err := json.Unmarshal(data, &m); err != nil {
		b.t.Fatal(err)
	}
	return m
}

func createBody(name string, size int64, extra string) string {
	n, _ := json.Marshal(name)
	return fmt.Sprintf(`{"name":%s,"size":%d%s}`, n, size, extra)
}

func expect(t *testing.T, resp *http.Response, data []byte, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, data)
	}
}

func TestMappingLifecycle(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	resp, data := b.do("POST", "/v1/mappings", strings.NewReader(createBody(n, 64, "")), "Content-Type", "application/json")
	expect(t, resp, data, 201)
	if loc := resp.Header.Get("Location"); loc != path(n) {
		t.Errorf("Location %q, want %q", loc, path(n))
	}
	var m api.Mapping
	json.Unmarshal(data, &m)
	if m.Name != n || m.Size == nil || *m.Size != 64 || m.MappedSize < 64 || m.Access != "read_write" ||
		m.Backing != "pagefile" || !m.Created || m.OpenedAt.IsZero() || m.LastWriteAt != nil {
		t.Fatalf("created mapping: %s", data)
	}

	resp, data = b.do("PUT", path(n, "/data?offset=4"), strings.NewReader("hello"))
	expect(t, resp, data, 200)
	if string(data) != `{"offset":4,"bytes_written":5}`+"\n" {
		t.Errorf("PUT answered %s", data)
	}
	resp, data = b.do("GET", path(n, "/data?offset=4&length=5"), nil)
	expect(t, resp, data, 200)
	if string(data) != "hello" || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("GET = %q (%s)", data, resp.Header.Get("Content-Type"))
	}
	resp, data = b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	if len(data) != 64 || !bytes.Equal(data[4:9], []byte("hello")) {
		t.Errorf("whole GET: %d bytes %q", len(data), data[:9])
	}
	resp, data = b.do("GET", path(n, "/data"), nil, "Range", "bytes=5-7")
	expect(t, resp, data, 206)
	if string(data) != "ell" || resp.Header.Get("Content-Range") != "bytes 5-7/64" {
		t.Errorf("Range: %q %s", data, resp.Header.Get("Content-Range"))
	}
	resp, data = b.do("GET", path(n, "/data"), nil, "Range", "bytes=-2")
	expect(t, resp, data, 206)
	if len(data) != 2 || resp.Header.Get("Content-Range") != "bytes 62-63/64" {
		t.Errorf("suffix Range: %q %s", data, resp.Header.Get("Content-Range"))
	}
	resp, data = b.do("GET", path(n, "/data"), nil, "Range", "bytes=64-")
	expect(t, resp, data, 416)
	if resp.Header.Get("Content-Range") != "bytes */64" {
		t.Errorf("416 Content-Range %q", resp.Header.Get("Content-Range"))
	}

	// Text: UTF-8 and UTF-16LE, up to the first NUL.
	resp, data = b.do("PUT", path(n, "/data?offset=16&encoding=utf-16le&nul=true"), strings.NewReader("Grüße, 世界"), "Content-Type", "text/plain; charset=utf-8")
	expect(t, resp, data, 200)
	if !strings.Contains(string(data), `"bytes_written":20`) { // 9 UTF-16 code units + NUL
		t.Errorf("utf-16le PUT: %s", data)
	}
	resp, data = b.do("GET", path(n, "/data?offset=16&as=text&encoding=utf-16le"), nil)
	expect(t, resp, data, 200)
	if string(data) != "Grüße, 世界" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; charset=utf-8") {
		t.Errorf("utf-16le text = %q (%s)", data, resp.Header.Get("Content-Type"))
	}
	resp, data = b.do("GET", path(n, "/data?offset=4&as=text"), nil) // utf-8 is the default; stops at NUL
	expect(t, resp, data, 200)
	if string(data) != "hello" {
		t.Errorf("utf-8 text = %q", data)
	}
	resp, data = b.do("PUT", path(n, "/data?offset=40&encoding=utf-8&nul=true"), strings.NewReader("ünïcode"))
	expect(t, resp, data, 200)
	resp, data = b.do("GET", path(n, "/data?offset=40&as=text&encoding=utf-8"), nil)
	if string(data) != "ünïcode" {
		t.Errorf("utf-8 round trip = %q", data)
	}

	resp, data = b.do("GET", path(n), nil)
	expect(t, resp, data, 200)
	json.Unmarshal(data, &m)
	if m.LastWriteAt == nil || m.BytesWritten != 5+20+10 || m.BytesRead == 0 {
		t.Errorf("stats after writes: %s", data)
	}
	resp, data = b.do("GET", "/v1/mappings", nil)
	expect(t, resp, data, 200)
	var list []api.Mapping
	if json.Unmarshal(data, &list); len(list) != 1 || list[0].Name != n {
		t.Errorf("list: %s", data)
	}
	resp, data = b.do("POST", path(n, "/flush"), nil)
	expect(t, resp, data, 204)
	resp, data = b.do("DELETE", path(n, "?unlink=true"), nil)
	expect(t, resp, data, 204)
	resp, data = b.do("GET", path(n), nil)
	expect(t, resp, data, 404)
	resp, data = b.do("GET", "/healthz", nil)
	expect(t, resp, data, 200)
}

// TestOpenExistingOverHTTP: one bridge creates, another (with its own registry, like a second program) opens
// the same object read-only and sees the bytes; its size is what the OS reports.
func TestOpenExistingOverHTTP(t *testing.T) {
	a, b := newBridge(t, nil), newBridge(t, nil)
	n := name(t, "")
	a.create(createBody(n, 100, ""))
	a.do("PUT", path(n, "/data"), strings.NewReader("shared"))
	m := b.create(createBody(n, 0, `,"mode":"open","access":"read"`))
	if m.Created || m.Size != nil || m.MappedSize < 100 || m.Access != "read" {
		t.Fatalf("opened: %+v", m)
	}
	resp, data := b.do("GET", path(n, "/data?length=6"), nil)
	expect(t, resp, data, 200)
	if string(data) != "shared" {
		t.Fatalf("second bridge reads %q", data)
	}
	m = b.create(createBody(n+"x", 100, `,"mode":"open_or_create"`))
	if !m.Created {
		t.Fatalf("open_or_create of a new name did not create")
	}
}

func TestErrorResponses(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 16, ""))
	ro := name(t, "-ro")
	b.create(createBody(ro, 16, ""))
	b2 := newBridge(t, nil) // a second daemon, to open ro read-only
	b2.create(createBody(ro, 0, `,"mode":"open","access":"read"`))
	js := []string{"Content-Type", "application/json"}
	jsInvalid := []string{"Content-Type", "application/json", "Invalid", "on purpose"}
	invalid := []string{"Invalid", "on purpose"}

	cases := []struct {
		label        string
		b            *bridge
		method, path string
		body         string
		hdr          []string
		status       int
		kind         string
	}{
		{"bad JSON", b, "POST", "/v1/mappings", `{"name":`, jsInvalid, 400, "invalid-request"},
		{"unknown field", b, "POST", "/v1/mappings", `{"name":"x","size":1,"colour":1}`, jsInvalid, 400, "invalid-request"},
		{"bad mode", b, "POST", "/v1/mappings", `{"name":"x","size":1,"mode":"maybe"}`, jsInvalid, 400, "invalid-request"},
		{"bad access", b, "POST", "/v1/mappings", `{"name":"x","size":1,"access":"all"}`, jsInvalid, 400, "invalid-request"},
		{"no size", b, "POST", "/v1/mappings", `{"name":"x"}`, jsInvalid, 400, "invalid-request"},
		{"slash in name", b, "POST", "/v1/mappings", `{"name":"a/b","size":1}`, js, 400, "invalid-name"},
		{"dot-dot name", b, "POST", "/v1/mappings", `{"name":"Local\\..","size":1}`, js, 400, "invalid-name"},
		{"slash in URL name", b, "GET", "/v1/mappings/a%2Fb", "", invalid, 400, "invalid-name"},
		{"bad offset", b, "GET", path(n, "/data?offset=-1"), "", invalid, 400, "invalid-request"},
		{"bad length", b, "GET", path(n, "/data?length=x"), "", invalid, 400, "invalid-request"},
		{"range and offset", b, "GET", path(n, "/data?offset=1"), "", []string{"Range", "bytes=0-1"}, 400, "invalid-request"},
		{"bad as", b, "GET", path(n, "/data?as=json"), "", invalid, 400, "invalid-request"},
		{"bad encoding", b, "GET", path(n, "/data?as=text&encoding=ebcdic"), "", invalid, 400, "invalid-request"},
		{"nul without encoding", b, "PUT", path(n, "/data?nul=true"), "x", nil, 400, "invalid-request"},
		{"invalid UTF-8 text", b, "PUT", path(n, "/data?encoding=utf-16le"), "\xff\xfe", nil, 400, "invalid-request"},
		{"bad unlink", b, "DELETE", path(n, "?unlink=perhaps"), "", invalid, 400, "invalid-request"},
		{"foreign Host", b, "GET", "/healthz", "", []string{"Host", "evil.example:80"}, 403, "host-not-allowed"},
		{"files disabled", b, "POST", "/v1/mappings", `{"name":"f","size":1,"file":"a.bin"}`, js, 403, "access-denied"},
		{"open missing", b, "POST", "/v1/mappings", `{"name":"shmbridge-api-missing-x","mode":"open"}`, js, 404, "not-found"},
		{"unknown mapping", b, "GET", path("nope"), "", nil, 404, "not-found"},
		{"unknown mapping data", b, "PUT", path("nope", "/data"), "x", nil, 404, "not-found"},
		{"unknown route", b, "GET", "/v2/whatever", "", nil, 404, "not-found"},
		{"wrong method", b, "PUT", path(n), "", nil, 405, "method-not-allowed"},
		{"create existing", b, "POST", "/v1/mappings", createBody(n, 16, ""), js, 409, "exists"},
		{"create existing elsewhere", b2, "POST", "/v1/mappings", createBody(n, 16, ""), js, 409, "exists"},
		{"too small", b2, "POST", "/v1/mappings", createBody(n, 1<<30, `,"mode":"open"`), js, 409, "too-small"},
		{"write read-only", b2, "PUT", path(ro, "/data"), "x", nil, 409, "read-only"},
		{"too large", b, "PUT", path(n, "/data?offset=10"), "0123456789", nil, 413, "too-large"},
		{"offset past end", b, "PUT", path(n, "/data?offset=17"), "", nil, 413, "too-large"},
		{"text too large", b, "PUT", path(n, "/data?encoding=utf-16le&nul=true"), "12345678", nil, 413, "too-large"},
		{"PUT latin-1 text", b, "PUT", path(n, "/data"), "x", []string{"Content-Type", "text/plain; charset=iso-8859-1"}, 415, "unsupported-media-type"},
		{"PUT form", b, "PUT", path(n, "/data"), "x", []string{"Content-Type", "application/x-www-form-urlencoded", "Invalid", "on purpose"}, 415, "unsupported-media-type"},
		{"text", b, "POST", "/v1/mappings", createBody("t", 1, ""), []string{"Content-Type", "text/plain", "Invalid", "on purpose"}, 403, "cross-origin"},
		{"form", b, "POST", "/v1/mappings", createBody("t", 1, ""), []string{"Content-Type", "application/x-www-form-urlencoded", "Invalid", "on purpose"}, 403, "cross-origin"},
		{"multipart", b, "POST", "/v1/mappings", createBody("t", 1, ""), []string{"Content-Type", "multipart/form-data; boundary=x", "Invalid", "on purpose"}, 403, "cross-origin"},
		{"xml", b, "POST", "/v1/mappings", createBody("t", 1, ""), []string{"Content-Type", "application/xml", "Invalid", "on purpose"}, 415, "unsupported-media-type"},
		{"text/plain flush", b, "POST", path(n, "/flush"), "x", []string{"Content-Type", "text/plain"}, 403, "cross-origin"},
		{"cross-site POST", b, "POST", "/v1/mappings", createBody("t", 1, ""), []string{"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403, "cross-origin"},
		{"cross-site DELETE", b, "DELETE", path(n), "", []string{"Origin", "https://evil.example"}, 403, "cross-origin"},
		{"read past end", b, "GET", path(n, "/data?offset=10&length=7"), "", nil, 416, "out-of-range"},
		{"offset past end read", b, "GET", path(n, "/data?offset=17"), "", nil, 416, "out-of-range"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			resp, data := c.b.do(c.method, c.path, body, c.hdr...)
			expect(t, resp, data, c.status)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q", ct)
			}
			var p api.Problem
			if err := json.Unmarshal(data, &p); err != nil || p.Type != api.ProblemTypePrefix+c.kind ||
				p.Status != c.status || p.Title == "" || p.Detail == "" || p.Instance == "" {
				t.Fatalf("problem %s (%v), want kind %s", data, err, c.kind)
			}
		})
	}
	// Nothing was written by the refused PUTs.
	resp, data := b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	if !bytes.Equal(data, make([]byte, 16)) {
		t.Errorf("refused writes changed the mapping: %q", data)
	}
}

func TestLengthRequired(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 16, ""))
	// A body of unknown length goes out chunked.
	resp, data := b.do("PUT", path(n, "/data"), io.MultiReader(strings.NewReader("ab"), strings.NewReader("cd")))
	expect(t, resp, data, 411)
}

func TestNamesInURLs(t *testing.T) {
	b := newBridge(t, nil)
	for _, n := range []string{name(t, " with spaces"), name(t, "-Grüße-日本"), name(t, "-100%"), fmt.Sprintf("shmbridge-api-bare-%d", os.Getpid())} {
		m := b.create(createBody(n, 8, ""))
		if m.Name != n {
			t.Errorf("created %q, shown as %q", n, m.Name)
		}
		resp, data := b.do("PUT", path(n, "/data"), strings.NewReader("12345678"))
		expect(t, resp, data, 200)
		resp, data = b.do("GET", path(n, "/data"), nil)
		expect(t, resp, data, 200)
		if string(data) != "12345678" {
			t.Errorf("%q: read %q", n, data)
		}
	}
	// A bare name and its Local\ spelling are one object.
	bare := fmt.Sprintf("shmbridge-api-bare-%d", os.Getpid())
	resp, data := b.do("GET", path(`Local\`+bare), nil)
	expect(t, resp, data, 200)
}

func TestFileBackedOverHTTP(t *testing.T) {
	dir := testutil.TempDir(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	b := newBridge(t, root)
	n := name(t, "")
	m := b.create(createBody(n, 4096, `,"file":"data.bin"`))
	if m.Backing != "file" || m.File != "data.bin" {
		t.Fatalf("file-backed: %+v", m)
	}
	b.do("PUT", path(n, "/data?offset=10"), strings.NewReader("on disk"))
	resp, data := b.do("POST", path(n, "/flush"), nil)
	expect(t, resp, data, 204)
	disk, _ := os.ReadFile(filepath.Join(dir, "data.bin"))
	if len(disk) != 4096 || string(disk[10:17]) != "on disk" {
		t.Fatalf("file holds %d bytes", len(disk))
	}
	b.do("DELETE", path(n), nil)
	// Out of the files root is forbidden: 403 access-denied, saying so (a symbolic link out, too: Linux; under
	// Wine os.Symlink makes no link an os.Root can see).
	bads := []string{"../x.bin", "/etc/passwd", "a/../../x.bin"}
	if runtime.GOOS == "linux" {
		os.Symlink("/etc/passwd", filepath.Join(dir, "out.bin"))
		bads = append(bads, "out.bin")
	}
	for _, bad := range bads {
		resp, data = b.do("POST", "/v1/mappings", strings.NewReader(createBody(n, 10, fmt.Sprintf(`,"file":%q,"mode":"open_or_create"`, bad))), "Content-Type", "application/json")
		if resp.StatusCode != 403 || !strings.Contains(string(data), "outside the files root") {
			t.Errorf("file %q: %d %s", bad, resp.StatusCode, data)
		}
	}
}

// TestStorm: concurrent creates, writes, reads and closes of a few names. Every answer is a success, 404 or
// 409, and the daemon serves afterwards. Run under -race in CI.
func TestStorm(t *testing.T) {
	b := newBridge(t, nil)
	names := []string{name(t, "-a"), name(t, "-b"), name(t, "-c")}
	// 256 KiB a mapping: each transfer spans many of the copy's buffers, so deletes land mid-transfer; larger
	// only moves more bytes (1 MiB took a minute under -race on two cores).
	const workers, ops, size = 8, 150, 256 << 10
	var wg sync.WaitGroup
	bad := make(chan string, workers*ops)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			client := b.client
			for range ops {
				n := names[rng.IntN(len(names))]
				var req *http.Request
				switch rng.IntN(5) {
				case 0:
					req, _ = http.NewRequest("POST", b.base+"/v1/mappings", strings.NewReader(createBody(n, size, "")))
					req.Header.Set("Content-Type", "application/json")
				case 1:
					req, _ = http.NewRequest("DELETE", b.base+path(n, "?unlink=true"), nil)
				case 2:
					req, _ = http.NewRequest("PUT", b.base+path(n, "/data"), bytes.NewReader(make([]byte, size)))
					req.Header.Set("Content-Type", "application/octet-stream")
				default:
					req, _ = http.NewRequest("GET", b.base+path(n, "/data"), nil)
				}
				resp, err := client.Do(req)
				if err != nil {
					bad <- err.Error()
					continue
				}
				n64, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == 200 && req.Method == "GET" && (err != nil || n64 != size):
					bad <- fmt.Sprintf("GET: %d bytes, %v", n64, err)
				case resp.StatusCode == 200, resp.StatusCode == 201, resp.StatusCode == 204,
					resp.StatusCode == 404, resp.StatusCode == 409:
				default:
					bad <- fmt.Sprintf("%s %s: %d", req.Method, req.URL, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for msg := range bad {
		t.Error(msg)
	}
	resp, data := b.do("GET", "/healthz", nil)
	expect(t, resp, data, 200)
}

// pattern is an endless, allocation-free reader of predictable bytes: byte(off*31>>3) at each offset.
type pattern struct{ off int64 }

// patternTable holds two periods of the pattern: byte(off*31>>3) depends on off mod 2048 only (31 is odd), so
// a Read copies from it rather than computing each byte (a loop of byte stores is a race check each under
// -race: 2 GiB of them made TestLargeTransferFlatMemory take 90 s).
var patternTable = func() []byte {
	t := make([]byte, 2*2048)
	for i := range t {
		t[i] = byte(int64(i) * 31 >> 3)
	}
	return t
}()

func (p *pattern) Read(b []byte) (int, error) {
	for n := 0; n < len(b); {
		n += copy(b[n:], patternTable[(p.off+int64(n))%2048:])
	}
	p.off += int64(len(b))
	return len(b), nil
}

// TestLargeTransferFlatMemory writes and reads 1 GiB through the API: the process allocates a few MiB in
// all, not the size of the transfer.
func TestLargeTransferFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 2 GiB through loopback")
	}
	const size = 1 << 30
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, size, ""))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	req, _ := http.NewRequest("PUT", b.base+path(n, "/data"), io.LimitReader(&pattern{}, size))
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatalf("PUT 1 GiB: %v", err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("PUT 1 GiB: %s", resp.Status)
	}
	resp.Body.Close()
	resp, err = b.client.Get(b.base + path(n, "/data"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET 1 GiB: %v", err)
	}
	// Compare what comes back with the pattern, a chunk at a time.
	want, got := &pattern{}, make([]byte, 1<<20)
	exp := make([]byte, 1<<20)
	var total int64
	for {
		k, err := io.ReadFull(resp.Body, got)
		want.Read(exp[:k])
		if !bytes.Equal(got[:k], exp[:k]) {
			t.Fatalf("bytes differ near offset %d", total)
		}
		total += int64(k)
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if total != size {
		t.Fatalf("GET returned %d bytes", total)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MiB in all to move 2 GiB", float64(alloc)/(1<<20))
	if alloc > 64<<20 {
		t.Errorf("allocated %d MiB to move 2 GiB: transfers are buffered", alloc>>20)
	}
}

// TestPattern: pattern's reads, of any size and from any offset, give byte(off*31>>3) at each offset.
func TestPattern(t *testing.T) {
	p := &pattern{}
	var off int64
	for _, n := range []int{1, 7, 2047, 2048, 2049, 4095, 5000, 1 << 16} {
		b := make([]byte, n)
		p.Read(b)
		for i, c := range b {
			if want := byte((off + int64(i)) * 31 >> 3); c != want {
				t.Fatalf("byte %d: %#x, want %#x", off+int64(i), c, want)
			}
		}
		off += int64(n)
	}
}
