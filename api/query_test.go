package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// FuzzQueryIsParseQuery: query answers Get, Has and All exactly as the url.Values of url.ParseQuery would, for
// every key the query holds and for the keys the handlers ask for.
//
//	go test -run '^$' -fuzz '^FuzzQueryIsParseQuery$' -fuzztime 40000x ./api
func FuzzQueryIsParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "length=64", "offset=0&length=64", "length=64&length=32", "a=1;b=2&length=3", "length", "length=",
		"&&length=1&", "=x&length=2", "len%67th=5", "length=%zz&length=7", "%zz=1&length=8", "as=text&encoding=UTF-16LE",
		"wait=Local%5CE&timeout=5s", "x=a+b&x=a%20b", "mapping=A&event=E&mapping=B", "lock=M&lock_timeout", "token=%",
	} {
		f.Add(s)
	}
	asked := []string{"offset", "length", "as", "encoding", "wait", "timeout", "lock", "lock_timeout", "interval",
		"event", "mapping", "format", "unlink", "kind", "lease", "token", "hold", "x", "a", "b"}
	f.Fuzz(func(t *testing.T, raw string) {
		want, _ := url.ParseQuery(raw)
		q := newQuery(raw)
		keys := asked
		for k := range want {
			keys = append(keys, k)
		}
		for _, k := range keys {
			if k == "" {
				continue // no handler asks for the empty key (query skips it)
			}
			if got, w := q.Get(k), want.Get(k); got != w {
				t.Fatalf("%q: Get(%q) = %q, url.Values says %q", raw, k, got, w)
			}
			if got, w := q.Has(k), want.Has(k); got != w {
				t.Fatalf("%q: Has(%q) = %v, url.Values says %v", raw, k, got, w)
			}
			if got, w := q.All(k), want[k]; !slices.Equal(got, w) {
				t.Fatalf("%q: All(%q) = %q, url.Values says %q", raw, k, got, w)
			}
		}
	})
}

// TestQueryLimit: a query of more parameters than url.ParseQuery takes has none, as with url.Values (too long a
// seed for the fuzz target).
func TestQueryLimit(t *testing.T) {
	for _, n := range []int{maxQueryParams - 1, maxQueryParams} {
		raw := strings.Repeat("&", n) + "length=1"
		want, _ := url.ParseQuery(raw)
		if got := newQuery(raw).Get("length"); got != want.Get("length") {
			t.Errorf("%d parameters: %q, url.Values says %q", n+1, got, want.Get("length"))
		}
	}
}

// TestQueryAllocatesNothing: reading a poll's parameters copies nothing (unless a value must be unescaped).
func TestQueryAllocatesNothing(t *testing.T) {
	q := newQuery("offset=128&length=64&as=bytes")
	n := testing.AllocsPerRun(100, func() {
		if q.Get("offset") != "128" || q.Get("length") != "64" || q.Has("wait") || q.Get("lock") != "" {
			t.Fatal("wrong values")
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per read of the parameters", n)
	}
}

// TestPathAsSent: the router sees the path as the client escaped it, whichever way it escaped it, so a name
// reaches its object however it was spelled: %5C or %5c, a literal character or its escape, a %25 that stays a
// % of the name, a %2F that stays inside its segment, a trailing slash; and a request the server did not
// receive (no RequestURI) routes by its URL.EscapedPath.
func TestPathAsSent(t *testing.T) {
	r := chi.NewRouter()
	r.Use(escapedRoutePath)
	r.Get("/v1/mappings/{name}/data", func(w http.ResponseWriter, r *http.Request) {
		name, err := pathName(r)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		w.Write([]byte(name))
	})
	for target, name := range map[string]string{
		`/v1/mappings/Local%5CA%25%22b/data`:         `Local\A%"b`,
		`/v1/mappings/Local%5cA%25"b/data?length=64`: `Local\A%"b`,
		`/v1/mappings/Local%5CA%25%22b/data/`:        `Local\A%"b`,
		`/v1/mappings/a%2Fb/data`:                    `a/b`,
		`/v1/mappings/%E2%82%AC/data`:                `€`,
	} {
		req := httptest.NewRequest("GET", target, nil)
		for _, received := range []bool{true, false} {
			if !received {
				req.RequestURI = ""
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != 200 || w.Body.String() != name {
				t.Errorf("%s (received: %v): %d %q, want the name %q", target, received, w.Code, w.Body.String(), name)
			}
		}
	}
	// A %2F next to a character that must be escaped: EscapedPath escapes the unescaped path again, a/b%22, and
	// the name's slash becomes a separator (404); the path as received keeps it in its segment.
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", `/v1/mappings/a%2Fb"/data`, nil))
	if w.Code != 200 || w.Body.String() != `a/b"` {
		t.Errorf(`a%%2Fb": %d %q, want the name a/b"`, w.Code, w.Body.String())
	}
}
