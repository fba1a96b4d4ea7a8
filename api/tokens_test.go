package api_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// token makes a scoped token through the API (with the main token) and answers it, its secret included.
func (b *bridge) token(t *testing.T, body string) api.NewToken {
	t.Helper()
	resp, data := b.do("POST", "/v1/tokens", strings.NewReader(body), "Content-Type", "application/json")
	expect(t, resp, data, 201)
	var tok api.NewToken
	if err := json.Unmarshal(data, &tok); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Location") != "/v1/tokens/"+tok.ID {
		t.Errorf("Location %q for token %s", resp.Header.Get("Location"), tok.ID)
	}
	return tok
}

func tokenBody(scope, glob string) string {
	g, _ := json.Marshal([]string{glob})
	return fmt.Sprintf(`{"name": "test", "scope": %q, "mappings": %s}`, scope, g)
}

// TestTokensManaged: a token is made (its secret shown once), listed without it (its last use once used),
// revoked at once (the next request with it 401, a second revoke 404); what a request may ask is bounded.
func TestTokensManaged(t *testing.T) {
	tokens, _ := scope.Open("", 3)
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Tokens = tokens })
	n := name(t, "")
	b.create(createBody(n, 16, ""))
	tok := b.token(t, tokenBody("read", n))
	if !strings.HasPrefix(tok.Secret, scope.ReadPrefix) || tok.Scope != "read" || tok.Name != "test" || tok.LastUsed != nil {
		t.Fatalf("made: %+v", tok)
	}
	resp, data := b.do("GET", path(n), nil, "Authorization", "Bearer "+tok.Secret)
	expect(t, resp, data, 200)
	resp, data = b.do("GET", "/v1/tokens", nil)
	expect(t, resp, data, 200)
	var list []api.Token
	json.Unmarshal(data, &list)
	if strings.Contains(string(data), tok.Secret) || strings.Contains(string(data), `"token"`) {
		t.Fatalf("the list holds the secret: %s", data)
	}
	if len(list) != 1 || list[0].ID != tok.ID || list[0].LastUsed == nil || list[0].Mappings[0] != n {
		t.Fatalf("list: %s", data)
	}
	resp, data = b.do("POST", "/v1/sessions", strings.NewReader(`{}`), "Content-Type", "application/json", "Authorization", "Bearer "+tok.Secret)
	expect(t, resp, data, 401) // a scoped token makes no session: a session is the main token's
	resp, data = b.do("DELETE", "/v1/tokens/"+tok.ID, nil)
	expect(t, resp, data, 204)
	resp, data = b.do("GET", path(n), nil, "Authorization", "Bearer "+tok.Secret)
	expect(t, resp, data, 401)
	resp, data = b.do("DELETE", "/v1/tokens/"+tok.ID, nil)
	expect(t, resp, data, 404)

	for _, bad := range []string{
		`{"name": "", "scope": "read", "mappings": ["*"]}`,
		`{"name": "` + strings.Repeat("n", scope.MaxName+1) + `", "scope": "read", "mappings": ["*"]}`,
		`{"name": "x", "scope": "admin", "mappings": ["*"]}`,
		`{"name": "x", "scope": "read", "mappings": []}`,
		`{"name": "x", "scope": "read", "mappings": ["` + strings.Repeat("g", scope.MaxGlob+1) + `"]}`,
		`{"name": "x", "scope": "read", "mappings": ["*"], "expires": "2001-01-01T00:00:00Z"}`,
	} {
		resp, data := b.do("POST", "/v1/tokens", strings.NewReader(bad), "Content-Type", "application/json", "Invalid", "on purpose")
		expect(t, resp, data, 400)
		wantProblem(t, data, "invalid-request")
	}
	for range 3 {
		b.token(t, tokenBody("write", "*"))
	}
	resp, data = b.do("POST", "/v1/tokens", strings.NewReader(tokenBody("read", "*")), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "limit-reached")
}

