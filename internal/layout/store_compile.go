package layout

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"go.yaml.in/yaml/v3"
)

// pass is one round of compiles against one view of the store (id → the entry as it is to be; nil: none).
// Each entry of todo is compiled once, an import before the layouts that import it, and an import is handed
// to its importers compiled (shared, never changed): as compiled in this pass when it is in todo, as the
// view holds it otherwise. Not for use by two goroutines at once.
type pass struct {
	s    *Store
	ctx  context.Context // its end stops the compiles
	view map[string]*Entry
	todo map[string]bool   // ids to compile in this pass
	done map[string]*Entry // compiled in this pass
	busy map[string]bool   // being compiled: an import cycle back to one compiles it from its source
}

// newPass starts a pass against view.
func (s *Store) newPass(ctx context.Context, view map[string]*Entry) *pass {
	return &pass{s: s, ctx: ctx, view: view, todo: map[string]bool{}, done: map[string]*Entry{}, busy: map[string]bool{}}
}

// build compiles the entry id of the view (once), into a new entry.
func (p *pass) build(id string) *Entry {
	if out, ok := p.done[id]; ok {
		return out
	}
	e := p.view[id]
	out := &Entry{ID: e.ID, Source: e.Source, C: e.C, Builtin: e.Builtin, deps: map[string]bool{}}
	p.busy[id] = true
	out.Layout, out.Problems = p.s.compileOne(p.ctx, e.ID, e.Source, importerOf(p.view, out.deps, &out.waiting), p.sharer(out.deps))
	if out.Layout == nil && out.waiting {
		if mid := metaID(e.Source); mid != e.ID { // refused now, not once what it waits for is saved
			out.waiting = false
			out.Problems = append(Problems{idMismatch(mid, e.ID)}, out.Problems...)
		}
	}
	delete(p.busy, id)
	p.done[id] = out
	return out
}

// sharer answers an import compiled, adding what it depends on to deps (when not nil): what a compile that
// takes it asks for is then as if it had compiled it.
func (p *pass) sharer(deps map[string]bool) Shared {
	return func(id string) *Layout {
		e := p.view[id]
		if p.busy[id] {
			return nil
		}
		if p.todo[id] {
			e = p.build(id)
		}
		if e == nil || e.Layout == nil {
			return nil // compiled from its source: its problems are told where it is imported
		}
		if deps != nil {
			maps.Copy(deps, e.deps)
		}
		return e.Layout
	}
}

// compileOne compiles the layout saved as id, refusing one whose meta/id is not id.
func (s *Store) compileOne(ctx context.Context, id string, src []byte, imp Importer, share Shared) (*Layout, Problems) {
	l, err := s.compile(ctx, src, imp, share, s.lim)
	if err != nil {
		var ps Problems
		if errors.As(err, &ps) {
			return nil, ps
		}
		return nil, Problems{{Path: "/", Detail: err.Error()}}
	}
	if l.ID != id {
		return nil, Problems{idMismatch(l.ID, id)}
	}
	return l, nil
}

// idMismatch is the problem of a layout whose meta/id is not the id it is saved as.
func idMismatch(metaID, id string) Problem {
	return Problem{Path: "/meta/id", Detail: fmt.Sprintf("meta/id is %q, but the layout is saved as %q: they must agree (Kaitai names a layout by its meta/id)", metaID, id)}
}

// metaID is the meta/id src declares ("" when it does not parse): read alone, for a layout whose compile
// stopped at an import not saved yet.
func metaID(src []byte) string {
	var doc struct {
		Meta struct {
			ID string `yaml:"id"`
		} `yaml:"meta"`
	}
	if yaml.Unmarshal(src, &doc) != nil {
		return ""
	}
	return doc.Meta.ID
}

// importerOf resolves imports among view's entries, noting in asked (when not nil) every id asked for, and in
// missing (when not nil) whether one was not found.
func importerOf(view map[string]*Entry, asked map[string]bool, missing *bool) Importer {
	return func(_, name string) (string, []byte, error) {
		if err := CheckID(name); err != nil {
			return "", nil, fmt.Errorf("imports name saved layouts by id: %v", err)
		}
		if asked != nil {
			asked[name] = true
		}
		e, ok := view[name]
		if !ok || e == nil || e.Source == nil {
			if missing != nil {
				*missing = true
			}
			return "", nil, fmt.Errorf("no saved layout %q to import", name)
		}
		return name, e.Source, nil
	}
}

// Compile compiles a layout that is not saved (POST …/decode), its imports resolved among the saved ones as
// they are now (and taken compiled). No lock is held while it compiles.
func (s *Store) Compile(src []byte) (*Layout, error) {
	return s.CompileContext(context.Background(), src)
}

// CompileContext is Compile that stops, with ctx's error, soon after ctx ends (see CompileContext).
func (s *Store) CompileContext(ctx context.Context, src []byte) (*Layout, error) {
	view := s.snap.Load().entries
	return s.compile(ctx, src, importerOf(view, nil, nil), s.newPass(ctx, view).sharer(nil), s.lim)
}
