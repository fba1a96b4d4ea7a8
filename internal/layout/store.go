package layout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
)

// Store keeps saved layouts as files (ID.ksy) in one directory and their compiled forms in memory. Imports
// resolve among them by id, never by path. Safe for concurrent use.
//
// What it holds is a snapshot, never changed once made: a read (Get, List, Compile's imports) takes the
// current one without a lock, and a compiled Layout it answers is its own to decode for as long as it likes.
// A write (Put, Delete) compiles what it changes, and only the layouts that import it (directly or not),
// against the snapshot it started from, with no lock held; it then takes the commit lock to check that none
// of what it read has changed meanwhile (or starts again), write the file and swap the new snapshot in.
//
// An import is compiled once per version: the layouts that import it take its compiled form (shared, never
// changed once compiled) rather than each compiling a copy of it from its source.
type Store struct {
	dir string
	lim Limits
	max int
	// compile is compileShared; a test counts or holds compiles through it.
	compile compileFunc

	snap atomic.Pointer[snapshot]
	mu   sync.Mutex // a commit: check, write the file, swap; never held while compiling or decoding
}

// snapshot is the store's layouts at one moment: never changed, replaced whole.
type snapshot struct {
	entries  map[string]*Entry
	builtins int // entries that are built in (not counted against max)
}

// Entry is one saved layout: its source, and either its compiled form or why it does not compile. It is never
// changed once the store holds it.
type Entry struct {
	ID       string
	Source   []byte
	Layout   *Layout  // nil when it does not compile
	Problems Problems // why it does not
	Builtin  bool     // one of the daemon's own (read-only)

	deps map[string]bool // every id its compile asked the store for (its imports, theirs…), found or not
}

// Errors of the store, for the API to map to its problems.
var (
	ErrNotFound   = errors.New("no such layout")
	ErrInvalidID  = errors.New("invalid layout id")
	ErrFull       = errors.New("too many layouts")
	ErrBuiltin    = errors.New("built-in layout")
	ErrConflict   = errors.New("the layouts kept changing while this change was compiled")
	ErrNotRegular = errors.New("not a regular file")
	ErrFileSize   = errors.New("file too large")
)

// MaxID is the longest layout id.
const MaxID = 64

// MaxSource is the most bytes of a layout's text the store takes: a PUT's body, a file read at start, each
// document a compile reads (DefaultLimits.Source). 256 KiB: the largest real layouts are a few KB, those
// generated from vendors' headers a few hundred; at it, parsing the worst YAML costs well under ~64 MB.
const MaxSource = 256 << 10

// compileFunc compiles a layout, taking the imports share answers as they are compiled.
type compileFunc func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error)

// maxAttempts bounds how often a write starts again because another changed what it read.
const maxAttempts = 8

// CheckID refuses what is not a layout id: lower-case letters, digits and _, starting with a letter (Kaitai's
// own rule for meta/id), at most MaxID long. A path (../../etc/passwd) is never an id.
func CheckID(id string) error {
	if len(id) > MaxID || !validID.MatchString(id) {
		return fmt.Errorf("%w %q: an id is lower-case letters, digits and _, starting with a letter, at most %d long", ErrInvalidID, id, MaxID)
	}
	return nil
}

// OpenStore is LoadStore that cannot be cancelled and does not say which files it skipped.
func OpenStore(dir string, lim Limits, max int) (*Store, error) {
	return LoadStore(context.Background(), dir, lim, max, nil)
}

// LoadStore loads every ID.ksy in dir (created, 0700, if missing); a file that does not compile is kept with
// its problems and does not stop the others. Only regular files of at most MaxSource bytes are read (never a
// symbolic link, a FIFO, a device); one that is not, or cannot be read, is left out and reported to skipped
// (when not nil), which never sees its contents. max caps how many layouts it keeps. dir "" keeps them in
// memory only. It ends with ctx's error when ctx ends first.
func LoadStore(ctx context.Context, dir string, lim Limits, max int, skipped func(file string, err error)) (*Store, error) {
	return loadStore(ctx, dir, lim, max, skipped, compileShared)
}

func loadStore(ctx context.Context, dir string, lim Limits, max int, skipped func(string, error), compile compileFunc) (*Store, error) {
	s := &Store{dir: dir, lim: lim, max: max, compile: compile}
	s.snap.Store(&snapshot{entries: map[string]*Entry{}})
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	srcs, err := readDir(dir, max, skipped)
	if err != nil {
		return nil, err
	}
	view := map[string]*Entry{}
	for id, src := range srcs {
		view[id] = &Entry{ID: id, Source: src}
	}
	entries, err := s.compileAll(ctx, view)
	if err != nil {
		return nil, err
	}
	s.snap.Store(&snapshot{entries: entries})
	return s, nil
}

// readDir reads the layout files of dir, by id: at most max of them.
func readDir(dir string, max int, skipped func(string, error)) (map[string][]byte, error) {
	if skipped == nil {
		skipped = func(string, error) {}
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	srcs := map[string][]byte{}
	for _, de := range des {
		id, ok := strings.CutSuffix(de.Name(), ".ksy")
		if !ok || CheckID(id) != nil {
			continue
		}
		if len(srcs) >= max {
			skipped(de.Name(), fmt.Errorf("%w: the store keeps at most %d layouts (-max-layouts)", ErrFull, max))
			continue
		}
		src, err := readFile(filepath.Join(dir, de.Name()))
		if err != nil {
			skipped(de.Name(), err)
			continue
		}
		srcs[id] = src
	}
	return srcs, nil
}

// readFile reads a layout's file: a regular file (not followed if a link) of at most MaxSource bytes.
func readFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s): only regular files are read, never what a link points to", ErrNotRegular, fi.Mode().Type())
	}
	if fi.Size() > MaxSource {
		return nil, fmt.Errorf("%w: %d bytes, over the %d a layout may be", ErrFileSize, fi.Size(), MaxSource)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if now, err := f.Stat(); err != nil || !os.SameFile(fi, now) {
		return nil, fmt.Errorf("%w: it was replaced while being opened", ErrNotRegular)
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxSource+1))
	if err == nil && len(src) > MaxSource {
		err = fmt.Errorf("%w: over the %d bytes a layout may be (it grew while being read)", ErrFileSize, MaxSource)
	}
	return src, err
}

