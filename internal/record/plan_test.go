package record

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/view"
)

// TestCheckRequest: a request's own faults, each refused as ErrInvalid saying which, in the order they are
// checked; a good one's interval and limits.
func TestCheckRequest(t *testing.T) {
	res := &Resources{MinInterval: time.Millisecond, MaxInterval: time.Hour}
	zero := int64(0)
	for _, c := range []struct {
		req    Request
		detail string
	}{
		{Request{}, "name the mapping"},
		{Request{Mapping: "m", Layout: "l", Offset: &zero}, "not both"},
		{Request{Mapping: "m", Layout: "l", Length: &zero, Interval: "x", Event: "e"}, "layout (its frames) or offset"},
		{Request{Mapping: "m", Interval: "10ms", Event: "e"}, "interval or event"},
		{Request{Mapping: "m", MaxBytes: -1, Interval: "x"}, "max_bytes"},
		{Request{Mapping: "m", Interval: "10"}, "interval must be a duration from 1ms"},
		{Request{Mapping: "m", Interval: "1us"}, "interval must be"},
		{Request{Mapping: "m", Interval: "2h"}, "to 1h0m0s"},
		{Request{Mapping: "m", Interval: "0s"}, "interval must be"},
		{Request{Mapping: "m", MaxDuration: "-1s"}, "max_duration"},
		{Request{Mapping: "m", MaxDuration: "0s"}, "max_duration"},
	} {
		_, _, err := res.check(c.req)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%+v: %v, want ErrInvalid saying %q", c.req, err, c.detail)
		}
	}
	interval, lim, err := res.check(Request{Mapping: "m", MaxBytes: 100, MaxDuration: "1m"})
	if err != nil || interval != DefaultInterval || lim != (Limits{MaxBytes: 100, MaxDuration: time.Minute}) {
		t.Errorf("defaults: %v %+v %v", interval, lim, err)
	}
	if interval, _, err := res.check(Request{Mapping: "m", Interval: "1h"}); err != nil || interval != time.Hour {
		t.Errorf("the longest interval: %v %v", interval, err)
	}
}

// TestLayoutOf: a recording is decoded by a saved layout named, or by its own source compiled with the
// imports it keeps, whatever the store holds now; a range's has none of its own.
func TestLayoutOf(t *testing.T) {
	saved, err := layout.OpenStore("", layout.DefaultLimits, 16)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := saved.Put("vec", []byte("meta: {id: vec}\nseq:\n  - {id: y, type: u1}\n")); err != nil {
		t.Fatal(err)
	}
	if e, _, err := saved.Put("uses", []byte("meta: {id: uses, imports: [gone]}\nseq:\n  - {id: g, type: gone}\n")); err != nil || e.Layout != nil {
		t.Fatalf("importing a layout not saved yet: kept, waiting for it, not compiled: %v %+v", err, e)
	}
	saved.Put("gone", []byte("meta: {id: gone}\nseq:\n  - {id: z, type: u1}\n"))
	if _, _, err := saved.Put("uses", []byte("meta: {id: uses, imports: [gone]}\nseq:\n  - {id: g, type: gone}\n")); err != nil {
		t.Fatal(err)
	}
	if err := saved.Delete("gone"); err != nil { // uses no longer compiles
		t.Fatal(err)
	}
	own := Header{Layout: "pos", LayoutSource: "meta: {id: pos, imports: [vec]}\nseq:\n  - {id: p, type: vec}\n",
		LayoutImports: map[string]string{"vec": "meta: {id: vec}\nseq:\n  - {id: x, type: u1}\n"}}
	l, err := LayoutOf(own, saved, "")
	if err != nil || len(l.Fields) != 1 || l.Fields[0].Path != "p.x" {
		t.Fatalf("its own, with the import it keeps: %v %+v", err, l)
	}
	if l, err := LayoutOf(Header{}, saved, "vec"); err != nil || l.Fields[0].Path != "y" {
		t.Errorf("a saved one: %v", err)
	}
	if _, err := LayoutOf(Header{}, saved, ""); !errors.Is(err, ErrNoLayout) {
		t.Errorf("a range's: %v", err)
	}
	if _, err := LayoutOf(Header{}, saved, "none"); !errors.Is(err, layout.ErrNotFound) {
		t.Errorf("a saved one that is not: %v", err)
	}
	var nc *view.NotCompiledError
	if _, err := LayoutOf(Header{}, saved, "uses"); !errors.As(err, &nc) || nc.ID != "uses" || len(nc.Problems) == 0 {
		t.Errorf("a saved one that does not compile: %v", err)
	}
	bad := Header{Layout: "pos", LayoutSource: own.LayoutSource, LayoutImports: map[string]string{}}
	if _, err := LayoutOf(bad, saved, ""); err == nil || !strings.Contains(err.Error(), "the layout the recording was made with (pos)") {
		t.Errorf("an import it does not keep: %v", err)
	}
}
