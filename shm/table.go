package shm

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// namespace is the one set of names the registry's tables share. Mappings, events and mutexes live in one
// kernel namespace (Windows) or one directory (/dev/shm), so a name belongs to one kind at a time; and it stays
// taken while its object is being closed (a close lets transfers finish, then unlinks), since an open in that
// window would reopen the old object, which the unlink then takes away from every other program.
type namespace struct {
	mu    sync.Mutex
	names map[string]claim // by Key
}

type claim struct {
	kind    string
	closing bool
}

func newNamespace() *namespace { return &namespace{names: make(map[string]claim)} }

// take claims k for kind, in one step: no other open of the name, of any kind, can pass between the check and
// the claim.
func (n *namespace) take(k, name, op, kind string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c, ok := n.names[k]; ok {
		switch {
		case c.closing:
			return newErr(op, name, ErrExists, "this daemon is closing the "+c.kind+" of that name (transfers under way finish first): try again in a moment")
		case c.kind != kind:
			return newErr(op, name, ErrExists, "this daemon holds the name as a "+c.kind+" (mappings, events and mutexes share one namespace)")
		default:
			return newErr(op, name, ErrExists, "already open in this daemon")
		}
	}
	n.names[k] = claim{kind: kind}
	return nil
}

func (n *namespace) closing(k string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c, ok := n.names[k]; ok {
		c.closing = true
		n.names[k] = c
	}
}

func (n *namespace) release(k string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.names, k)
}

// table holds named objects of one kind by Key, up to max of them (0: no cap), their names claimed in the
// namespace it shares with the other kinds. Safe for concurrent use.
type table[T interface{ Name() string }] struct {
	what, whats string // "mutex", "mutexes": for messages
	flag        string // the daemon flag that sets the cap, for messages
	ns          *namespace

	mu      sync.Mutex
	entries map[string]T
}

func newTable[T interface{ Name() string }](ns *namespace, what, whats, flag string) *table[T] {
	return &table[T]{ns: ns, what: what, whats: whats, flag: flag, entries: make(map[string]T)}
}

// add opens an object with open and holds it under name's key, unless it already holds max objects (0: no
// cap; ErrLimit). A name the namespace has taken (held, or being closed, as any kind) is ErrExists: one daemon
// holds one handle of each object.
func (t *table[T]) add(name, op string, max int, open func() (T, error)) (T, error) {
	var zero T
	k, err := Key(name)
	if err != nil {
		return zero, err
	}
	if err := t.ns.take(k, name, op, t.what); err != nil {
		return zero, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if max > 0 && len(t.entries) >= max {
		t.ns.release(k)
		return zero, newErr(op, name, ErrLimit,
			fmt.Sprintf("the daemon holds %d %s, its limit (%s): close some first", len(t.entries), t.whats, t.flag))
	}
	v, err := open()
	if err != nil {
		t.ns.release(k)
		return zero, err
	}
	t.entries[k] = v
	return v, nil
}

// get returns the object held under name's key (any spelling of the same object).
func (t *table[T]) get(name string) (T, error) { return t.lookup(name, "get", false) }

// remove forgets name and returns what it held; the name stays taken, as closing, until release.
func (t *table[T]) remove(name string) (T, error) { return t.lookup(name, "close", true) }

// release frees the name of an object remove or removeAll returned, once it is closed (and unlinked).
func (t *table[T]) release(name string) {
	if k, err := Key(name); err == nil {
		t.ns.release(k)
	}
}

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
		t.ns.closing(k)
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
	for k, v := range t.entries {
		list = append(list, v)
		t.ns.closing(k)
	}
	t.entries = make(map[string]T)
	return list
}
