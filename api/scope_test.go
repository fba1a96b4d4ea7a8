package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/shm"
)

// routeClasses is who may use each route: public (anyone), read (scoped tokens of either kind, for their
// mappings), write (write tokens, for their mappings), unscoped (a write token for "*" only), admin (the main
// token and its sessions). Every route of the router must have a row: a new route without one fails
// TestRouteClasses.
var routeClasses = map[string]string{
	"GET /healthz": "public", "GET /": "public", "GET /ui/{file}": "public", "GET /openapi.yaml": "public",
	"GET /docs": "public", "GET /docs/{asset}": "public", "POST /v1/sessions": "public", "GET /pages/*": "public",

	"GET /v1/mappings": "read", "GET /v1/mappings/{name}": "read", "GET /v1/mappings/{name}/data": "read",
	"GET /v1/mappings/{name}/watch": "read", "GET /v1/watch": "read", "GET /v1/mappings/{name}/fields": "read",
	"GET /v1/layouts": "read", "GET /v1/layouts/{id}": "read",

	"GET /metrics": "write", "DELETE /v1/mappings/{name}": "write", "PUT /v1/mappings/{name}/data": "write",
	"POST /v1/mappings/{name}/flush": "write", "PATCH /v1/mappings/{name}": "write",
	"PATCH /v1/mappings/{name}/fields": "write", "POST /v1/mappings/{name}/decode": "write",
	"PUT /v1/layouts/{id}": "write", "POST /v1/layouts/convert": "write", "DELETE /v1/layouts/{id}": "write",
	"POST /v1/events": "write", "GET /v1/events": "write", "GET /v1/events/{name}": "write",
	"DELETE /v1/events/{name}": "write", "POST /v1/events/{name}/set": "write", "POST /v1/events/{name}/reset": "write",
	"POST /v1/events/{name}/pulse": "write", "POST /v1/events/{name}/wait": "write",
	"POST /v1/mutexes": "write", "GET /v1/mutexes": "write", "GET /v1/mutexes/{name}": "write",
	"DELETE /v1/mutexes/{name}": "write", "POST /v1/mutexes/{name}/acquire": "write",
	"POST /v1/mutexes/{name}/release": "write",

	"POST /v1/mappings": "unscoped", "GET /v1/os/objects": "unscoped",
	"POST /v1/mappings/{name}/replay": "unscoped", "GET /v1/mappings/{name}/replay": "unscoped",
	"DELETE /v1/mappings/{name}/replay": "unscoped",
	"POST /v1/publishers":               "unscoped", "GET /v1/publishers": "unscoped", "GET /v1/publishers/{id}": "unscoped",
	"DELETE /v1/publishers/{id}": "unscoped",
	"POST /v1/recordings":        "unscoped", "GET /v1/recordings": "unscoped", "GET /v1/recordings/{id}": "unscoped",
	"DELETE /v1/recordings/{id}": "unscoped", "POST /v1/recordings/{id}/stop": "unscoped",
	"GET /v1/recordings/{id}/fields": "unscoped",

	"DELETE /v1/sessions/current": "admin", "POST /v1/tokens": "admin", "GET /v1/tokens": "admin",
	"DELETE /v1/tokens/{id}": "admin", "GET /v1/mqtt": "admin", "PUT /v1/mqtt": "admin", "DELETE /v1/mqtt": "admin",
	"POST /v1/mirrors": "admin", "GET /v1/mirrors": "admin", "GET /v1/mirrors/{id}": "admin", "DELETE /v1/mirrors/{id}": "admin",
	"GET /v1/demo": "admin", "POST /v1/demo": "admin", "DELETE /v1/demo": "admin",
}

// credential is one kind of credential a request of the table carries.
type credential struct {
	kind   string
	header string // Authorization
	query  string // access_token=
}

// outcome is what authorization answers: 401, 403 (out-of-scope), or neither (the handler ran).
type outcome string

const (
	refused   outcome = "401"
	forbidden outcome = "403"
	passes    outcome = "passes"
)

