//go:build !nospec

package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/web"
)

// TestEveryRouteNeedsToken walks every operation in openapi.yaml (and a route outside it): without a token, or
// with a wrong one, each answers 401 with WWW-Authenticate, GETs included; only GET /healthz, the
// dashboard's files, the spec and the API page (public: the repository's own, showing no mapping) answer.
func TestEveryRouteNeedsToken(t *testing.T) {
	pages := testutil.TempDir(t)
	os.WriteFile(filepath.Join(pages, "index.html"), []byte("<!doctype html>"), 0o600)
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Dashboard, c.Pages = web.FS, os.DirFS(pages) })
	public := map[string]bool{"/healthz": true, "/": true, "/ui/app.js": true, "/openapi.yaml": true, "/docs": true, "/docs/swagger-ui.css": true, "/pages/index.html": true}
	n := name(t, "")
	b.create(createBody(n, 16, ""))

	spec, _ := os.ReadFile("../openapi.yaml")
	doc, _ := libopenapi.NewDocument(spec)
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	params := strings.NewReplacer("{name}", strings.ReplaceAll(path(n), "/v1/mappings/", ""), "{asset}", "swagger-ui.css", "{file}", "app.js", "{path}", "index.html")
	routes := [][2]string{{"GET", "/no/such/route"}}
	for p, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			routes = append(routes, [2]string{strings.ToUpper(method), params.Replace(p)})
		}
	}
	if len(routes) < 12 {
		t.Fatalf("only %d routes found in openapi.yaml", len(routes))
	}
	for _, r := range routes {
		for _, auth := range []string{"", "Bearer wrong-token", "Bearer " + testToken + "x", "Basic " + testToken} {
			hdr := []string{"Authorization", auth, "Invalid", "on purpose"}
			if r[0] == "POST" || r[0] == "PUT" {
				hdr = append(hdr, "Content-Type", "application/json")
			}
			resp, data := b.do(r[0], r[1], strings.NewReader("{}"), hdr...)
			if public[r[1]] && r[0] == "GET" {
				expect(t, resp, data, http.StatusOK)
				continue
			}
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(data), "urn:shmbridge:problem:unauthorized") ||
				resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with Authorization %q: %d %s", r[0], r[1], auth, resp.StatusCode, data)
			}
		}
	}
	// Nothing happened: the mapping is still there and empty.
	resp, data := b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
}
