package shm

import (
	"cmp"
	"slices"
)

// Object is a named object the OS has: something Open, OpenEvent or OpenMutex could open by Name.
type Object struct {
	// Name is the name to open it by: the /dev/shm file name on Linux; Local\X (this session's namespace)
	// or Global\X on Windows.
	Name string
	// Kind is "mapping", "event" or "mutex"; "" for other kinds of objects (semaphores, symbolic links, …).
	Kind string
	// Type is what the OS calls it: the object manager's type name on Windows (Section, Event, Mutant,
	// Semaphore, …); on Linux "file", or "semaphore" for a POSIX named semaphore (sem.X).
	Type string
	// Size is the object's size in bytes where the OS says it without opening it (Linux), else -1.
	Size int64
}

// MaxObjects caps what Objects returns (and keeps in memory while it reads): past it the list is cut, and
// Objects says so.
const MaxObjects = 10000

// Objects lists the named objects the OS has that this user may open: the files of /dev/shm on Linux; on
// Windows the objects of this session's and of the global BaseNamedObjects directories. truncated reports
// that there were more than MaxObjects.
func Objects() (objs []Object, truncated bool, err error) {
	objs, err = listObjects(MaxObjects + 1)
	if err != nil {
		return nil, false, err
	}
	if truncated = len(objs) > MaxObjects; truncated {
		objs = objs[:MaxObjects]
	}
	slices.SortFunc(objs, func(a, b Object) int { return cmp.Compare(a.Name, b.Name) })
	return objs, truncated, nil
}
