// Package catalogue holds shmbridge's built-in layouts: Kaitai Struct .ksy files for the producers users
// bridge most, written from each producer's published struct definitions. Each layout id has its source in
// src/ID.yaml: the catalogue entry (producer:) and, for a layout converted from C, the header, the struct and
// what is added to the converted layout; `go generate ./internal/catalogue` writes those layouts' ID.ksy
// (./gen, by package generate). Layouts without a struct are written by hand as ID.ksy. The .ksy and .yaml
// files are embedded in the binary; GET /v1/layouts lists them and they are read-only.
package catalogue

//go:generate go run ./gen

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed *.ksy
var files embed.FS

//go:embed src/*.yaml
var sources embed.FS

// Producer is one entry of the catalogue: a layout and the mapping it decodes.
type Producer struct {
	Layout   string   // the layout's id (its .ksy and .yaml files' name and meta/id)
	Title    string   // what the user recognises
	Vendor   string   // who makes it
	Mapping  string   // the named mapping the producer creates (the first of Mappings)
	Mappings []string // the named mappings this layout decodes, the usual one first
	Protocol string   // how a read of it is kept consistent
	Event    string   // the manual-reset event the producer sets after each frame, that a watch can sample on ("" if none)
	Version  string   // the check that the memory is the version the layout describes ("" if none)
	Notes    string   // how to open it, what else to know
}

// Producers are the catalogue's entries, by their rank (src/ID.yaml's rank:, lower first).
var Producers = mustLoad(sources)

// Entry is a layout's source, src/ID.yaml.
type Entry struct {
	ID       string `yaml:"-"`
	Rank     int    `yaml:"rank"`
	Producer struct {
		Title    string   `yaml:"title"`
		Vendor   string   `yaml:"vendor"`
		Mappings []string `yaml:"mappings"`
		Protocol string   `yaml:"protocol"`
		Event    string   `yaml:"event"`
		Version  string   `yaml:"version"`
		Notes    string   `yaml:"notes"`
	} `yaml:"producer"`
	// A layout converted from C: the header in src/ (default ID.h), its struct, the ABI and the encoding of
	// char[] strings (cdecl.Options), what meta gains, the layout's top comment, and patches.
	Header   string    `yaml:"header"`
	Struct   string    `yaml:"struct"`
	ABI      string    `yaml:"abi"`
	Encoding string    `yaml:"encoding"`
	Meta     yaml.Node `yaml:"meta"`
	Doc      string    `yaml:"doc"`
	Patch    []Patch   `yaml:"patch"`
}

// Patch changes the converted layout where C cannot say what the producer means: at is a path of keys from
// the layout's top (an item of a list, such as a seq, named by its id); set gives the node there keys (the
// node, and the mappings on the way to it, made if missing), delete takes keys away. A patch that no longer
// finds what it names fails the generation.
type Patch struct {
	At     string    `yaml:"at"`
	Set    yaml.Node `yaml:"set"`
	Delete []string  `yaml:"delete"`
}

// Converted says whether the entry's layout is converted from C (else its .ksy is written by hand).
func (e *Entry) Converted() bool { return e.Struct != "" }

// ReadEntry reads src/ID.yaml from src (a directory holding it).
func ReadEntry(src fs.FS, id string) (*Entry, error) {
	b, err := fs.ReadFile(src, id+".yaml")
	if err != nil {
		return nil, err
	}
	e := &Entry{ID: id}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(e); err != nil {
		return nil, fmt.Errorf("%s.yaml: %v", id, err)
	}
	if err := e.check(); err != nil {
		return nil, fmt.Errorf("%s.yaml: %v", id, err)
	}
	return e, nil
}

// check says what is missing or out of place in the entry.
func (e *Entry) check() error {
	p := e.Producer
	switch {
	case p.Title == "" || p.Vendor == "" || len(p.Mappings) == 0 || p.Protocol == "" || p.Notes == "":
		return fmt.Errorf("producer: needs title, vendor, mappings, protocol and notes")
	case e.Rank <= 0:
		return fmt.Errorf("rank: a positive number orders the catalogue")
	case !e.Converted() && (e.Header != "" || e.ABI != "" || e.Encoding != "" || e.Meta.Kind != 0 || e.Doc != "" || len(e.Patch) > 0):
		return fmt.Errorf("header, abi, encoding, meta, doc and patch are for a layout converted from C: name its struct")
	case e.Converted() && e.Doc == "":
		return fmt.Errorf("doc: a converted layout says what it decodes (its top comment)")
	}
	for _, m := range p.Mappings {
		if strings.TrimSpace(m) == "" {
			return fmt.Errorf("producer: an empty mapping name")
		}
	}
	return nil
}

// IDs are the layout ids that src holds a .yaml for.
func IDs(src fs.FS) ([]string, error) {
	names, err := fs.Glob(src, "*.yaml")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = strings.TrimSuffix(n, ".yaml")
	}
	return ids, nil
}

// load reads every entry of src/, ordered by rank (then id).
func load(embedded fs.FS) ([]Producer, error) {
	src, _ := fs.Sub(embedded, "src")
	ids, err := IDs(src)
	if err != nil {
		return nil, err
	}
	entries := make([]*Entry, 0, len(ids))
	for _, id := range ids {
		e, err := ReadEntry(src, id)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Rank != entries[j].Rank {
			return entries[i].Rank < entries[j].Rank
		}
		return entries[i].ID < entries[j].ID
	})
	out := make([]Producer, len(entries))
	for i, e := range entries {
		p := e.Producer
		out[i] = Producer{Layout: e.ID, Title: p.Title, Vendor: p.Vendor, Mapping: p.Mappings[0], Mappings: p.Mappings,
			Protocol: p.Protocol, Event: p.Event, Version: p.Version, Notes: p.Notes}
	}
	return out, nil
}

func mustLoad(embedded fs.FS) []Producer {
	ps, err := load(embedded)
	if err != nil {
		panic("catalogue: " + err.Error()) // the embedded files: TestCatalogueCompiles reads them too
	}
	return ps
}

// Source is the .ksy of the built-in layout id.
func Source(id string) ([]byte, error) {
	b, err := files.ReadFile(id + ".ksy")
	if err != nil {
		return nil, fmt.Errorf("no built-in layout %q", id)
	}
	return b, nil
}

// Lookup is the catalogue's entry for the layout id.
func Lookup(id string) (Producer, bool) {
	for _, p := range Producers {
		if p.Layout == id {
			return p, true
		}
	}
	return Producer{}, false
}

// Files are the catalogue's .ksy files.
func Files() fs.FS { return files }

// Sources are the built-in layouts' sources by id.
func Sources() map[string][]byte {
	out := make(map[string][]byte, len(Producers))
	for _, p := range Producers {
		src, err := Source(p.Layout)
		if err != nil {
			panic(err) // TestCatalogueCompiles
		}
		out[p.Layout] = src
	}
	return out
}

// Game is the producer family a layout belongs to: its id up to the first _ (acc for acc_physics,
// acc_graphics and acc_static; rf2 for rf2_telemetry and rf2_scoring; iracing for iracing).
func Game(layoutID string) string {
	game, _, _ := strings.Cut(layoutID, "_")
	return game
}

// Games lists the families of the catalogue's producers, sorted.
func Games() []string {
	seen := map[string]bool{}
	var games []string
	for _, p := range Producers {
		if g := Game(p.Layout); !seen[g] {
			seen[g] = true
			games = append(games, g)
		}
	}
	sort.Strings(games)
	return games
}
