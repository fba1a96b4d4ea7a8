package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestPages: -pages-dir's files at /pages/, public (no token), under the dashboard's Content-Security-Policy: a
// directory answers its index.html (without its slash, a redirect to it); nothing outside the directory (.., a
// link out of it), no hidden file; without -pages-dir, 404.
func TestPages(t *testing.T) {
	dir := testutil.TempDir(t)
	os.MkdirAll(filepath.Join(dir, "overlay"), 0o700)
	os.WriteFile(filepath.Join(dir, "overlay", "index.html"), []byte("<!doctype html><title>overlay</title>"), 0o600)
	os.WriteFile(filepath.Join(dir, "overlay", "overlay.js"), []byte("// js"), 0o600)
	os.WriteFile(filepath.Join(dir, "overlay", ".secret"), []byte("x"), 0o600)
	outside := filepath.Join(testutil.TempDir(t), "outside.txt")
	os.WriteFile(outside, []byte("not a page"), 0o600)
	linked := runtime.GOOS != "windows" && os.Symlink(outside, filepath.Join(dir, "overlay", "link.txt")) == nil
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Pages = root.FS() })
	b.client = &http.Client{} // the user's files, of paths of several segments, which OpenAPI cannot describe: no spec check
	noToken := []string{"Authorization", ""}
	for p, want := range map[string]int{"/pages/overlay/": 200, "/pages/overlay/index.html": 200, "/pages/overlay/overlay.js": 200,
		"/pages/overlay/.secret": 404, "/pages/%2e%2e/go.mod": 404, "/pages/nope.html": 404} {
		resp, data := b.do("GET", p, nil, noToken...)
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d: %s", p, resp.StatusCode, want, data)
		}
		if want == 200 && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", p, resp.Header.Get("Content-Security-Policy"))
		}
		if p == "/pages/overlay/" && !strings.Contains(string(data), "<title>overlay") {
			t.Errorf("%s: %s", p, data)
		}
	}
	if resp, data := b.do("GET", "/pages/overlay", nil, noToken...); resp.StatusCode != 200 || resp.Request.URL.Path != "/pages/overlay/" {
		t.Errorf("a directory without its slash: %d at %s: %s", resp.StatusCode, resp.Request.URL, data) // redirected to it
	}
	if resp, data := b.do("GET", "/pages/", nil, noToken...); resp.StatusCode != 404 {
		t.Errorf("/pages/: %d %s", resp.StatusCode, data)
	}
	if linked {
		if resp, data := b.do("GET", "/pages/overlay/link.txt", nil, noToken...); resp.StatusCode != 404 || strings.Contains(string(data), "not a page") {
			t.Errorf("a link out of the directory: %d %s", resp.StatusCode, data)
		}
	}
	none := newBridge(t, nil)
	if resp, data := none.do("GET", "/pages/overlay/", nil); resp.StatusCode != 404 || !strings.Contains(string(data), "-pages-dir") {
		t.Errorf("without -pages-dir: %d %s", resp.StatusCode, data)
	}
}
