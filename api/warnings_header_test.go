package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// TestWarningHeader: each warning is one RFC 8941 string (quotes and backslashes escaped, anything but
// printable ASCII as "?", cut past maxWarningHeader bytes), its field a parameter.
func TestWarningHeader(t *testing.T) {
	h := http.Header{}
	setWarnings(h, []layout.Warning{
		{Field: "a.b[2]", Detail: `say "hi" \ now`},
		{Detail: "Grüße\r\nInjected: yes"},
		{Field: "x", Detail: strings.Repeat("y", 1000)},
	})
	got := h.Values(WarningHeader)
	want := []string{`"say \"hi\" \\ now";field="a.b[2]"`, `"Gr??e??Injected: yes"`,
		`"` + strings.Repeat("y", maxWarningHeader-3) + `...";field="x"`}
	if len(got) != len(want) {
		t.Fatalf("%d headers: %q", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("header %d: %q, want %q", i, got[i], want[i])
		}
	}
}
