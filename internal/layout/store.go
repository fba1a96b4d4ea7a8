package layout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
)

// Store keeps saved layouts as files (ID.ksy) in one directory and their compiled forms in memory. Imports
// resolve among them by id, never by path. Safe for concurrent use.
type Store struct {
	dir string
	lim Limits
	max int

	mu       sync.RWMutex
	entries  map[string]*Entry
	builtins int // entries that are built in (not counted against max)
}

// Entry is one saved layout: its source, and either its compiled form or why it does not compile.
type Entry struct {
	ID       string
	Source   []byte
	Layout   *Layout  // nil when it does not compile
	Problems Problems // why it does not
	Builtin  bool     // one of the daemon's own (read-only)
}

// Errors of the store, for the API to map to its problems.
var (
	ErrNotFound  = errors.New("no such layout")
	ErrInvalidID = errors.New("invalid layout id")
	ErrFull      = errors.New("too many layouts")
	ErrBuiltin   = errors.New("built-in layout")
)

// MaxID is the longest layout id.
const MaxID = 64

// CheckID refuses what is not a layout id: lower-case letters, digits and _, starting with a letter (Kaitai's
// own rule for meta/id), at most MaxID long. A path (../../etc/passwd) is never an id.
func CheckID(id string) error {
	if len(id) > MaxID || !validID.MatchString(id) {
		return fmt.Errorf("%w %q: an id is lower-case letters, digits and _, starting with a letter, at most %d long", ErrInvalidID, id, MaxID)
	}
	return nil
}

// OpenStore loads every ID.ksy in dir (created, 0700, if missing); a file that does not compile is kept with
// its problems and does not stop the others. max caps how many layouts it keeps. dir "" keeps them in memory
// only.
func OpenStore(dir string, lim Limits, max int) (*Store, error) {
	if dir == "" {
		return &Store{lim: lim, max: max, entries: map[string]*Entry{}}, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &Store{dir: dir, lim: lim, max: max, entries: map[string]*Entry{}}
	names, err := filepath.Glob(filepath.Join(dir, "*.ksy"))
	if err != nil {
		return nil, err
	}
	for _, p := range names {
		id := strings.TrimSuffix(filepath.Base(p), ".ksy")
		if CheckID(id) != nil || len(s.entries) >= max {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			s.entries[id] = &Entry{ID: id, Problems: Problems{{Path: "/", Detail: err.Error()}}}
			continue
		}
		s.entries[id] = &Entry{ID: id, Source: src}
	}
	s.mu.Lock()
	s.recompileLocked()
	s.mu.Unlock()
	return s, nil
}

// AddBuiltins adds layouts built into the daemon (id → source): read and listed as saved ones, never
// replaced, deleted or counted against the store's cap; a saved file of the same id is hidden by them. One
// that does not compile is an error (they are the daemon's own, tested).
func (s *Store) AddBuiltins(srcs map[string][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, src := range srcs {
		if err := CheckID(id); err != nil {
			return err
		}
		if e, ok := s.entries[id]; !ok || !e.Builtin {
			s.builtins++
		}
		s.entries[id] = &Entry{ID: id, Source: src, Builtin: true}
	}
	s.recompileLocked()
	for id := range srcs {
		if e := s.entries[id]; e.Layout == nil {
			return fmt.Errorf("the built-in layout %s does not compile: %v", id, e.Problems)
		}
	}
	return nil
}

// Dir is where the layouts are kept.
func (s *Store) Dir() string { return s.dir }

// recompileLocked compiles every entry again: an import may have changed.
func (s *Store) recompileLocked() {
	for _, e := range s.entries {
		if e.Source == nil {
			continue
		}
		e.Layout, e.Problems = s.compileLocked(e.ID, e.Source)
	}
}

func (s *Store) compileLocked(id string, src []byte) (*Layout, Problems) {
	l, err := Compile(src, s.importerLocked(), s.lim)
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

func (s *Store) importerLocked() Importer {
	return func(_, name string) (string, []byte, error) {
		if err := CheckID(name); err != nil {
			return "", nil, fmt.Errorf("imports name saved layouts by id: %v", err)
		}
		e, ok := s.entries[name]
		if !ok || e.Source == nil {
			return "", nil, fmt.Errorf("no saved layout %q to import", name)
		}
		return name, e.Source, nil
	}
}

// Compile compiles a layout that is not saved (POST …/decode), its imports resolved among the saved ones.
func (s *Store) Compile(src []byte) (*Layout, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Compile(src, s.importerLocked(), s.lim)
}

// Put saves a layout under id: compiled first, and refused (Problems) if it does not compile. created is
// false when it replaced one.
func (s *Store) Put(id string, src []byte) (e *Entry, created bool, err error) {
	if err := CheckID(id); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, had := s.entries[id]
	if had && old.Builtin {
		return nil, false, fmt.Errorf("%w %q is read-only: save yours under another id", ErrBuiltin, id)
	}
	if saved := len(s.entries) - s.builtins; !had && saved >= s.max {
		return nil, false, fmt.Errorf("%w: %d are saved, the most this daemon keeps (-max-layouts)", ErrFull, saved)
	}
	l, ps := s.compileLocked(id, src)
	if ps != nil {
		return nil, false, ps
	}
	if s.dir != "" {
		if err := atomicfile.WriteFile(filepath.Join(s.dir, id+".ksy"), src); err != nil {
			return nil, false, err
		}
	}
	e = &Entry{ID: id, Source: slices.Clone(src), Layout: l}
	s.entries[id] = e
	s.recompileLocked()
	return s.entries[id], !had, nil
}

// Get answers the saved layout id.
func (s *Store) Get(id string) (*Entry, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.entries[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	return e, nil
}

// List answers every saved layout, by id.
func (s *Store) List() []*Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Entry, 0, len(s.entries))
	for _, e := range s.entries {
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
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return fmt.Errorf("%w %q", ErrNotFound, id)
	}
	if e.Builtin {
		return fmt.Errorf("%w %q is read-only", ErrBuiltin, id)
	}
	if s.dir != "" {
		if err := os.Remove(filepath.Join(s.dir, id+".ksy")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	delete(s.entries, id)
	s.recompileLocked()
	return nil
}
