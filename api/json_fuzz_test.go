package api

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON: no request body makes decodeJSON panic, and what it accepts is one valid JSON value in
// valid UTF-8, nothing after it.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"Local\\X","size":64}`, `{"name":"X"}]`, "{\"name\":\"\xff\"}", `{}`, `[]`,
		`{"name":"X","mode":"open_or_create","access":"read","sddl":"D:"}`, `{"name":"X","manual_reset":true} {}`,
		`{"name":"X","size":1e400}`, `{"name":"X","size":-1}`, `{"name":"\u0000"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&CreateRequest{}, &EventRequest{}, &MutexRequest{}} {
			r := httptest.NewRequest("POST", "/v1/mappings", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if err := decodeJSON(httptest.NewRecorder(), r, v); err == nil && (!utf8.Valid(body) || !json.Valid(body)) {
				t.Fatalf("accepted %q", body)
			}
		}
	})
}