// TestRouteClasses tries every route of the router with every kind of credential, and asserts only what
// authorization answers: 401 unauthorized, 403 out-of-scope, or neither (the handler ran, whatever it said).
func TestRouteClasses(t *testing.T) {
	tokens, _ := scope.Open("", 0)
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Tokens = tokens })
	mine, other := name(t, ""), name(t, "-other")
	b.create(createBody(mine, 16, ""))
	b.create(createBody(other, 16, ""))
	t.Cleanup(func() { shm.Unlink(mine) }) // DELETE /v1/mappings/{name} closes it without unlinking it
	mint := func(kind scope.Kind, glob string, expires, now time.Time) string {
		t.Helper()
		_, text, err := tokens.Create(scope.Spec{Name: "table", Scope: kind, Mappings: []string{glob}, Expires: expires}, now)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	now := time.Now()
	read, write := mint(scope.Read, mine, time.Time{}, now), mint(scope.Write, mine, time.Time{}, now)
	expired := mint(scope.Read, mine, now.Add(-time.Hour), now.Add(-2*time.Hour))
	revoked := mint(scope.Read, mine, time.Time{}, now)
	revokeText(t, tokens, revoked)
	creds := []credential{
		{kind: "none"},
		{kind: "main", header: "Bearer " + testToken},
		{kind: "session"}, // a fresh session for each request: DELETE /v1/sessions/current ends the one it carries
		{kind: "write", header: "Bearer " + write},
		{kind: "read", header: "Bearer " + read},
		{kind: "read-other", header: "Bearer " + mint(scope.Read, other, time.Time{}, now)},
		{kind: "read-in-query", query: read},
		{kind: "write-in-query", query: write},
		{kind: "main-in-query", query: testToken},
		{kind: "expired", header: "Bearer " + expired},
		{kind: "revoked", header: "Bearer " + revoked},
	}
	secrets := []string{read, write, expired, revoked, testToken}

	var routes [][2]string
	err := chi.Walk(b.handler.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, [2]string{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	cases := 0
	for _, rt := range routes {
		key := rt[0] + " " + rt[1]
		seen[key] = true
		class, ok := routeClasses[key]
		if !ok {
			t.Errorf("%s has no row in routeClasses: say who may use it", key)
			continue
		}
		for _, c := range creds {
			want := expected(class, c, rt[0], rt[1])
			got, status, body := b.authOutcome(t, rt[0], rt[1], mine, c)
			cases++
			if got != want {
				t.Errorf("%s with %s: %s (%d %s), want %s", key, c.kind, got, status, body, want)
			}
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s with %s: the answer holds a secret: %s", key, c.kind, body)
				}
			}
			if strings.HasSuffix(c.kind, "-in-query") && c.kind != "read-in-query" && got == refused &&
				!strings.Contains(body, "Authorization: Bearer") {
				t.Errorf("%s with %s: the 401 does not say to send Authorization: Bearer: %s", key, c.kind, body)
			}
		}
	}
	for key := range routeClasses {
		if !seen[key] {
			t.Errorf("routeClasses has a row for %s, which the router does not have", key)
		}
	}
	t.Logf("%d routes × %d kinds of credential: %d cases", len(routes), len(creds), cases)
	if len(routes) < 58 {
		t.Fatalf("only %d routes walked", len(routes))
	}
}

// revokeText revokes the token whose text is text.
func revokeText(t *testing.T, tokens *scope.Store, text string) {
	t.Helper()
	g, err := tokens.Check(text, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(g.ID); err != nil {
		t.Fatal(err)
	}
}

// expected is what authorization answers a request of route (method, pattern), of class, with c.
func expected(class string, c credential, method, pattern string) outcome {
	namesMapping := strings.HasPrefix(pattern, "/v1/mappings/{name}") || pattern == "/v1/watch"
	switch {
	case class == "public":
		return passes // a public route looks at no credential (a bad one included)
	case c.kind == "main" || c.kind == "session":
		return passes
	case c.kind == "none", c.kind == "expired", c.kind == "revoked", c.kind == "write-in-query", c.kind == "main-in-query":
		return refused
	case c.kind == "read-in-query" && method != "GET":
		return refused
	case class == "admin", class == "unscoped": // the write token's glob is one mapping's, not "*"
		return forbidden
	case c.kind == "write":
		return passes // its mapping, or a route that names none
	case class != "read":
		return forbidden
	case c.kind == "read-other" && namesMapping:
		return forbidden
	}
	return passes // a read token on a read route: its mapping, a list (of what it may see), a built-in layout
}

// authOutcome sends a request of the route (method, pattern) with c, mapping in its {name}, and answers what
// authorization said, the status and the problem's body (a 200 is not read: it may be a stream).
func (b *bridge) authOutcome(t *testing.T, method, pattern, mapping string, c credential) (outcome, int, string) {
	t.Helper()
	p := strings.NewReplacer("{file}", "app.js", "{asset}", "index.html", "{id}", "nosuch").Replace(pattern)
	switch {
	case strings.HasPrefix(pattern, "/v1/mappings/{name}"):
		p = strings.Replace(p, "{name}", url.PathEscape(mapping), 1)
	case strings.Contains(pattern, "{name}"):
		p = strings.Replace(p, "{name}", "nosuch", 1)
	case pattern == "/v1/layouts/{id}":
		p = "/v1/layouts/acc_physics" // built in
	}
	q := url.Values{}
	if pattern == "/v1/watch" {
		q.Set("mapping", mapping)
	}
	if c.query != "" {
		q.Set("access_token", c.query)
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	body := `{}`
	if pattern == "/v1/sessions" {
		body = `{"token": "x", "code": "y"}` // 400 whoever asks: a login that makes nothing
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, b.base+p, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	switch {
	case c.kind == "session":
		req.Header.Set("Authorization", "Bearer "+b.session(t))
	case c.header != "":
		req.Header.Set("Authorization", c.header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, pattern, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 300 {
		return passes, resp.StatusCode, ""
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var prob api.Problem
	json.Unmarshal(data, &prob)
	switch {
	case resp.StatusCode == 401 && prob.Type == api.ProblemTypePrefix+"unauthorized":
		return refused, resp.StatusCode, string(data)
	case resp.StatusCode == 403 && prob.Type == api.ProblemTypePrefix+"out-of-scope":
		return forbidden, resp.StatusCode, string(data)
	}
	return passes, resp.StatusCode, string(data)
}

// session is a new session credential, made with the main token.
func (b *bridge) session(t *testing.T) string {
	t.Helper()
	resp, data := b.do("POST", "/v1/sessions", strings.NewReader(`{"token": "`+testToken+`"}`), "Content-Type", "application/json")
	expect(t, resp, data, 201)
	var s api.Session
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s.Session
}
