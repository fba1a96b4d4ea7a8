package api_test

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// gameKsy is a producer's 12-byte header stamped with a signature, its version and its build: a layout of
// version 3 and later, of builds 0x10 and 0x11.
const gameKsy = `meta:
  id: game
  title: A game's telemetry
  endian: le
  -shmbridge:
    version:
      - {field: magic, is: GAME}
      - {field: version, min: 3}
      - {field: build, in: [0x10, 0x11]}
seq:
  - {id: magic, type: u4}
  - {id: version, type: u2}
  - {id: build, type: u2}
  - {id: speed, type: f4}
`

// gameFrame is a frame of the version gameKsy describes, speed 50.
func gameFrame() []byte {
	b := append([]byte("GAME"), 3, 0, 0x10, 0)
	return append(b, f4(50)...)
}

// TestVersionMismatch: GET …/fields of memory of another version than the layout describes is 422
// version-mismatch naming the layout, the field, the version described and the one found, nothing decoded;
// a PATCH by the layout is refused so, nothing written. The version it describes is decoded, and written.
func TestVersionMismatch(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "game", gameKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 12, ""))
	v := native(t, n)
	v.WriteAt(gameFrame(), 0)
	if got := string(b.getOK(t, path(n, "/fields?layout=game&fields=speed"))); got != "{\"speed\":50}\n" {
		t.Fatalf("the version described: %s", got)
	}
	for _, c := range []struct {
		at          int64
		write       []byte
		field, said string
	}{
		{4, []byte{2, 0}, "version", `the layout "game" describes version ≥ 3; the memory holds version 2`},
		{6, []byte{0x12, 0}, "build", `the layout "game" describes build one of 0x10, 0x11; the memory holds build 0x12`},
		{0, []byte("DEAD"), "magic", `the layout "game" describes magic = 'GAME'; the memory holds magic 'DEAD'`},
	} {
		v.WriteAt(gameFrame(), 0)
		v.WriteAt(c.write, c.at)
		resp, data := b.do("GET", path(n, "/fields?layout=game"), nil)
		expect(t, resp, data, 422)
		var p api.Problem
		json.Unmarshal(data, &p)
		if p.Type != api.ProblemTypePrefix+"version-mismatch" || p.Title != "The memory holds another version than the layout describes" ||
			p.Detail != c.said || p.Path != c.field || p.Offset != nil {
			t.Errorf("%s: %s", c.field, data)
		}
	}
	// Nor is it written by the layout: its fields would land on others.
	resp, data := b.do("PATCH", path(n, "/fields?layout=game"), strings.NewReader(`{"speed": 70}`), "Content-Type", "application/json")
	expect(t, resp, data, 422)
	wantProblem(t, data, "version-mismatch", `describes magic = 'GAME'; the memory holds magic 'DEAD'`)
	got := make([]byte, 4)
	v.ReadAt(got, 8)
	if string(got) != string(f4(50)) {
		t.Errorf("a refused write wrote speed: % x", got)
	}
	v.WriteAt([]byte("GAME"), 0)
	resp, data = b.do("PATCH", path(n, "/fields?layout=game"), strings.NewReader(`{"speed": 70}`), "Content-Type", "application/json")
	expect(t, resp, data, 204)
}

