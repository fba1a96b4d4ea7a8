package shm

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// listObjects passes visit every object of /dev/shm: regular files this user may open (shm_open and Python's
// SharedMemory make them; so does this package for events and mutexes, told apart by their magic).
func listObjects(visit func(Object)) error {
	d, err := os.Open(ShmDir)
	if err != nil {
		return fsError("list", ShmDir, "directory "+ShmDir, ShmDir, ReadOnly, err)
	}
	defer d.Close()
	for {
		// In batches: a /dev/shm of a million names costs the entries of one batch at a time.
		entries, err := d.ReadDir(1024)
		for _, e := range entries {
			if o, ok := objectAt(e); ok {
				visit(o)
			}
		}
		if err != nil {
			return nil // io.EOF, or a directory that went away under us: what was read is the answer
		}
	}
}

// objectAt describes the /dev/shm entry e, if it is a regular file this user may open (read-only at least).
func objectAt(e os.DirEntry) (Object, bool) {
	if !e.Type().IsRegular() {
		return Object{}, false
	}
	path := filepath.Join(ShmDir, e.Name())
	if unix.Access(path, unix.R_OK) != nil {
		return Object{}, false
	}
	info, err := e.Info()
	if err != nil {
		return Object{}, false
	}
	o := Object{Name: e.Name(), Kind: KindMapping, Type: "file", Size: info.Size()}
	if strings.HasPrefix(o.Name, "sem.") { // sem_open("/X") is /dev/shm/sem.X
		o.Kind, o.Type = "", "semaphore"
		return o, true
	}
	if o.Size == syncObjectSize {
		switch syncMagic(path) {
		case eventMagic:
			o.Kind = KindEvent
		case mutexMagic:
			o.Kind = KindMutex
		}
	}
	return o, true
}

// syncMagic reads the first word of a 32-byte object: an event's or a mutex's magic, or anything else.
func syncMagic(path string) uint32 {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return 0
	}
	defer f.Close()
	var b [4]byte
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return 0
	}
	return binary.NativeEndian.Uint32(b[:])
}
