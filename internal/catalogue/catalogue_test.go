package catalogue_test

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/catalogue/generate"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// Every built-in layout compiles, its meta/id is its name, and every .ksy is listed (and nothing else).
func TestCatalogueCompiles(t *testing.T) {
	listed := map[string]bool{}
	for _, p := range catalogue.Producers {
		listed[p.Layout] = true
		src, err := catalogue.Source(p.Layout)
		if err != nil {
			t.Fatal(err)
		}
		l, err := layout.Compile(src, nil, layout.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", p.Layout, err)
		}
		if l.ID != p.Layout {
			t.Errorf("%s.ksy says meta/id %s", p.Layout, l.ID)
		}
	}
	names, _ := fs.Glob(catalogue.Files(), "*.ksy")
	for _, n := range names {
		if !listed[strings.TrimSuffix(n, ".ksy")] {
			t.Errorf("%s is not in catalogue.Producers (it has no src/%s.yaml)", n, strings.TrimSuffix(n, ".ksy"))
		}
	}
	if len(names) != len(catalogue.Producers) {
		t.Errorf("%d files, %d producers", len(names), len(catalogue.Producers))
	}
}

// The entries come from src/*.yaml, by rank (entries of one rank by id); each names its mappings, the first
// the usual one.
func TestProducersFromSources(t *testing.T) {
	ids, err := catalogue.IDs(os.DirFS("src"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(catalogue.Producers) {
		t.Fatalf("%d yaml files, %d producers", len(ids), len(catalogue.Producers))
	}
	last, prev := 0, ""
	for _, p := range catalogue.Producers {
		e, err := catalogue.ReadEntry(os.DirFS("src"), p.Layout)
		if err != nil {
			t.Fatal(err)
		}
		if e.Rank < last || e.Rank == last && p.Layout < prev {
			t.Errorf("%s: rank %d after %s's rank %d: the producers are not ordered by rank, then id", p.Layout, e.Rank, prev, last)
		}
		last, prev = e.Rank, p.Layout
		if len(p.Mappings) == 0 || p.Mapping != p.Mappings[0] || p.Title == "" || p.Protocol == "" || p.Notes == "" {
			t.Errorf("%s: %+v", p.Layout, p)
		}
		if got, ok := catalogue.Lookup(p.Layout); !ok || got.Title != p.Title {
			t.Errorf("Lookup(%s) = %+v, %v", p.Layout, got, ok)
		}
	}
}

// Converting the header facts again gives the committed layout, byte for byte (go generate
// ./internal/catalogue writes them).
func TestGeneratedLayoutsAreCurrent(t *testing.T) {
	src := os.DirFS("src")
	ids, _ := catalogue.IDs(src)
	for _, id := range ids {
		e, err := catalogue.ReadEntry(src, id)
		if err != nil {
			t.Fatal(err)
		}
		if !e.Converted() {
			continue
		}
		want, err := generate.Layout(src, e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(id + ".ksy")
		if err != nil {
			t.Fatalf("%v: run go generate ./internal/catalogue", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s.ksy is not what src/%s.yaml generates (line %d differs): run go generate ./internal/catalogue", id, id, firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

// What a wrong entry or patch says, rather than a layout that silently lost its change.
func TestGenerateRefuses(t *testing.T) {
	header := "#include <stdint.h>\nstruct rec { uint32_t seq; float v[2]; };\n"
	for name, c := range map[string]struct{ yaml, want string }{
		"patch path gone": {"patch:\n  - at: seq/missing\n    set: {size: 4}\n", `patch 1 (at seq/missing): no "missing" there`},
		"delete gone":     {"patch:\n  - at: seq/v\n    delete: [enum]\n", `delete: no key "enum"`},
		"patch empty":     {"patch:\n  - at: seq/v\n", "a patch sets or deletes keys"},
		"set not a map":   {"patch:\n  - at: seq/v\n    set: [1]\n", "set: a mapping of keys"},
		"bad result":      {"patch:\n  - at: seq/v\n    set: {type: nothing}\n", "does not compile"},
		"meta not a map":  {"meta: [1]\n", "meta: a mapping"},
		"no struct":       {"struct: other\n", `no struct, union or typedef named "other"`},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := mapFS{"rec.h": header, "rec.yaml": "rank: 1\nproducer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\n" +
				"doc: a record\n" + withStruct(c.yaml)}
			e, err := catalogue.ReadEntry(fsys, "rec")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := generate.Layout(fsys, e); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want %q", err, c.want)
			}
		})
	}
	for name, c := range map[string]struct{ yaml, want string }{
		"unknown key":       {"rank: 1\nproducer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\nstrcut: rec\n", "field strcut not found"},
		"no mappings":       {"rank: 1\nproducer: {title: t, vendor: v, protocol: p, notes: n}\n", "needs title, vendor, mappings"},
		"no rank":           {"producer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\n", "rank:"},
		"header, no struct": {"rank: 1\nproducer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\nheader: rec.h\n", "name its struct"},
		"struct, no doc":    {"rank: 1\nproducer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\nstruct: rec\n", "doc:"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := catalogue.ReadEntry(mapFS{"rec.yaml": c.yaml}, "rec"); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want %q", err, c.want)
			}
		})
	}
}

// A patch and the meta land where they say: a seq item's keys changed, a new instance, meta merged into the
// converter's (its pack kept), the doc the file's first lines.
func TestGeneratePatchesAndMerges(t *testing.T) {
	fsys := mapFS{"rec.h": "#include <stdint.h>\n#pragma pack(1)\nstruct rec { uint32_t seq; uint8_t n; float v[2]; };\n",
		"rec.yaml": "rank: 1\nproducer: {title: t, vendor: v, mappings: [m], protocol: p, notes: n}\nstruct: rec\n" +
			"meta: {title: A record, -shmbridge: {consistency: {seqlock: seq}}}\ndoc: |\n  A record.\n  Two lines.\n" +
			"patch:\n  - at: seq/v\n    set: {repeat-expr: n}\n  - at: instances/first\n    set: {pos: 5, type: f4}\n"}
	e, err := catalogue.ReadEntry(fsys, "rec")
	if err != nil {
		t.Fatal(err)
	}
	out, err := generate.Layout(fsys, e)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.HasPrefix(s, "# A record.\n# Two lines.\n#\n# Generated by go generate") {
		t.Errorf("top comment:\n%s", s)
	}
	l, err := layout.Compile(out, nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if l.Consistency == nil || l.Consistency.Seqlock != "seq" || l.Pack != 1 || !strings.Contains(s, "title: A record") {
		t.Errorf("meta not merged (consistency %+v, pack %d):\n%s", l.Consistency, l.Pack, s)
	}
	if !strings.Contains(s, "repeat-expr: n\n") || !strings.Contains(s, "instances:\n  first:\n    pos: 5\n    type: f4\n") {
		t.Errorf("patches not applied:\n%s", s)
	}
}

// withStruct adds the struct to an entry's yaml unless it names one.
func withStruct(y string) string {
	if strings.Contains(y, "struct:") {
		return y
	}
	return "struct: rec\n" + y
}

// mapFS is a directory of text files.
type mapFS map[string]string

func (m mapFS) Open(name string) (fs.File, error) {
	f := fstest.MapFS{}
	for k, v := range m {
		f[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return f.Open(name)
}
