package shm

import (
	"cmp"
	"container/heap"
	"slices"
)

// Object is a named object the OS has: something Open, OpenEvent or OpenMutex could open by Name.
type Object struct {
	// Name is the name to open it by: the /dev/shm file name on Linux; Local\X (this session's namespace)
	// or Global\X on Windows.
	Name string
	// Kind is what this package opens it as; "" for other kinds of objects (semaphores, symbolic links, …).
	Kind Kind
	// Type is what the OS calls it: the object manager's type name on Windows (Section, Event, Mutant,
	// Semaphore, …); on Linux "file", or "semaphore" for a POSIX named semaphore (sem.X).
	Type string
	// Size is the object's size in bytes where the OS says it without opening it (Linux), else -1.
	Size int64
	// Unusable says why this package cannot open the object by its name (a name Key refuses: not valid UTF-8,
	// a control or bidirectional-text character, …); "" when it can.
	Unusable string
}

// KindOther is, in an ObjectFilter, the objects of no Kind.
const KindOther Kind = "other"

// MaxObjects caps what Objects returns (and keeps in memory while it reads): past it the list is cut, and
// Objects says so.
const MaxObjects = 10000

// ObjectFilter says which objects Objects lists.
type ObjectFilter struct {
	// Kind keeps only objects of this kind; KindOther for the rest; "" keeps all.
	Kind Kind
	// Keep, if set, marks names that are listed whatever the cap (the daemon's own objects).
	Keep func(name string) bool
}

// Objects lists the named objects the OS has that this user may open: the files of /dev/shm on Linux; on
// Windows the objects of this session's and of the global BaseNamedObjects directories. It filters first,
// keeps every object f.Keep marks, and of the others the first by name, then sorts and cuts to MaxObjects:
// whoever can make names cannot push out the ones that matter. truncated reports that more matched.
func Objects(f ObjectFilter) (objs []Object, truncated bool, err error) {
	var kept []Object
	rest := &byNameDesc{}
	matched := 0
	err = listObjects(func(o Object) {
		if o.Unusable == "" {
			o.Unusable = unusable(o.Name)
		}
		if k := cmp.Or(o.Kind, KindOther); f.Kind != "" && f.Kind != k {
			return
		}
		matched++
		if f.Keep != nil && f.Keep(o.Name) && len(kept) < MaxObjects {
			kept = append(kept, o)
			return
		}
		// The MaxObjects first names, in a heap whose top is the last of them: memory stays bounded however
		// many names there are.
		if rest.Len() < MaxObjects {
			heap.Push(rest, o)
		} else if o.Name < (*rest)[0].Name {
			(*rest)[0] = o
			heap.Fix(rest, 0)
		}
	})
	if err != nil {
		return nil, false, err
	}
	others := []Object(*rest)
	slices.SortFunc(others, byName)
	objs = append(kept, others[:min(len(others), MaxObjects-len(kept))]...)
	slices.SortFunc(objs, byName)
	return objs, matched > len(objs), nil
}

func byName(a, b Object) int { return cmp.Compare(a.Name, b.Name) }

// unusable is why Key refuses name, or "".
func unusable(name string) string {
	if _, err := Key(name); err != nil {
		if e, ok := err.(*Error); ok && e.Detail != "" {
			return e.Detail
		}
		return err.Error()
	}
	return ""
}

// byNameDesc is a max-heap of objects by name (container/heap).
type byNameDesc []Object

func (h byNameDesc) Len() int           { return len(h) }
func (h byNameDesc) Less(i, j int) bool { return h[i].Name > h[j].Name }
func (h byNameDesc) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *byNameDesc) Push(x any)        { *h = append(*h, x.(Object)) }
func (h *byNameDesc) Pop() any {
	old := *h
	o := old[len(old)-1]
	*h = old[:len(old)-1]
	return o
}
