package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestPatchRefusesTerminatorInString: a value holding its field's terminator (NUL in a strz, in UTF-16 too,
// or a str's own terminator) would read back cut there: it is refused, 400 naming the field, and nothing is
// written.
func TestPatchRefusesTerminatorInString(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "names", "meta: {id: names, encoding: UTF-8}\nseq:\n"+
		"  - {id: z, type: strz, size: 8}\n"+
		"  - {id: w, type: strz, size: 8, encoding: UTF-16LE}\n"+
		"  - {id: line, type: str, size: 8, terminator: 10}\n", 201)
	n := name(t, "")
	b.create(createBody(n, 24, `,"layout":"names"`))
	b.patch(t, n, `{"z": "ok", "w": "ok", "line": "ok"}`, http.StatusNoContent)
	for _, c := range []struct{ field, value string }{
		{"z", `"\u0000x"`}, {"z", `"a\u0000"`}, {"w", `"\u0000x"`}, {"line", `"a\nb"`},
	} {
		data := b.patch(t, n, `{"`+c.field+`": `+c.value+`}`, http.StatusBadRequest)
		var p api.Problem
		if err := json.Unmarshal(data, &p); err != nil || p.Type != api.ProblemTypePrefix+"invalid-request" || p.Path != c.field {
			t.Errorf("%s = %s: %s", c.field, c.value, data)
		}
	}
	got := decode[map[string]any](t, b.getOK(t, path(n, "/fields")))
	if got["z"] != "ok" || got["w"] != "ok" || got["line"] != "ok" {
		t.Errorf("after the refused writes: %v", got)
	}
	b.patch(t, n, `{"w": "\u0100x"}`, http.StatusNoContent) // a 0x00 byte, but not a NUL unit
	if got := decode[map[string]any](t, b.getOK(t, path(n, "/fields"))); got["w"] != "\u0100x" {
		t.Errorf("w: %v", got["w"])
	}
}