// TestVersionMismatchWatch: a decoded stream whose memory turns to another version says it once, an error of
// kind version-mismatch naming the field, and goes on: the version it describes again comes as a snapshot. A
// first frame of another version is 422 before the stream starts.
func TestVersionMismatchWatch(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "game", gameKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 12, ""))
	v := native(t, n)
	resp, data := b.do("GET", path(n, "/watch?layout=game"), nil)
	expect(t, resp, data, 422)
	wantProblem(t, data, "version-mismatch", `describes magic = 'GAME'; the memory holds magic 0x0`)
	v.WriteAt(gameFrame(), 0)
	s := b.watch(t, path(n, "/watch?layout=game&interval=2ms"))
	if e := s.next(); e.typ != "snapshot" || !strings.Contains(e.raw, `"speed":50`) {
		t.Fatalf("snapshot: %s %s", e.typ, e.raw)
	}
	v.WriteAt([]byte{2}, 4)
	e := s.next()
	if e.typ != "error" || e.data.Error == nil || e.data.Error.Kind != "version-mismatch" || e.data.Error.Path != "version" ||
		e.data.Error.Offset != nil || e.data.Error.Detail != `the layout "game" describes version ≥ 3; the memory holds version 2` {
		t.Fatalf("another version: %s %s", e.typ, e.raw)
	}
	v.WriteAt(f4(60), 8) // still another version: not said again, nothing decoded
	v.WriteAt(binary.LittleEndian.AppendUint16(nil, 4), 4)
	if e := s.next(); e.typ != "snapshot" || !strings.Contains(e.raw, `"version":4`) || !strings.Contains(e.raw, `"speed":60`) {
		t.Fatalf("the version described again: %s %s", e.typ, e.raw)
	}
}

// TestLayoutsListShort: GET /v1/layouts lists each layout in short — title, size, protocol, version checks,
// a catalogue layout's producer — and no fields, consistency or source: GET /v1/layouts/{id} has them.
func TestLayoutsListShort(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "game", gameKsy, 201)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	data := b.getOK(t, "/v1/layouts")
	var raw []map[string]json.RawMessage
	json.Unmarshal(data, &raw)
	for _, l := range raw {
		for _, k := range []string{"fields", "consistency", "source", "c_source"} {
			if _, ok := l[k]; ok {
				t.Errorf("the list shows %s's %s", l["id"], k)
			}
		}
	}
	var list []api.LayoutSummary
	json.Unmarshal(data, &list)
	byID := map[string]api.LayoutSummary{}
	for _, l := range list {
		byID[l.ID] = l
	}
	game, tel, hw := byID["game"], byID["telemetry"], byID["hwinfo"]
	if game.Title != "A game's telemetry" || game.Builtin || game.FixedSize == nil || *game.FixedSize != 12 || game.Protocol != "none" ||
		!slices.Equal(game.VersionChecks, []string{"magic = 'GAME'", "version ≥ 3", "build one of 0x10, 0x11"}) || game.Producer != nil {
		t.Errorf("a saved layout with version checks: %+v", game)
	}
	if tel.Title != "" || tel.Protocol != "seqlock: seq" || tel.VersionChecks != nil {
		t.Errorf("a saved layout with a seqlock: %+v", tel)
	}
	if p := hw.Producer; !hw.Builtin || hw.Title != "HWiNFO sensors" || hw.Protocol != `mutex: Global\HWiNFO_SM2_MUTEX` || p == nil ||
		p.Title != hw.Title || p.Mapping != `Global\HWiNFO_SENS_SM2` || p.Protocol == "" || p.Notes == "" {
		t.Errorf("a catalogue layout: %+v, producer %+v", hw, hw.Producer)
	}
	if p := hw.Producer; p == nil || !slices.Equal(p.Mappings, []string{p.Mapping}) || p.Version != "" {
		t.Errorf("hwinfo's mappings and version: %+v", p)
	}
	if a := byID["ams2"]; a.Producer == nil || a.Producer.Version != "mVersion = 14" || !slices.Equal(a.VersionChecks, []string{"m_version = 14"}) {
		t.Errorf("ams2: %+v, producer %+v", a, a.Producer)
	}
	var whole api.Layout
	json.Unmarshal(b.getOK(t, "/v1/layouts/game"), &whole)
	if whole.LayoutSummary.ID != "game" || !slices.Equal(whole.VersionChecks, game.VersionChecks) || len(whole.Fields) != 4 || whole.Source != gameKsy {
		t.Errorf("GET /v1/layouts/game: %+v", whole)
	}
}