// compileAll compiles every entry of view against view, one at a time (an import before its importers),
// stopping when ctx ends.
func (s *Store) compileAll(ctx context.Context, view map[string]*Entry) (map[string]*Entry, error) {
	out := make(map[string]*Entry, len(view))
	p := s.newPass(ctx, view)
	for id := range view {
		p.todo[id] = true
	}
	for _, id := range slices.Sorted(maps.Keys(view)) {
		done := make(chan *Entry, 1)
		go func() { done <- p.build(id) }() // one at a time: the pass is never used by two at once
		select {
		case e := <-done:
			out[id] = e
		case <-ctx.Done(): // the compile left behind ends within its budget; nothing waits for it
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// AddBuiltins adds layouts built into the daemon (id → source): read and listed as saved ones, never
// replaced, deleted or counted against the store's cap; a saved file of the same id is hidden by them. One
// that does not compile is an error (they are the daemon's own, tested).
func (s *Store) AddBuiltins(srcs map[string][]byte) error {
	ch := map[string]*Entry{}
	for id, src := range srcs {
		if err := CheckID(id); err != nil {
			return err
		}
		ch[id] = &Entry{ID: id, Source: src, Builtin: true}
	}
	done, err := s.write(ch, false, func(*snapshot) error { return nil })
	if err != nil {
		return err
	}
	for id := range srcs {
		if e := done[id]; e.Layout == nil {
			return fmt.Errorf("the built-in layout %s does not compile: %v", id, e.Problems)
		}
	}
	return nil
}

// Dir is where the layouts are kept.
func (s *Store) Dir() string { return s.dir }

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

func (s *Store) newPass(ctx context.Context, view map[string]*Entry) *pass {
	return &pass{s: s, ctx: ctx, view: view, todo: map[string]bool{}, done: map[string]*Entry{}, busy: map[string]bool{}}
}

// build compiles the entry id of the view (once), into a new entry.
func (p *pass) build(id string) *Entry {
	if out, ok := p.done[id]; ok {
		return out
	}
	e := p.view[id]
	out := &Entry{ID: e.ID, Source: e.Source, Builtin: e.Builtin, deps: map[string]bool{}}
	p.busy[id] = true
	out.Layout, out.Problems = p.s.compileOne(p.ctx, e.ID, e.Source, importerOf(p.view, out.deps), p.sharer(out.deps))
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
		return nil, Problems{{Path: "/meta/id", Detail: fmt.Sprintf("meta/id is %q, but the layout is saved as %q: they must agree (Kaitai names a layout by its meta/id)", l.ID, id)}}
	}
	return l, nil
}

// importerOf resolves imports among view's entries, noting in asked (when not nil) every id asked for.
func importerOf(view map[string]*Entry, asked map[string]bool) Importer {
	return func(_, name string) (string, []byte, error) {
		if err := CheckID(name); err != nil {
			return "", nil, fmt.Errorf("imports name saved layouts by id: %v", err)
		}
		if asked != nil {
			asked[name] = true
		}
		e, ok := view[name]
		if !ok || e == nil || e.Source == nil {
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
	return s.compile(ctx, src, importerOf(view, nil), s.newPass(ctx, view).sharer(nil), s.lim)
}

// change is a write worked out against one snapshot (base): the entries to swap in (nil: removed), and every
// entry its compiles read (nil: there was none), which must be as they were for it to be swapped in.
type change struct {
	base  *snapshot
	set   map[string]*Entry
	reads map[string]*Entry
}

// write compiles ch (id → an entry to compile; nil: removed) and every entry that imports one of its ids,
// directly or not, against the current snapshot with no lock held, then commits them (see commit). An entry of
// ch that does not compile refuses the write when strict (its Problems). It starts again when another write
// changed what this one read, at most maxAttempts times. It answers the entries swapped in.
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
		if w.set[id] = p.build(id); strict && w.set[id].Layout == nil {
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

// Put saves a layout under id: compiled first, and refused (Problems) if it does not compile. created is
// false when it replaced one. The layouts that import it are compiled again; no other is.
func (s *Store) Put(id string, src []byte) (e *Entry, created bool, err error) {
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
	set, err := s.write(map[string]*Entry{id: {ID: id, Source: src}}, true, func(now *snapshot) error {
		if err := admit(now); err != nil {
			return err
		}
		return s.saveFile(id, src)
	})
	if err != nil {
		return nil, false, err
	}
	return set[id], created, nil
}

func (s *Store) saveFile(id string, src []byte) error {
	if s.dir == "" {
		return nil
	}
	return atomicfile.WriteFile(filepath.Join(s.dir, id+".ksy"), src)
}

// Get answers the saved layout id.
func (s *Store) Get(id string) (*Entry, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	e, ok := s.snap.Load().entries[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	return e, nil
}

// List answers every saved layout, by id.
func (s *Store) List() []*Entry {
	entries := s.snap.Load().entries
	out := make([]*Entry, 0, len(entries))
	for _, e := range entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return out
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

func (s *Store) removeFile(id string) error {
	if s.dir == "" {
		return nil
	}
	if err := os.Remove(filepath.Join(s.dir, id+".ksy")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
