//go:build !nospec

package api_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/web"
)

// TestQueryParamsAsSpec: every operation in openapi.yaml refuses a query parameter it does not list (400,
// naming it: a misspelt ?lenght=4 is not silently ignored), and takes every one it lists: the daemon's
// lists and the spec's are the same.
func TestQueryParamsAsSpec(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Dashboard = web.FS })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	spec, _ := os.ReadFile("../openapi.yaml")
	doc, _ := libopenapi.NewDocument(spec)
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	params := strings.NewReplacer("{name}", url.PathEscape(n), "{asset}", "swagger-ui.css", "{file}", "app.js")
	// send answers whether the daemon called param an unknown query parameter (the status line is enough: a
	// stream is cut once its headers are in).
	send := func(method, p, param string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, method, b.base+p+"?"+url.QueryEscape(param)+"=", strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s?%s=: %v", method, p, param, err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Content-Type") != "application/problem+json" {
			return resp.StatusCode, ""
		}
		var buf [4096]byte
		k, _ := resp.Body.Read(buf[:])
		return resp.StatusCode, string(buf[:k])
	}
	checked := 0
	for p, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			method = strings.ToUpper(method)
			if method == "DELETE" && strings.Contains(p, "{name}") {
				continue // would close the mapping the others use: DELETE's one parameter, unlink, is below
			}
			status, body := send(method, params.Replace(p), "lenght")
			if status != 400 || !strings.Contains(body, `unknown query parameter \"lenght\"`) {
				t.Errorf("%s %s?lenght=: %d %s, want 400 naming the parameter", method, p, status, body)
			}
			for _, prm := range op.Parameters {
				if prm.In != "query" {
					continue
				}
				if _, body := send(method, params.Replace(p), prm.Name); strings.Contains(body, "unknown query parameter") {
					t.Errorf("%s %s: the spec's parameter %s is refused as unknown", method, p, prm.Name)
				}
				checked++
			}
		}
	}
	resp, data := b.do("DELETE", path(n, "?unlink=true"), nil) // DELETE's parameter; it also cleans up
	expect(t, resp, data, 204)
	if checked < 25 {
		t.Fatalf("only %d query parameters in openapi.yaml", checked)
	}
}