// TestReadTokenSeesItsOwn: a read token lists only its mappings, and the layouts built in or theirs by
// default; it may not take a mutex (lock=), name an event, or decode by a layout of another's; a write token
// writes its mappings, not another.
func TestReadTokenSeesItsOwn(t *testing.T) {
	b := newBridge(t, nil)
	mine, other := name(t, ""), name(t, "-other")
	b.create(createBody(mine, 64, ""))
	b.create(createBody(other, 64, ""))
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	b.putLayout(t, "private", strings.Replace(telemetryKsy, "id: telemetry", "id: private", 1), 201)
	for n, id := range map[string]string{mine: "telemetry", other: "private"} {
		resp, data := b.do("PATCH", path(n), strings.NewReader(`{"layout": "`+id+`"}`), "Content-Type", "application/json")
		expect(t, resp, data, 200)
	}
	read := "Bearer " + b.token(t, tokenBody("read", mine)).Secret

	resp, data := b.do("GET", "/v1/mappings", nil, "Authorization", read)
	expect(t, resp, data, 200)
	if ms := decode[[]api.Mapping](t, data); len(ms) != 1 || ms[0].Name != mine {
		t.Errorf("a read token's list of mappings: %s", data)
	}
	resp, data = b.do("GET", "/v1/layouts", nil, "Authorization", read)
	expect(t, resp, data, 200)
	ids := map[string]bool{}
	for _, l := range decode[[]api.LayoutSummary](t, data) {
		ids[l.ID] = true
	}
	if !ids["telemetry"] || !ids["acc_physics"] || ids["private"] {
		t.Errorf("a read token's list of layouts: %v", ids)
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{path(mine, "/fields"), 200},
		{path(mine, "/fields?layout=telemetry"), 200},
		{"/v1/layouts/telemetry", 200},
		{"/v1/layouts/acc_physics", 200},
		{"/v1/layouts/private", 403},
		{path(mine, "/fields?layout=private"), 403},
		{path(mine, "/data?lock=x"), 403},
		{path(mine, "/data?lock_timeout=1s"), 403},
		{path(mine, "/data?wait=e"), 403},
		{path(other, "/data"), 403},
		{path(other), 403},
	} {
		resp, data := b.do("GET", c.path, nil, "Authorization", read, "Invalid", "on purpose")
		expect(t, resp, data, c.status)
		if c.status == 403 {
			wantProblem(t, data, "out-of-scope")
		}
	}
	if st := b.watchStatus(t, path(mine, "/watch?event=e"), read); st != 403 {
		t.Errorf("a read token's watch on an event: %d, want 403", st)
	}
	if st := b.watchStatus(t, "/v1/watch?mapping="+url.QueryEscape(mine)+"&mapping="+url.QueryEscape(other), read); st != 403 {
		t.Errorf("a read token's watch of another mapping beside its own: %d, want 403", st)
	}

	write := "Bearer " + b.token(t, tokenBody("write", mine)).Secret
	resp, data = b.do("PUT", path(mine, "/data"), strings.NewReader("hi"), "Authorization", write)
	expect(t, resp, data, 200)
	resp, data = b.do("PUT", path(other, "/data"), strings.NewReader("hi"), "Authorization", write)
	expect(t, resp, data, 403)
	resp, data = b.do("POST", "/v1/tokens", strings.NewReader(tokenBody("read", "*")), "Content-Type", "application/json", "Authorization", write)
	expect(t, resp, data, 403)
	wantProblem(t, data, "out-of-scope", "main token")
}

// TestRevokeEndsStreams: a watch opened with a read token (in ?access_token=, as a browser source sends it)
// ends with event: closed, reason revoked, when the token is revoked; one whose token expires ends at its
// expiry, reason expired; the token is refused from then on.
func TestRevokeEndsStreams(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 16, ""))
	st, tok := b.tokenWatch(t, n, 0)
	resp, data := b.do("DELETE", "/v1/tokens/"+tok.ID, nil)
	expect(t, resp, data, 204)
	st.wantEnd(t, "revoked")
	q := "?access_token=" + url.QueryEscape(tok.Secret)
	if got := b.watchStatus(t, path(n, "/watch")+q, ""); got != 401 {
		t.Fatalf("a watch with a revoked token: %d, want 401", got)
	}

	// A token that expires in 2 s; if this machine took longer than that to open the stream (the answer is
	// then 401), again with twice as long.
	for life := 2 * time.Second; ; life *= 2 {
		if life > time.Minute {
			t.Fatal("no stream opened before its token expired, with a minute to do it")
		}
		if st, tok = b.tokenWatch(t, n, life); st != nil {
			break
		}
	}
	st.wantEnd(t, "expired")
	q = "?access_token=" + url.QueryEscape(tok.Secret)
	resp, data = b.do("GET", path(n)+q, nil, "Authorization", "")
	expect(t, resp, data, 401)
	wantProblem(t, data, "unauthorized", "expired")
}

