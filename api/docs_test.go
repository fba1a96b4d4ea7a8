package api_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSpecAndDocsServedOffline: the daemon serves its spec, and the API page loads nothing from elsewhere:
// every script, style sheet and icon it references is embedded and answers 200.
func TestSpecAndDocsServedOffline(t *testing.T) {
	b := newBridge(t, nil)
	want, _ := os.ReadFile("../openapi.yaml")
	resp, data := b.do("GET", "/openapi.yaml", nil)
	expect(t, resp, data, 200)
	if !bytes.Equal(data, want) || resp.Header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("/openapi.yaml: %s, %d bytes, want openapi.yaml's %d", resp.Header.Get("Content-Type"), len(data), len(want))
	}
	resp, page := b.do("GET", "/docs", nil)
	expect(t, resp, page, 200)
	if doc := strings.ToLower(string(page)); !strings.HasPrefix(strings.TrimSpace(doc), "<!doctype html>") || strings.Count(doc, "<!doctype") != 1 {
		t.Errorf("the API page does not start with one <!DOCTYPE html>: %.80q", page)
	}
	if !strings.Contains(string(page), "/openapi.yaml") {
		t.Fatal("the API page does not load /openapi.yaml")
	}
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).Find(page); m != nil {
		t.Fatalf("the API page loads from another host: %s", m)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/docs/[^"]+)"`).FindAllSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("found %d asset references in the page, want its scripts and styles", len(refs))
	}
	for _, ref := range refs {
		resp, data := b.do("GET", string(ref[1]), nil)
		expect(t, resp, data, 200)
		if len(data) == 0 {
			t.Errorf("%s is empty", ref[1])
		}
	}
	resp, data = b.do("GET", "/docs/no-such-asset.js", nil)
	expect(t, resp, data, 404)
}
