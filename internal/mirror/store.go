package mirror

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
)

// DefaultMax is how many mirrors a store keeps by default.
const DefaultMax = 64

// Store keeps the mirrors in one JSON file (or in memory only), written whole at each change. Safe for
// concurrent use.
type Store struct {
	path string
	max  int

	mu   sync.Mutex
	byID map[string]Spec
}

// Open loads the mirrors kept at path (none if there is no file yet; "": in memory only), keeping at most max
// (0: DefaultMax).
func Open(path string, max int) (*Store, error) {
	s := &Store{path: path, max: max, byID: map[string]Spec{}}
	if s.max <= 0 {
		s.max = DefaultMax
	}
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	var specs []Spec
	if err := json.Unmarshal(data, &specs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, sp := range specs {
		if sp.ID == "" {
			return nil, fmt.Errorf("%s: a mirror without an id", path)
		}
		s.byID[sp.ID] = sp
	}
	return s, nil
}

// List is every mirror, by id.
func (s *Store) List() []Spec {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]Spec, 0, len(s.byID))
	for _, sp := range s.byID {
		list = append(list, sp)
	}
	slices.SortFunc(list, func(a, b Spec) int { return strings.Compare(a.ID, b.ID) })
	return list
}

// Get is the mirror id.
func (s *Store) Get(id string) (Spec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.byID[id]
	if !ok {
		return sp, fail(ErrNotFound, "no mirror has id %q (GET /v1/mirrors lists them)", id)
	}
	return sp, nil
}

// add keeps sp under a new id, unless the store is full or another mirror writes into the same local name
// (key: shm.Key's identity of a name).
func (s *Store) add(sp Spec, key func(string) string) (Spec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= s.max {
		return sp, fail(ErrFull, "%d mirrors are kept already (-max-mirrors): delete one first", s.max)
	}
	for _, o := range s.byID {
		for _, theirs := range o.Pages() {
			for _, ours := range sp.Pages() {
				if key(theirs.As) == key(ours.As) {
					return sp, fail(ErrTaken, "mirror %s writes into %s already", o.ID, theirs.As)
				}
			}
		}
	}
	sp.ID = "m" + strings.ToLower(rand.Text()[:12])
	s.byID[sp.ID] = sp
	if err := s.write(); err != nil {
		delete(s.byID, sp.ID)
		return sp, err
	}
	return sp, nil
}

// forget drops the mirror id (and writes the file).
func (s *Store) forget(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		return fail(ErrNotFound, "no mirror has id %q (GET /v1/mirrors lists them)", id)
	}
	delete(s.byID, id)
	return s.write()
}

// write writes the file whole (mode 0600, in a directory only the daemon's user can open); s.mu is held.
func (s *Store) write() error {
	if s.path == "" {
		return nil
	}
	list := make([]Spec, 0, len(s.byID))
	for _, sp := range s.byID {
		list = append(list, sp)
	}
	slices.SortFunc(list, func(a, b Spec) int { return strings.Compare(a.ID, b.ID) })
	data, err := json.MarshalIndent(list, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("keeping the mirrors in %s: %w", s.path, err)
	}
	return nil
}
