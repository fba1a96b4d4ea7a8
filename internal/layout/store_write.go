package layout

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
)

// change is a write worked out against one snapshot (base): the entries to swap in (nil: removed), and every
// entry its compiles read (nil: there was none), which must be as they were for it to be swapped in.
type change struct {
	base  *snapshot
	set   map[string]*Entry
	reads map[string]*Entry
}

// write compiles ch (id → an entry to compile; nil: removed) and every entry that imports one of its ids,
// directly or not, against the current snapshot with no lock held, then commits them (see commit). An entry of
// ch that does not compile refuses the write when strict (its Problems), unless it imports a layout not saved
// yet: it is then kept, waiting for it (two layouts that import each other are saved one after the other). It
// starts again when another write changed what this one read, at most maxAttempts times. It answers the
// entries swapped in.
func (s *Store) write(ch map[string]*Entry, strict bool, check func(now *snapshot) error) (map[string]*Entry, error) {
	for range maxAttempts {
		w, err := s.prepare(s.snap.Load(), ch, strict)
		if err != nil {
			return nil, err
		}
		if ok, err := s.commit(w, check); ok || err != nil {
			return w.set, err
		}
	}
	return nil, fmt.Errorf("%w: try again", ErrConflict)
}

// prepare compiles ch and its dependents against cur, with ch in place.
func (s *Store) prepare(cur *snapshot, ch map[string]*Entry, strict bool) (*change, error) {
	view := maps.Clone(cur.entries)
	maps.Copy(view, ch)
	w := &change{base: cur, set: map[string]*Entry{}, reads: map[string]*Entry{}}
	p := s.newPass(context.Background(), view)
	deps := dependents(cur.entries, ch)
	for _, id := range deps {
		p.todo[id] = true
	}
	for id, e := range ch {
		p.todo[id] = e != nil
	}
	for id, e := range ch {
		if w.set[id] = e; e == nil {
			continue
		}
		if w.set[id] = p.build(id); strict && w.set[id].Layout == nil && !w.set[id].waiting {
			return nil, w.set[id].Problems
		}
	}
	for _, id := range deps {
		w.set[id] = p.build(id)
	}
	for id, e := range w.set {
		w.reads[id] = cur.entries[id]
		for d := range e.depsOrNil() {
			w.reads[d] = cur.entries[d]
		}
	}
	return w, nil
}

// depsOrNil is e's deps, nil for no entry.
func (e *Entry) depsOrNil() map[string]bool {
	if e == nil {
		return nil
	}
	return e.deps
}

// dependents are the ids of entries that import one of ch's ids, directly or not (deps is transitive), sorted.
func dependents(entries, ch map[string]*Entry) []string {
	var out []string
	for id, e := range entries {
		if _, changed := ch[id]; !changed && e.dependsOn(ch) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// dependsOn says whether e's compile asked for one of ids.
func (e *Entry) dependsOn(ids map[string]*Entry) bool {
	for id := range ids {
		if e.deps[id] {
			return true
		}
	}
	return false
}

// commit swaps w in, under the commit lock, when nothing it read has changed since its snapshot and no
// layout saved since imports what it changes (false otherwise: compile again); check, given the snapshot w
// would apply to, may refuse it and does the file's part, so that the files change in the order the
// snapshots do.
func (s *Store) commit(w *change, check func(now *snapshot) error) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.snap.Load()
	if now != w.base && !w.still(now) {
		return false, nil
	}
	if err := check(now); err != nil {
		return false, err
	}
	s.snap.Store(w.apply(now))
	return true, nil
}

// still says whether w, worked out against its base, holds for now.
func (w *change) still(now *snapshot) bool {
	for id, e := range w.reads {
		if now.entries[id] != e {
			return false
		}
	}
	for id, e := range now.entries {
		if e != w.base.entries[id] && e.dependsOn(w.set) {
			return false
		}
	}
	return true
}

// apply answers now with w's entries in place.
func (w *change) apply(now *snapshot) *snapshot {
	next := &snapshot{entries: maps.Clone(now.entries), builtins: now.builtins}
	for id, e := range w.set {
		if old := next.entries[id]; old != nil && old.Builtin {
			next.builtins--
		}
		if e == nil {
			delete(next.entries, id)
			continue
		}
		if e.Builtin {
			next.builtins++
		}
		next.entries[id] = e
	}
	return next
}

// Put saves a layout under id: compiled first, and refused (Problems) if it does not compile, unless it imports
// a layout not saved yet: it is then kept with its problems, and compiled again when that layout is saved (as
// two that import each other must be). created is false when it replaced one. The layouts that import it are
// compiled again; no other is.
func (s *Store) Put(id string, src []byte) (e *Entry, created bool, err error) {
	return s.put(id, src, nil)
}

// PutConverted saves a layout converted from a C header as Put does, keeping the header beside it.
func (s *Store) PutConverted(id string, src, c []byte) (e *Entry, created bool, err error) {
	return s.put(id, src, slices.Clone(c))
}

// put saves src (converted from c, when not nil) under id.
func (s *Store) put(id string, src, c []byte) (e *Entry, created bool, err error) {
	if err := CheckID(id); err != nil {
		return nil, false, err
	}
	admit := func(now *snapshot) error {
		old, had := now.entries[id]
		created = !had
		if had && old.Builtin {
			return fmt.Errorf("%w %q is read-only: save yours under another id", ErrBuiltin, id)
		}
		if saved := len(now.entries) - now.builtins; !had && saved >= s.max {
			return fmt.Errorf("%w: %d are saved, the most this daemon keeps (-max-layouts)", ErrFull, saved)
		}
		return nil
	}
	if err := admit(s.snap.Load()); err != nil {
		return nil, false, err
	}
	src = slices.Clone(src)
	set, err := s.write(map[string]*Entry{id: {ID: id, Source: src, C: c}}, true, func(now *snapshot) error {
		if err := admit(now); err != nil {
			return err
		}
		return s.saveFile(id, src, c)
	})
	if err != nil {
		return nil, false, err
	}
	return set[id], created, nil
}

// saveFile writes src as the file of id, atomically, and the C header it was converted from beside it (or
// removes one a previous save left). A store in memory has no files.
func (s *Store) saveFile(id string, src, c []byte) error {
	if s.dir == "" {
		return nil
	}
	h := filepath.Join(s.dir, id+".h")
	var err error
	if c != nil {
		err = atomicfile.WriteFile(h, c)
	} else if err = os.Remove(h); errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(s.dir, id+".ksy"), src)
}

// Delete removes a saved layout and its file; layouts that import it stop compiling (and say so).
func (s *Store) Delete(id string) error {
	if err := CheckID(id); err != nil {
		return err
	}
	admit := func(now *snapshot) error {
		e, ok := now.entries[id]
		if !ok {
			return fmt.Errorf("%w %q", ErrNotFound, id)
		}
		if e.Builtin {
			return fmt.Errorf("%w %q is read-only", ErrBuiltin, id)
		}
		return nil
	}
	if err := admit(s.snap.Load()); err != nil {
		return err
	}
	_, err := s.write(map[string]*Entry{id: nil}, false, func(now *snapshot) error {
		if err := admit(now); err != nil {
			return err
		}
		return s.removeFile(id)
	})
	return err
}

// removeFile removes the file of id: a store in memory has none, and one already gone is no error.
func (s *Store) removeFile(id string) error {
	if s.dir == "" {
		return nil
	}
	for _, f := range []string{id + ".ksy", id + ".h"} {
		if err := os.Remove(filepath.Join(s.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
