package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestLayoutImportsKaitaiPaths: imports written as Kaitai writes them (absolute, relative) name saved
// layouts by their last part; two layouts that import each other are saved one after the other (the first
// answered with the import it waits for in its errors) and then both decode.
func TestLayoutImportsKaitaiPaths(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "vlq", "meta: {id: vlq}\nseq:\n  - {id: v, type: u1}\n", 201)
	errorsOf := func(data []byte) []api.LayoutError {
		var l api.Layout
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatal(err)
		}
		return l.Errors
	}
	data := b.putLayout(t, "node", "meta:\n  id: node\n  imports: [/common/vlq, ../tree]\nseq:\n  - {id: len, type: vlq}\n  - {id: kids, type: tree, if: len.v != 0}\n", 201)
	if e := errorsOf(data); len(e) == 0 || !strings.Contains(e[0].Detail, `no saved layout "tree"`) {
		t.Fatalf("node, saved before tree: %s", data)
	}
	data = b.putLayout(t, "tree", "meta:\n  id: tree\n  imports: [formats/node]\nseq:\n  - {id: first, type: node}\n", 201)
	if len(errorsOf(data)) != 0 {
		t.Fatalf("tree: %s", data)
	}
	resp, data := b.do("GET", "/v1/layouts/node", nil)
	if expect(t, resp, data, 200); len(errorsOf(data)) != 0 {
		t.Fatalf("node, once tree is saved: %s", data)
	}
	n := name(t, "")
	b.create(createBody(n, 3, `,"layout":"node"`))
	b.do("PUT", path(n, "/data"), bytes.NewReader([]byte{1, 0, 9}))
	resp, data = b.do("GET", path(n, "/fields"), nil)
	if expect(t, resp, data, 200); strings.TrimSpace(string(data)) != `{"len":{"v":1},"kids":{"first":{"len":{"v":0}}}}` {
		t.Errorf("fields: %s", data)
	}
	// Anything else is refused where it is written.
	data = b.putLayout(t, "bad", "meta:\n  id: bad\n  imports: [C:/x/Vlq.ksy]\n", 400)
	wantProblem(t, data, "invalid-layout", "Kaitai path")
}
