package registry

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// table is the one table of every name the daemon holds, of any kind, by Key: that a name holds one kind at a
// time is so by construction, not by a check across tables. A name is taken from the moment an open begins
// until its close is done (a close lets transfers finish, then unlinks; an open in that window would reopen
// the old object, which the unlink then takes away from every other program). Safe for concurrent use.
type table struct {
	mu    sync.Mutex
	slots map[string]*slot
	count map[Kind]int // slots of each kind, opening and open (not closing)
}

// slot is one taken name.
type slot struct {
	kind    Kind
	obj     named // nil while the open is under way
	closing bool
}

type named interface{ Name() string }

func newTable() *table { return &table{slots: make(map[string]*slot), count: make(map[Kind]int)} }

// add takes name for an object of kind k and opens it with open (outside the lock), unless the name is taken
// or the table holds max of that kind already (0: no cap; ErrLimit). A name the table holds open already, of
// kind k, is the answer to an open (mode OpenExisting or OpenOrCreate) if compatible says it can serve it:
// then already is true. Anything else taken is ErrExists, saying why.
func add[T named](t *table, k Kind, name string, mode Mode, max int, compatible func(T) error, open func() (T, error)) (obj T, already bool, err error) {
	var zero T
	key, err := Key(name)
	if err != nil {
		return zero, false, err
	}
	op := mode.String()
	t.mu.Lock()
	if s, ok := t.slots[key]; ok && s.kind == k && s.obj != nil && !s.closing && mode != Create {
		held := s.obj.(T)
		t.mu.Unlock()
		if err := compatible(held); err != nil {
			return zero, false, err
		}
		return held, true, nil
	}
	if err := t.takeLocked(key, k, name, op, max); err != nil {
		t.mu.Unlock()
		return zero, false, err
	}
	t.mu.Unlock()

	v, err := open()

	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		delete(t.slots, key)
		t.count[k]--
		return zero, false, err
	}
	t.slots[key].obj = v
	return v, false, nil
}

func (t *table) takeLocked(key string, k Kind, name, op string, max int) error {
	if s, ok := t.slots[key]; ok {
		var why string
		switch {
		case s.closing:
			why = "this daemon is closing the " + string(s.kind) + " of that name (transfers under way finish first): try again in a moment"
		case s.kind != k:
			why = "this daemon holds the name as a " + string(s.kind) + " (mappings, events and mutexes share one namespace)"
		case s.obj == nil:
			why = "another request is opening it in this daemon"
		default:
			why = "already open in this daemon (to use it, open it with mode open or open_or_create)"
		}
		return &Error{Op: op, Name: name, Err: ErrExists, Detail: why}
	}
	if max > 0 && t.count[k] >= max {
		return &Error{Op: op, Name: name, Err: ErrLimit,
			Detail: fmt.Sprintf("the daemon holds %d %s, its limit: close some first", t.count[k], k.Plural())}
	}
	t.slots[key] = &slot{kind: k}
	t.count[k]++
	return nil
}

// get returns the open object of kind k called name (any spelling of the same object).
func get[T named](t *table, k Kind, name string) (T, error) {
	return lookup[T](t, k, name, "get", false)
}

// remove forgets the object of kind k called name and returns it; the name stays taken, as closing, until
// release.
func remove[T named](t *table, k Kind, name string) (T, error) {
	return lookup[T](t, k, name, "close", true)
}

func lookup[T named](t *table, k Kind, name, op string, forget bool) (T, error) {
	var zero T
	key, err := Key(name)
	if err != nil {
		return zero, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.slots[key]
	if !ok || s.kind != k || s.obj == nil || s.closing {
		return zero, &Error{Op: op, Name: name, Err: ErrNotFound, Detail: "no " + string(k) + " by that name is open in this daemon"}
	}
	if forget {
		s.closing = true
		t.count[k]--
	}
	return s.obj.(T), nil
}

// release frees a name remove or removeAll returned the object of, once that object is closed (and unlinked).
func (t *table) release(name string) {
	key, err := Key(name)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.slots, key)
}

// list returns the open objects of kind k sorted by name.
func list[T named](t *table, k Kind) []T {
	t.mu.Lock()
	var objs []T
	for _, s := range t.slots {
		if s.kind == k && s.obj != nil && !s.closing {
			objs = append(objs, s.obj.(T))
		}
	}
	t.mu.Unlock()
	slices.SortFunc(objs, func(a, b T) int { return strings.Compare(a.Name(), b.Name()) })
	return objs
}

// removeAll forgets every open object of kind k and returns them, their names closing until release.
func removeAll[T named](t *table, k Kind) []T {
	t.mu.Lock()
	defer t.mu.Unlock()
	var objs []T
	for _, s := range t.slots {
		if s.kind == k && s.obj != nil && !s.closing {
			s.closing = true
			t.count[k]--
			objs = append(objs, s.obj.(T))
		}
	}
	return objs
}

// holds reports the kind of object the table holds under name's key ("" if none, or if name is invalid).
func (t *table) holds(name string) Kind {
	key, err := Key(name)
	if err != nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.slots[key]; ok && s.obj != nil && !s.closing {
		return s.kind
	}
	return ""
}
