package api_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/web"
)

// TestEveryRouteNeedsToken walks every operation in openapi.yaml (and a route outside it): without a token, or
// with a wrong one, each answers 401 with WWW-Authenticate, GETs included; only GET /healthz, the
// dashboard's files, the spec and the API page (public: the repository's own, showing no mapping) answer.
func TestEveryRouteNeedsToken(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Dashboard = web.FS })
	public := map[string]bool{"/healthz": true, "/": true, "/ui/app.js": true, "/openapi.yaml": true, "/docs": true, "/docs/swagger-ui.css": true}
	n := name(t, "")
	b.create(createBody(n, 16, ""))

	spec, _ := os.ReadFile("../openapi.yaml")
	doc, _ := libopenapi.NewDocument(spec)
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	params := strings.NewReplacer("{name}", strings.ReplaceAll(path(n), "/v1/mappings/", ""), "{asset}", "swagger-ui.css", "{file}", "app.js")
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

// TestPageLogin: /docs?token= and /?token= (the dashboard) set an HttpOnly, SameSite=Strict cookie and
// redirect to the page without the token; the API then answers the cookie alone; a wrong token sets nothing
// (the pages are public: the dashboard then explains the 401s of its API calls).
func TestPageLogin(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Dashboard = web.FS })
	noRedirect := &http.Client{Transport: b.client.Transport, // spec-checked, and sends no bearer token here
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(url string, cookies ...*http.Cookie) (*http.Response, error) {
		// Cookie and ?token= logins are described in prose, not as security schemes (see api/doc.go): outside
		// the spec, so only the responses are checked.
		ctx := context.WithValue(context.WithValue(context.Background(), noTokenKey{}, true), invalidKey{}, true)
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		return noRedirect.Do(req)
	}
	for _, page := range []struct {
		path      string
		withToken []string
	}{
		{"/docs", []string{"/v1/mappings", "/v1/events"}},
		{"/", []string{"/v1/mappings", "/v1/os/objects"}},
	} {
		resp, err := get(b.base + page.path + "?token=wrong")
		if err != nil || resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
			t.Fatalf("%s, wrong token: %v %v %v", page.path, resp.StatusCode, resp.Cookies(), err)
		}
		resp, err = get(b.base + page.path + "?token=" + testToken)
		if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page.path {
			t.Fatalf("%s login: %v %v", page.path, resp.Status, err)
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 || cookies[0].Name != api.TokenCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
			t.Fatalf("%s login cookie: %+v", page.path, cookies)
		}
		for _, p := range page.withToken {
			resp, err := get(b.base+p, cookies[0])
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("%s with the cookie: %v %v", p, resp.Status, err)
			}
		}
	}
}

// TestCookieOnlyFromOwnPages: the login cookie authenticates requests from the daemon's own pages (and typed
// URLs), whatever the method; a page on another localhost port (same-site, so the browser sends the cookie)
// gets 403 cross-origin, even for a GET. A bearer token is not affected.
func TestCookieOnlyFromOwnPages(t *testing.T) {
	b := newBridge(t, nil)
	get := func(site string, cookie bool) int {
		ctx := context.WithValue(context.Background(), invalidKey{}, true) // Sec-Fetch-Site and the cookie are outside the spec
		if cookie {
			ctx = context.WithValue(ctx, noTokenKey{}, true)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/v1/mappings", nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: api.TokenCookie, Value: testToken})
		}
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for site, want := range map[string]int{"": 200, "same-origin": 200, "none": 200, "same-site": 403, "cross-site": 403} {
		if got := get(site, true); got != want {
			t.Errorf("cookie, Sec-Fetch-Site %q: %d, want %d", site, got, want)
		}
		if got := get(site, false); got != 200 {
			t.Errorf("bearer token, Sec-Fetch-Site %q: %d, want 200", site, got)
		}
	}
}
