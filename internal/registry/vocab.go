package registry

import (
	"errors"

	"github.com/shmbridge/shmbridge/shm"
)

// The OS layer's vocabulary, as the registry's callers need it: what to ask for (options, modes, access),
// what comes back (errors, states, kinds). They are package shm's own types and values, named here so that
// the API reaches the OS through this package alone and never calls package shm itself.
type (
	Options      = shm.Options
	EventOptions = shm.EventOptions
	MutexOptions = shm.MutexOptions
	Mode         = shm.Mode
	Access       = shm.Access
	Error        = shm.Error
	MutexState   = shm.MutexState
	Observer     = shm.Observer
	Kind         = shm.Kind
	Object       = shm.Object
)

const (
	Create       = shm.Create
	OpenExisting = shm.OpenExisting
	OpenOrCreate = shm.OpenOrCreate
	ReadWrite    = shm.ReadWrite
	ReadOnly     = shm.ReadOnly

	KindMapping = shm.KindMapping
	KindEvent   = shm.KindEvent
	KindMutex   = shm.KindMutex
	KindOther   = shm.KindOther
)

// Kinds lists the kinds of object, in the order everything lists them.
var Kinds = shm.Kinds

// The OS layer's sentinel errors (see package shm), and the registry's own.
var (
	ErrExists       = shm.ErrExists
	ErrNotFound     = shm.ErrNotFound
	ErrAccessDenied = shm.ErrAccessDenied
	ErrOutOfRange   = shm.ErrOutOfRange
	ErrClosed       = shm.ErrClosed
	ErrInvalidName  = shm.ErrInvalidName
	ErrInvalid      = shm.ErrInvalid
	ErrReadOnly     = shm.ErrReadOnly
	ErrTooSmall     = shm.ErrTooSmall
	ErrFault        = shm.ErrFault
	ErrTimeout      = shm.ErrTimeout
	ErrNoSpace      = shm.ErrNoSpace
	ErrResources    = shm.ErrResources

	// ErrLimit: the registry holds its cap of objects of that kind already.
	ErrLimit = errors.New("registry: limit reached")
	// ErrNotHeld: a release of a mutex the daemon holds no lease on (or on another lease).
	ErrNotHeld = errors.New("registry: mutex not held")
	// ErrIncompatible: an open of a name the daemon holds already, asking for what the held object cannot
	// give (write access to one held read-only, a larger size, another file).
	ErrIncompatible = errors.New("registry: held already, incompatibly")
)

// MaxObjects caps Objects' answer.
const MaxObjects = shm.MaxObjects

// Key is the name's key in the OS's namespace (every spelling of one object has the same), or why the name
// is not valid (ErrInvalidName).
func Key(name string) (string, error) { return shm.Key(name) }
