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
	// C is the C header the layout was converted from (kept as ID.h beside ID.ksy); nil for a .ksy saved as
	// it is.
	C []byte

	deps    map[string]bool // every id its compile asked the store for (its imports, theirs…), found or not
	waiting bool            // one of them was not found: it may compile once that layout is saved
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

// loadStore is LoadStore compiling with compile.
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
		view[id] = &Entry{ID: id, Source: src, C: readC(dir, id, skipped)}
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

// readC reads the C header a saved layout was converted from, if it has one (ID.h): what it cannot read is
// left out, with a word to skipped.
func readC(dir, id string, skipped func(string, error)) []byte {
	c, err := readFile(filepath.Join(dir, id+".h"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		if skipped != nil {
			skipped(id+".h", err)
		}
		return nil
	}
	return c
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
