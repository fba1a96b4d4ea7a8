package shm

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// table holds named objects of one kind by Key, up to max of them (0: no cap). Safe for concurrent use.
type table[T interface{ Name() string }] struct {
	what, whats string // "mutex", "mutexes": for messages
	flag        string // the daemon flag that sets the cap, for messages

	mu      sync.Mutex
	entries map[string]T
}

func newTable[T interface{ Name() string }](what, whats, flag string) *table[T] {
	return &table[T]{what: what, whats: whats, flag: flag, entries: make(map[string]T)}
}

// add opens an object with open and holds it under name's key, unless it already holds max objects (0: no
// cap; ErrLimit). A key already held is ErrExists: one daemon holds one handle of each object.
func (t *table[T]) add(name, op string, max int, open func() (T, error)) (T, error) {
	var zero T
	k, err := Key(name)
	if err != nil {
		return zero, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.entries[k]; ok {
		return zero, newErr(op, name, ErrExists, "already open in this daemon")
	}
	if max > 0 && len(t.entries) >= max {
		return zero, newErr(op, name, ErrLimit,
			fmt.Sprintf("the daemon holds %d %s, its limit (%s): close some first", len(t.entries), t.whats, t.flag))
	}
	v, err := open()
	if err != nil {
		return zero, err
	}
	t.entries[k] = v
	return v, nil
}

// has reports whether the table holds name's key.
func (t *table[T]) has(k string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.entries[k]
	return ok
}

// get returns the object held under name's key (any spelling of the same object).
func (t *table[T]) get(name string) (T, error) { return t.lookup(name, "get", false) }

// remove forgets name and returns what it held.
func (t *table[T]) remove(name string) (T, error) { return t.lookup(name, "close", true) }

func (t *table[T]) lookup(name, op string, forget bool) (T, error) {
	var zero T
	k, err := Key(name)
	if err != nil {
		return zero, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.entries[k]
	if !ok {
		return zero, t.notFound(op, name)
	}
	if forget {
		delete(t.entries, k)
	}
	return v, nil
}

// list returns the held objects sorted by name.
func (t *table[T]) list() []T {
	t.mu.Lock()
	list := make([]T, 0, len(t.entries))
	for _, v := range t.entries {
		list = append(list, v)
	}
	t.mu.Unlock()
	slices.SortFunc(list, func(a, b T) int { return strings.Compare(a.Name(), b.Name()) })
	return list
}

func (t *table[T]) notFound(op, name string) error {
	return newErr(op, name, ErrNotFound, "no "+t.what+" by that name is open in this daemon")
}

// removeAll forgets every object and returns them.
func (t *table[T]) removeAll() []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := make([]T, 0, len(t.entries))
	for _, v := range t.entries {
		list = append(list, v)
	}
	t.entries = make(map[string]T)
	return list
}
