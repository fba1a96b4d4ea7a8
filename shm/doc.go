// Package shm maps named shared memory: Windows named file mappings and, on Linux, POSIX shared memory objects
// in /dev/shm (the names shm_open and Python's multiprocessing.shared_memory use).
//
// A Mapping is safe for concurrent use, including Close while copies are in flight: every copy holds the read
// side of a per-mapping lock and Close takes the write side, so no copy ever touches an unmapped view. A memory
// fault during a copy (another process truncated the object under the view) becomes ErrFault instead of killing
// the process.
//
// This package knows nothing of HTTP.
package shm

// The Windows calls x/sys lacks are //sys lines next to the code that calls them; this writes their bindings.
//go:generate go tool mkwinsyscall -output zsyscall_windows.go shm_windows.go event_windows.go mutex_windows.go objects_windows.go
