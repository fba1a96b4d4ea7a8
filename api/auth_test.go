package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// TestSessions: the dashboard's login. POST /v1/sessions with the token gives a session credential (not the
// token) that the API takes as a bearer credential, a watch stream too; {} with a session renews it; DELETE
// /v1/sessions/current ends it at once; a forged or altered one is refused; the token cannot be logged out.
func TestSessions(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	login := func(body string, auth string) (*http.Response, []byte) {
		return b.do("POST", "/v1/sessions", strings.NewReader(body), "Content-Type", "application/json", "Authorization", auth)
	}
	resp, data := login(`{"token":"`+testToken+`"}`, "")
	expect(t, resp, data, 201)
	s := decode[api.Session](t, data)
	if !strings.HasPrefix(s.Session, "s1.") || strings.Contains(s.Session, testToken) || time.Until(s.ExpiresAt) < 23*time.Hour {
		t.Fatalf("session %+v", s)
	}
	bearer := "Bearer " + s.Session
	resp, data = b.do("GET", "/v1/mappings", nil, "Authorization", bearer)
	expect(t, resp, data, 200)
	if st := b.watchStatus(t, path(n, "/watch"), bearer); st != 200 {
		t.Fatalf("a watch stream with the session: %d", st)
	}
	resp, data = login(`{}`, bearer) // renewal
	expect(t, resp, data, 201)
	renewed := decode[api.Session](t, data)
	if renewed.Session == s.Session {
		t.Fatal("renewal gave the same session")
	}
	for _, bad := range []struct{ body, auth, kind string }{
		{`{"token":"wrong-token-0123456789"}`, "", "unauthorized"},
		{`{"token":"` + testToken + `","code":"x"}`, "", "invalid-request"},
		{`{"code":"not-the-code"}`, "", "unauthorized"}, // this daemon has no code at all
		{`{}`, "", "unauthorized"},
		{`{}`, "Bearer " + s.Session[:len(s.Session)-2] + "xx", "unauthorized"}, // the MAC altered
	} {
		resp, data := login(bad.body, bad.auth)
		expect(t, resp, data, map[string]int{"unauthorized": 401, "invalid-request": 400}[bad.kind])
		wantProblem(t, data, bad.kind)
	}
	resp, data = b.do("DELETE", "/v1/sessions/current", nil, "Authorization", bearer)
	expect(t, resp, data, 204)
	resp, data = b.do("GET", "/v1/mappings", nil, "Authorization", bearer)
	expect(t, resp, data, 401)
	resp, data = b.do("GET", "/v1/mappings", nil, "Authorization", "Bearer "+renewed.Session) // another session lives on
	expect(t, resp, data, 200)
	resp, data = b.do("DELETE", "/v1/sessions/current", nil)
	expect(t, resp, data, 400)
	wantProblem(t, data, "invalid-request", "token")
}

// TestLoginCode: the one-time code of the login link gives one session, once; then it is refused (the link
// in a browser's history is worth nothing); so is a code past its time.
func TestLoginCode(t *testing.T) {
	for _, until := range []time.Time{time.Now().Add(time.Minute), time.Now().Add(-time.Second)} {
		b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
			c.LoginCode, c.LoginCodeUntil = "one-time-code-0123456789", until
		})
		login := func() (*http.Response, []byte) {
			return b.do("POST", "/v1/sessions", strings.NewReader(`{"code":"one-time-code-0123456789"}`), "Content-Type", "application/json", "Authorization", "")
		}
		resp, data := login()
		if time.Now().After(until) {
			expect(t, resp, data, 401)
			wantProblem(t, data, "unauthorized", "expired")
			continue
		}
		expect(t, resp, data, 201)
		resp, data = b.do("GET", "/v1/mappings", nil, "Authorization", "Bearer "+decode[api.Session](t, data).Session)
		expect(t, resp, data, 200)
		resp, data = login()
		expect(t, resp, data, 401)
		wantProblem(t, data, "unauthorized", "used")
	}
}

// TestNoCookieIsACredential: browsers send a localhost cookie to every port, and let every port set one, so
// the daemon reads none: the token in a cookie is 401, and cookies another port set (the old login cookie's
// name among them, with longer paths) cannot break a request that carries its credential.
func TestNoCookieIsACredential(t *testing.T) {
	b := newBridge(t, nil)
	do := func(auth string, cookies ...*http.Cookie) int {
		ctx := context.WithValue(context.WithValue(context.Background(), invalidKey{}, true), noTokenKey{}, true)
		req, _ := http.NewRequestWithContext(ctx, "GET", b.base+"/v1/mappings", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do("", &http.Cookie{Name: "shmbridge_token", Value: testToken}); got != 401 {
		t.Errorf("the token as a cookie: %d, want 401", got)
	}
	junk := []*http.Cookie{{Name: "shmbridge_token", Value: "junk"}, {Name: "shmbridge_session", Value: "junk"}, {Name: "Authorization", Value: "Bearer junk"}}
	if got := do("Bearer "+testToken, junk...); got != 200 {
		t.Errorf("the token, with another port's cookies: %d, want 200", got)
	}
	// The scheme is case-insensitive (RFC 9110 §11.1), and spaces around the credential do not count.
	for _, auth := range []string{"bearer " + testToken, "BEARER " + testToken, "Bearer  " + testToken + " "} {
		if got := do(auth); got != 200 {
			t.Errorf("Authorization %q: %d, want 200", auth, got)
		}
	}
}
