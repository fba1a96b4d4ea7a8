package api_test

import (
	"context"
	"net/http"
)

type invalidKey struct{}

// noTokenKey marks a request that goes without the test token.
type noTokenKey struct{}

// invalidOnPurpose marks a request the test knows does not match the spec.
func invalidOnPurpose(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), invalidKey{}, true))
}

// withToken answers the request with the test token, unless it has an Authorization header or goes without.
func withToken(req *http.Request) *http.Request {
	if _, ok := req.Header["Authorization"]; ok || req.Context().Value(noTokenKey{}) != nil {
		return req
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+testToken)
	return req
}
