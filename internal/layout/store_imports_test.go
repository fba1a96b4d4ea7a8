package layout

import (
	"strings"
	"testing"
)

// TestImportsAsKaitaiWritesThem: an import is a Kaitai path, absolute (/common/vlq) or relative (../x/vlq,
// x/vlq, vlq), resolved to the saved layout whose id is its last part; what is not such a path is refused
// where it is written.
func TestImportsAsKaitaiWritesThem(t *testing.T) {
	s, _ := OpenStore("", DefaultLimits, 16)
	mustPut(t, s, "vlq", []byte("meta:\n  id: vlq\nseq:\n  - id: b\n    type: u1\n"))
	mustPut(t, s, "pair", []byte("meta:\n  id: pair\n  imports: [../common/vlq]\nseq:\n  - id: x\n    type: vlq\n  - id: y\n    type: vlq\n"))
	for _, name := range []string{"/common/vlq", "../common/vlq", "../../a/b/vlq", "common/vlq", "./vlq", "vlq"} {
		src := "meta:\n  id: top\n  imports:\n    - " + name + "\n    - /pair\nseq:\n  - id: v\n    type: vlq\n  - id: p\n    type: pair\n"
		e, _, err := s.Put("top", []byte(src))
		if err != nil || e.Layout == nil || e.Layout.Fixed != 3 {
			t.Errorf("import %s: %v %+v", name, err, e)
		}
	}
	for _, name := range []string{"../Vlq", "a//vlq", "vlq.ksy", "/", "vlq/", "..", "~/vlq", "c:\\\\x\\\\vlq", "'a b'"} {
		src := "meta:\n  id: bad\n  imports:\n    - " + name + "\n"
		_, _, err := s.Put("bad", []byte(src))
		ps, ok := err.(Problems)
		if !ok || ps[0].Path != "/meta/imports/0" || !strings.Contains(ps[0].Detail, "Kaitai path") {
			t.Errorf("import %s: %v", name, err)
		}
	}
	// Compile and the files' importer see ids too.
	var asked []string
	_, err := Compile([]byte("meta:\n  id: t\n  imports: [/x/y/vlq]\n"), func(_, name string) (string, []byte, error) {
		asked = append(asked, name)
		return name, []byte("meta: {id: vlq}\n"), nil
	}, DefaultLimits)
	if err != nil || len(asked) != 1 || asked[0] != "vlq" {
		t.Errorf("the importer was asked for %v (%v), want [vlq]", asked, err)
	}
	if _, err := Compile([]byte("meta:\n  id: t\n  imports: [vlq]\n"), nil, DefaultLimits); err == nil {
		t.Error("an import compiled with no importer")
	}
}

// TestStoreCircularImports: two layouts that import each other (as Kaitai allows) are saved one after the
// other: the first is kept, listing the import not saved yet as its problem, and both compile once the second
// is saved; a change to either compiles the other again, a delete leaves the other waiting again.
func TestStoreCircularImports(t *testing.T) {
	s := newHookedStore(t, "")
	const a = "meta:\n  id: cyc_a\n  imports: [../cyc_b]\nseq:\n  - id: n\n    type: u1\n  - id: b\n    type: cyc_b\n    if: n != 0\n"
	const b = "meta:\n  id: cyc_b\n  imports: [/cyc_a]\nseq:\n  - id: a\n    type: cyc_a\n"
	e, created, err := s.Put("cyc_a", []byte(a))
	if err != nil || !created || e.Layout != nil || len(e.Problems) == 0 || !strings.Contains(e.Problems[0].Detail, `no saved layout "cyc_b"`) {
		t.Fatalf("cyc_a before cyc_b: %v %+v", err, e)
	}
	mustPut(t, s.Store, "cyc_b", []byte(b))
	for _, id := range []string{"cyc_a", "cyc_b"} {
		if e, _ := s.Get(id); e.Layout == nil {
			t.Fatalf("%s: %+v", id, e.Problems)
		}
	}
	ea, _ := s.Get("cyc_a")
	v, err := ea.Layout.Decode([]byte{1, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.AppendJSON(nil, nil, 1<<10); string(got) != `{"n":1,"b":{"a":{"n":1,"b":{"a":{"n":0}}}}}` {
		t.Errorf("decoded: %s", got)
	}
	// The dependents only: a change to cyc_b compiles it and cyc_a (which imports it), once each.
	s.compiles.Store(0)
	mustPut(t, s.Store, "other", ksy("other"))
	if n := s.compiles.Load(); n != 1 {
		t.Errorf("a layout no cycle imports: %d compiles, want 1", n)
	}
	s.compiles.Store(0)
	mustPut(t, s.Store, "cyc_b", []byte(b+"  - id: z\n    type: u1\n"))
	if n := s.compiles.Load(); n != 2 {
		t.Errorf("PUT of cyc_b: %d compiles, want 2", n)
	}
	if ea, _ := s.Get("cyc_a"); ea.Layout == nil {
		t.Errorf("cyc_a after cyc_b changed: %+v", ea.Problems)
	} else if v, err := ea.Layout.Decode([]byte{1, 0, 5}); err != nil {
		t.Error(err)
	} else if got, _ := v.AppendJSON(nil, nil, 1<<10); string(got) != `{"n":1,"b":{"a":{"n":0},"z":5}}` {
		t.Errorf("cyc_a after cyc_b changed: %s", got)
	}
	if err := s.Delete("cyc_b"); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Get("cyc_a"); e.Layout != nil || len(e.Problems) == 0 {
		t.Errorf("cyc_a compiles without cyc_b: %+v", e)
	}
	// A layout waiting for an import is refused still when its meta/id is not its id.
	if _, _, err := s.Put("cyc_c", []byte("meta:\n  id: cyc_d\n  imports: [nosuch]\n")); err == nil || !strings.Contains(err.Error(), "/meta/id") {
		t.Errorf("a waiting layout of another meta/id: %v", err)
	}
	// What is wrong besides a missing import is still refused.
	if _, _, err := s.Put("bad", []byte("meta:\n  id: bad\nseq:\n  - id: x\n    type: nosuch\n")); err == nil {
		t.Error("a layout with an unknown type was saved")
	}
}
