package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/record"
)

// recordOneFrame records the mapping n's frame as it is (its default layout), and stops: the recording's id.
func (b *bridge) recordOneFrame(t *testing.T, n string) string {
	t.Helper()
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "1ms"}, 201))
	b.recordingUntil(t, rec.ID, "has its first frame", func(r api.Recording) bool { return r.Frames == 1 })
	b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200)
	return rec.ID
}

// patch writes fields of the mapping n by its layout.
func (b *bridge) patch(t *testing.T, n, body string, status int) []byte {
	t.Helper()
	resp, data := b.do("PATCH", path(n, "/fields"), strings.NewReader(body), "Content-Type", "application/json")
	expect(t, resp, data, status)
	return data
}

// TestCSVFormulaInjection: a text cell that a spreadsheet would run as a formula (=, +, -, @, a tab, a CR
// first) is exported with a single quote before it; numbers, negative ones too, and other text as they are.
func TestCSVFormulaInjection(t *testing.T) {
	b, _ := recordingBridge(t, record.Options{})
	var ksy strings.Builder
	ksy.WriteString("meta: {id: cells, endian: le, encoding: UTF-8}\nseq:\n  - {id: n, type: s4}\n  - {id: f, type: f4}\n")
	cells := []string{"eq", "plus", "minus", "at", "tab", "cr", "plain", "empty"}
	for _, c := range cells {
		fmt.Fprintf(&ksy, "  - {id: %s, type: strz, size: 24}\n", c)
	}
	b.putLayout(t, "cells", ksy.String(), 201)
	n := name(t, "")
	b.create(createBody(n, 8+24*int64(len(cells)), `,"layout":"cells"`))
	b.patch(t, n, `{"n": -5, "f": -1.5, "eq": "=HYPERLINK(\"http://x\")", "plus": "+1+2", "minus": "-2+3",
		"at": "@SUM(A1)", "tab": "\t=1", "cr": "\r=1", "plain": "a=b", "empty": ""}`, http.StatusNoContent)
	id := b.recordOneFrame(t, n)
	resp, data := b.do("GET", "/v1/recordings/"+id+"/fields?format=csv", nil)
	expect(t, resp, data, 200)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv (%v):\n%s", err, data)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	want := map[string]string{"n": "-5", "f": "-1.5", "eq": `'=HYPERLINK("http://x")`, "plus": "'+1+2", "minus": "'-2+3",
		"at": "'@SUM(A1)", "tab": "'\t=1", "cr": "'\r=1", "plain": "a=b", "empty": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: cell %q, want %q", k, got[k], v)
		}
	}
}
