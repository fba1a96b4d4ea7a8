package shm

// Kind is a kind of named object this package opens. Mappings, events and mutexes share one namespace (one
// kernel namespace on Windows, one directory on Linux): a name holds one kind at a time.
type Kind string

const (
	KindMapping Kind = "mapping"
	KindEvent   Kind = "event"
	KindMutex   Kind = "mutex"
)

// Kinds lists the kinds, in the order everything that lists them uses (the dashboard's web/api.js keeps the
// same list: a test holds the two together).
var Kinds = []Kind{KindMapping, KindEvent, KindMutex}

// Plural is the kind's plural: "mappings", "events", "mutexes".
func (k Kind) Plural() string {
	if k == KindMutex {
		return "mutexes"
	}
	return string(k) + "s"
}