// tokenWatch makes a read token for mapping n (expiring after life, if not 0) and opens a watch of n with it in
// ?access_token=, its snapshot read; nil if the answer is 401 (the token expired first).
func (b *bridge) tokenWatch(t *testing.T, n string, life time.Duration) (*stream, api.NewToken) {
	t.Helper()
	body := tokenBody("read", n)
	if life > 0 {
		body = strings.Replace(body, "}", `, "expires": "`+time.Now().Add(life).UTC().Format(time.RFC3339Nano)+`"}`, 1)
	}
	tok := b.token(t, body)
	st, status := b.tryWatch(t, path(n, "/watch")+"?access_token="+url.QueryEscape(tok.Secret), "Authorization", "")
	switch {
	case st == nil && status == 401 && life > 0:
		return nil, tok
	case st == nil:
		t.Fatalf("a watch with a read token: %d", status)
	}
	if e := st.next(); e.typ == "closed" && e.data.Reason == "expired" && life > 0 {
		return nil, tok // it expired before the snapshot
	} else if e.typ != "snapshot" {
		t.Fatalf("first event %s %s", e.typ, e.raw)
	}
	return st, tok
}

// wantEnd: the stream's next event is closed, for reason, and the stream ends there.
func (st *stream) wantEnd(t *testing.T, reason string) {
	t.Helper()
	if e := st.next(); e.typ != "closed" || e.data.Reason != reason {
		t.Fatalf("want the stream closed (%s): %s %s", reason, e.typ, e.raw)
	}
	if !st.ended(30 * time.Second) {
		t.Fatalf("the stream goes on after its closed event (%s)", reason)
	}
}

// TestTokenInURL: ?access_token= takes a read token on a GET only; the main token, a write token, anything else
// there is 401 saying to send Authorization: Bearer, and none of them is echoed (instance, detail) or logged.
func TestTokenInURL(t *testing.T) {
	var logs testutil.LockedBuffer
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	n := name(t, "")
	b.create(createBody(n, 16, ""))
	read, write := b.token(t, tokenBody("read", n)).Secret, b.token(t, tokenBody("write", n)).Secret
	for _, c := range []struct {
		method, token string
		status        int
		detail        string
	}{
		{"GET", read, 200, ""},
		{"GET", testToken, 401, "Authorization: Bearer"},
		{"GET", write, 401, "Authorization: Bearer"},
		{"GET", scope.ReadPrefix + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 401, "not a token of this daemon"},
		{"DELETE", read, 401, "GET routes only"},
	} {
		p := path(n) + "?access_token=" + url.QueryEscape(c.token)
		resp, data := b.do(c.method, p, nil, "Authorization", "", "Invalid", "on purpose")
		expect(t, resp, data, c.status)
		if c.status != 200 {
			wantProblem(t, data, "unauthorized", c.detail)
			if p := decode[api.Problem](t, data); p.Instance != path(n) {
				t.Errorf("instance %q, want the path alone", p.Instance)
			}
		}
		if strings.Contains(string(data), c.token) {
			t.Errorf("%s with %s in the URL: the answer holds it: %s", c.method, c.token[:7], data)
		}
	}
	resp, data := b.do("GET", path(n)+"?access_token="+url.QueryEscape(read), nil, "Invalid", "on purpose")
	expect(t, resp, data, 401)
	wantProblem(t, data, "unauthorized", "not both")
	for _, secret := range []string{read, write, testToken} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a token:\n%s", logs.String())
		}
	}
}
