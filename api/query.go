package api

import (
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// query is a request's raw query string, read in place. It answers as the url.Values of url.ParseQuery would
// (FuzzQueryIsParseQuery compares them), without building them: url.Values is a map and a slice per parameter,
// made on every request, and the profile of a 64-byte poll found that map to be a tenth of the daemon's own
// work on it (BenchmarkPollHandler). Queries are short and a handler asks for a few keys, so a scan per key is
// cheaper, and only the value asked for is unescaped (a copy only if it has something to unescape).
type query string

func queryOf(r *http.Request) query { return newQuery(r.URL.RawQuery) }

// newQuery is raw as a query; a query of more parameters than url.ParseQuery takes (10,000; its GODEBUG
// urlmaxqueryparams is not read) has none, as with url.Values.
func newQuery(raw string) query {
	if strings.Count(raw, "&") >= maxQueryParams {
		return ""
	}
	return query(raw)
}

const maxQueryParams = 10000

// Get is the first value of key, "" if none.
func (q query) Get(key string) string {
	for v := range q.values(key) {
		return v
	}
	return ""
}

// Has reports whether key is present (with a value or not).
func (q query) Has(key string) bool {
	for range q.values(key) {
		return true
	}
	return false
}

// All is every value of key, in order (nil if none).
func (q query) All(key string) []string { return slices.Collect(q.values(key)) }

// values yields the values of key in order, unescaped. It skips what url.ParseQuery drops: an empty pair, a
// pair with a ';', a key or a value that does not unescape. Only the values of key are unescaped (a copy only
// if there is a % or a + in one).
func (q query) values(key string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k, v := range q.raw() {
			if k, err := url.QueryUnescape(k); err != nil || k != key {
				continue
			}
			if v, err := url.QueryUnescape(v); err == nil && !yield(v) {
				return
			}
		}
	}
}

// raw yields each pair's key and value as they are in the query (escaped), in order, but for the pairs
// url.ParseQuery drops whatever they hold: an empty one, one with a ';'.
func (q query) raw() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for s := string(q); s != ""; {
			var pair string
			pair, s, _ = strings.Cut(s, "&")
			if pair == "" || strings.Contains(pair, ";") {
				continue
			}
			k, v, _ := strings.Cut(pair, "=")
			if !yield(k, v) {
				return
			}
		}
	}
}

// unknown is the first key of the query that is not one of known ("" if none): a misspelt parameter
// (?lenght=4) is an error, not silently ignored. A pair url.ParseQuery would drop (a ';' in it, a bad escape)
// is unknown too.
func (q query) unknown(known []string) string {
	for s := string(q); s != ""; {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil || strings.Contains(pair, ";") {
			return k
		}
		if !slices.Contains(known, key) {
			return key
		}
	}
	return ""
}

// pairs yields every parameter in order, unescaped, skipping what values skips: for parameters that go with
// the one before them (/v1/watch's layout= after its mapping=).
func (q query) pairs() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for k, v := range q.raw() {
			k, err1 := url.QueryUnescape(k)
			v, err2 := url.QueryUnescape(v)
			if err1 == nil && err2 == nil && !yield(k, v) {
				return
			}
		}
	}
}
