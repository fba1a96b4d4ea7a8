//go:build nospec

package api_test

// Built with -tags nospec: requests and responses are not checked against openapi.yaml (see spec_test.go).

import (
	"net/http"
	"testing"
)

// tokenOnly sends each request by base with the test token, as specCheck does, and checks nothing.
type tokenOnly struct{ base http.RoundTripper }

func (c tokenOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	return c.base.RoundTrip(withToken(req))
}

func newSpecCheck(_ testing.TB, base http.RoundTripper) http.RoundTripper { return tokenOnly{base} }

func watchDataCheck(testing.TB) func(data string) string { return func(string) string { return "" } }
