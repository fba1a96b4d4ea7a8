package api_test

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// TestSecurityHeaders: every response, refusals included, forbids framing, sniffing and caching; no CORS
// header is ever sent; only the docs page may run (its own) scripts.
func TestSecurityHeaders(t *testing.T) {
	b := newBridge(t, nil)
	for _, c := range []struct {
		path, host, csp string
	}{
		{"/healthz", "", "default-src 'none'; frame-ancestors 'none'"},
		{"/v1/mappings", "", "default-src 'none'; frame-ancestors 'none'"},
		{"/v1/mappings/missing", "", "default-src 'none'; frame-ancestors 'none'"},
		{"/healthz", "evil.example:1", "default-src 'none'; frame-ancestors 'none'"},
		{"/docs", "", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"},
	} {
		hdr := []string{"Origin", "http://localhost:1"}
		if c.host != "" {
			hdr = append(hdr, "Host", c.host)
		}
		resp, _ := b.do("GET", c.path, nil, hdr...)
		h := resp.Header
		if h.Get("Content-Security-Policy") != c.csp || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s (Host %q): %d, headers %v", c.path, c.host, resp.StatusCode, h)
		}
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s sends CORS header %s", c.path, k)
			}
		}
	}
}

// TestHostAllowlist: only the exact loopback Host values of the daemon's own port (and names the operator
// adds) get through, checked before routing, so a DNS-rebinding page (Host: its own name) is refused on
// every route.
func TestHostAllowlist(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	hosts := append(api.LoopbackHosts(srv.Listener.Addr().String()), "workstation.lan:"+port)
	srv.Config.Handler = api.New(registry.New(nil), api.Config{Hosts: hosts})
	srv.Start()
	defer srv.Close()

	cases := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"[::1]:" + port, true},
		{"workstation.lan:" + port, true}, // added by the operator (-allow-host)
		{"localhost.:" + port, false},     // trailing dot: another name to the browser
		{"LOCALHOST:" + port, false},      // exact match only
		{"Localhost:" + port, false},
		{"localhost:1", false},          // another port: another origin
		{"127.0.0.1:80", false},         //
		{"127.0.0.1", false},            // no port
		{"localhost", false},            //
		{"192.168.1.20:" + port, false}, // a LAN address
		{"10.0.0.1:" + port, false},
		{"127.0.0.2:" + port, false},
		{"0.0.0.0:" + port, false},
		{"evil.example:" + port, false}, // DNS rebinding
		{"localhost.evil.example:" + port, false},
		{"workstation.lan:1", false},
		{"", false},     // empty
		{"none", false}, // no Host header at all (HTTP/1.0)
	}
	for _, c := range cases {
		for _, route := range []string{"/healthz", "/v1/mappings", "/openapi.yaml", "/no/such/route"} {
			// Raw requests: Go's client would replace an empty Host with the URL's.
			req := "GET " + route + " HTTP/1.1\r\nHost: " + c.host + "\r\nConnection: close\r\n\r\n"
			if c.host == "none" {
				req = "GET " + route + " HTTP/1.0\r\n\r\n"
			}
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			conn.Write([]byte(req))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("Host %q: %v", c.host, err)
			}
			resp.Body.Close()
			conn.Close()
			refused := resp.StatusCode == http.StatusForbidden && resp.Header.Get("Content-Type") == "application/problem+json"
			if refused == c.ok {
				t.Errorf("Host %q on %s: status %d, want allowed=%v", c.host, route, resp.StatusCode, c.ok)
			}
		}
	}
}

// TestAllowedOrigins: CORS only for the operator's origins; their browser calls pass the cross-origin check
// and preflights need no token; any other origin gets no CORS header and its writes are refused.
func TestAllowedOrigins(t *testing.T) {
	const dash = "https://dash.example"
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.AllowedOrigins = []string{dash} })
	resp, data := b.do("OPTIONS", "/v1/mappings", nil, "Origin", dash, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization,content-type", "Authorization", "", "Invalid", "preflight")
	if resp.Header.Get("Access-Control-Allow-Origin") != dash || resp.StatusCode >= 300 {
		t.Fatalf("preflight from %s: %d %v %s", dash, resp.StatusCode, resp.Header, data)
	}
	n := name(t, "")
	resp, data = b.do("POST", "/v1/mappings", strings.NewReader(createBody(n, 16, "")), "Content-Type", "application/json",
		"Origin", dash, "Sec-Fetch-Site", "cross-site")
	expect(t, resp, data, http.StatusCreated)
	if resp.Header.Get("Access-Control-Allow-Origin") != dash {
		t.Errorf("no CORS header for %s", dash)
	}
	resp, data = b.do("DELETE", path(n), nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	expect(t, resp, data, http.StatusForbidden)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS header for another origin: %v", resp.Header)
	}
}
