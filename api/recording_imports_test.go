package api_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/record"
)

// TestRecordingKeepsItsImports: a recording keeps the layouts its layout imports as they were when it was
// made: after the imported layout is changed, and then deleted, the export decodes by the recording's own
// version, and the replay still plays.
func TestRecordingKeepsItsImports(t *testing.T) {
	b, _ := recordingBridge(t, record.Options{})
	b.putLayout(t, "vec", "meta: {id: vec, endian: le}\nseq:\n  - {id: x, type: u2}\n", 201)
	b.putLayout(t, "pos", "meta: {id: pos, endian: le, imports: [vec]}\nseq:\n  - {id: p, type: vec}\n", 201)
	n := name(t, "")
	b.create(createBody(n, 2, `,"layout":"pos"`))
	native(t, n).WriteAt([]byte{1, 2}, 0)
	id := b.recordOneFrame(t, n)

	b.putLayout(t, "vec", "meta: {id: vec, endian: le}\nseq:\n  - {id: y, type: u1}\n  - {id: z, type: u1}\n", 200)
	export := func() string {
		t.Helper()
		resp, data := b.do("GET", "/v1/recordings/"+id+"/fields?format=csv", nil)
		expect(t, resp, data, 200)
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv (%v):\n%s", err, data)
		}
		return strings.Join(rows[0][1:], ",") + "=" + strings.Join(rows[1][1:], ",")
	}
	if got := export(); got != "p.x=513" {
		t.Errorf("exported after the import changed: %s, want p.x=513 (the recording's own vec)", got)
	}
	b.send(t, "DELETE", "/v1/layouts/vec", 204)
	if got := export(); got != "p.x=513" {
		t.Errorf("exported after the import was deleted: %s, want p.x=513", got)
	}
	dst := name(t, "-dst")
	b.create(createBody(dst, 2, ""))
	b.post(t, path(dst, "/replay"), map[string]any{"recording": id, "speed": 1000}, 202)
	b.replayUntil(t, dst, "done")
	if data := b.getOK(t, path(dst, "/data")); !bytes.Equal(data, []byte{1, 2}) {
		t.Errorf("replayed: % x", data)
	}
}
