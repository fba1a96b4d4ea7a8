// Package mirror keeps and runs the daemon's mirrors: a mapping of another daemon (the source, reached over
// HTTP or HTTPS with a token) followed through its watch stream and written into a mapping of this one, with
// the events that announce its frames. A mirror is configured through the API, kept in one file (Store) and
// run again at start (Runtime). It knows nothing of the API's routes: its errors are its own.
package mirror

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/shmbridge/shmbridge/internal/catalogue"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// Modes of a mirror's local mapping.
const (
	ModeCreate = "create" // the mirror creates it (it refuses a name something holds), and removes it at the end
	ModeOpen   = "open"   // the mirror writes into a mapping that exists (its size at least the source's)
)

// Spec is one mirror, as configured and kept.
type Spec struct {
	ID string `json:"id"`
	// Source is the source daemon's base URL (http://host:port or https://host:port).
	Source string `json:"source"`
	// Credentials is a file holding the token sent to the source (read at each connection: a token replaced
	// in it is used at the next); never the token itself.
	Credentials string `json:"credentials,omitempty"`
	// CA is a PEM file of the certificates an https source's is checked against (a private CA); default: the
	// system's.
	CA string `json:"ca,omitempty"`
	// Insecure allows plain http:// to a source that is not on a loopback address (the token and the bytes
	// cross the network in clear).
	Insecure bool `json:"insecure,omitempty"`
	// Producer, instead of Mapping, is a catalogue producer family (acc, iracing): its mappings, each mirrored by
	// its layout's protocol (when the protocol is one a writer here can follow) and on its event (if it has one).
	Producer string `json:"producer,omitempty"`
	// Mapping is the source's mapping; As the local one (default: the same name, in this OS's spelling).
	Mapping string `json:"mapping"`
	As      string `json:"as,omitempty"`
	// Interval is how often the source samples the mapping (a Go duration, default 10ms); Event, instead, the
	// source's event on which it samples, set here after the frame it announces.
	Interval string `json:"interval,omitempty"`
	Event    string `json:"event,omitempty"`
	// Events are the source's events replicated here (with Interval): each set here once the frame sampled
	// after it fired is written.
	Events []string `json:"events,omitempty"`
	// Layout, if set, is the layout (here and at the source) whose protocol copies each frame there and writes
	// it here (seqlock odd around it, counters bumped around it, a ring's tick after its buffer, the frame
	// field last): a native reader here that follows the producer's protocol never sees a torn frame.
	Layout string `json:"layout,omitempty"`
	// Mode is ModeCreate (default) or ModeOpen.
	Mode    string    `json:"mode,omitempty"`
	Created time.Time `json:"created"`
}

// Errors of the runtime: Is tells them apart; each one's text says what is wrong and what would do.
var (
	// ErrInvalid is a mirror its rules refuse.
	ErrInvalid = errors.New("not a mirror the daemon runs")
	// ErrNotFound is an id no mirror has.
	ErrNotFound = errors.New("no such mirror")
	// ErrFull is a store at its cap.
	ErrFull = errors.New("too many mirrors")
	// ErrTaken is a local name another mirror writes into.
	ErrTaken = errors.New("mirrored into by another mirror")
)

// failure is one of the package's errors, its text the detail.
type failure struct {
	kind   error
	detail string
}

func (e *failure) Error() string        { return e.detail }
func (e *failure) Is(target error) bool { return target == e.kind }

func fail(kind error, format string, args ...any) error {
	return &failure{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// Limits of a spec.
const (
	DefaultInterval = 10 * time.Millisecond
	MaxEvents       = 16
)

// Check fills in sp's defaults and says what its rules refuse. minInterval bounds Interval below.
func Check(sp Spec, minInterval time.Duration) (Spec, error) {
	u, err := url.Parse(sp.Source)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return sp, fail(ErrInvalid, "source must be the source daemon's base URL, http://HOST:PORT or https://HOST:PORT, not %q", sp.Source)
	}
	sp.Source = u.Scheme + "://" + u.Host
	if u.Scheme == "http" && !sp.Insecure && !loopback(u.Hostname()) {
		return sp, fail(ErrInvalid, "source %s is plain http:// to another host: the token and the memory would cross the network in clear; use https:// (ca: a private CA's certificate), or say insecure: true", sp.Source)
	}
	if sp.CA != "" && u.Scheme != "https" {
		return sp, fail(ErrInvalid, "ca checks an https:// source's certificate: %s is http://", sp.Source)
	}
	if sp.Producer != "" {
		return checkProducer(sp, minInterval)
	}
	if _, err := registry.Key(sp.Mapping); err != nil {
		return sp, fail(ErrInvalid, "mapping: %v", err)
	}
	if sp.As == "" {
		sp.As = localSpelling(sp.Mapping)
	}
	if _, err := registry.Key(sp.As); err != nil {
		return sp, fail(ErrInvalid, "as: %v", err)
	}
	sp.Mode = cmp.Or(sp.Mode, ModeCreate)
	if sp.Mode != ModeCreate && sp.Mode != ModeOpen {
		return sp, fail(ErrInvalid, "mode must be %q (the mirror creates the local mapping) or %q (it writes into one that exists)", ModeCreate, ModeOpen)
	}
	return checkSampling(sp, minInterval)
}

// checkProducer checks a mirror of a catalogue producer: the family, and nothing that its pages set themselves.
func checkProducer(sp Spec, minInterval time.Duration) (Spec, error) {
	if sp.Mapping != "" || sp.As != "" || sp.Layout != "" || sp.Event != "" || len(sp.Events) > 0 {
		return sp, fail(ErrInvalid, "producer mirrors the catalogue's mappings of that producer, by their layouts and events: give it without mapping, as, layout, event or events")
	}
	if !slices.Contains(catalogue.Games(), sp.Producer) {
		return sp, fail(ErrInvalid, "no producer %q in the catalogue (%s)", sp.Producer, strings.Join(catalogue.Games(), ", "))
	}
	sp.Mode = cmp.Or(sp.Mode, ModeCreate)
	if sp.Mode != ModeCreate && sp.Mode != ModeOpen {
		return sp, fail(ErrInvalid, "mode must be %q (the mirror creates the local mappings) or %q (it writes into ones that exist)", ModeCreate, ModeOpen)
	}
	return checkSampling(sp, minInterval)
}

// Pages are the mirrors of single mappings sp runs: itself, or a producer's mappings, each with its layout
// when a writer here can follow its protocol (a frame counter, a seqlock, a ring; not a lock the producer's
// readers share with it), sampled on its event if it has one.
func (sp Spec) Pages() []Spec {
	if sp.Producer == "" {
		return []Spec{sp}
	}
	var pages []Spec
	for _, p := range catalogue.Producers {
		if catalogue.Game(p.Layout) != sp.Producer {
			continue
		}
		page := sp
		page.Producer, page.Mapping, page.As = "", p.Mapping, localSpelling(p.Mapping)
		if proto, _, _ := strings.Cut(p.Protocol, ":"); proto == "frame" || proto == "seqlock" || proto == "ring" {
			page.Layout = p.Layout
		}
		if p.Event != "" {
			page.Event, page.Interval = p.Event, ""
		}
		pages = append(pages, page)
	}
	return pages
}

// checkSampling checks how the source samples: an interval, or an event; events replicated with an interval.
func checkSampling(sp Spec, minInterval time.Duration) (Spec, error) {
	if sp.Layout != "" && len(sp.Events) > 0 {
		return sp, fail(ErrInvalid, "a layout's frames come on a stream of that mapping alone: with layout, set event (the source samples on it, and it is set here after each frame), not events")
	}
	if sp.Event != "" {
		if sp.Interval != "" || len(sp.Events) > 0 {
			return sp, fail(ErrInvalid, "event samples on the source's event and sets it here after each frame: give it alone, or interval with events")
		}
		if _, err := registry.Key(sp.Event); err != nil {
			return sp, fail(ErrInvalid, "event: %v", err)
		}
		return sp, nil
	}
	sp.Interval = cmp.Or(sp.Interval, DefaultInterval.String())
	d, err := time.ParseDuration(sp.Interval)
	if err != nil || d < minInterval || d > time.Hour {
		return sp, fail(ErrInvalid, "interval must be a duration from %v to 1h (10ms, 1s), not %q", minInterval, sp.Interval)
	}
	if len(sp.Events) > MaxEvents {
		return sp, fail(ErrInvalid, "at most %d events", MaxEvents)
	}
	for _, e := range sp.Events {
		if _, err := registry.Key(e); err != nil {
			return sp, fail(ErrInvalid, "events: %v", err)
		}
	}
	return sp, nil
}

// interval is sp's sampling period (0 with an event).
func (sp Spec) interval() time.Duration {
	d, _ := time.ParseDuration(sp.Interval)
	return d
}

// localSpelling is name as this OS spells it: /dev/shm has no Local\ or Global\ namespaces.
func localSpelling(name string) string {
	if runtime.GOOS == "windows" {
		return name
	}
	for _, p := range []string{`Local\`, `Global\`} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return rest
		}
	}
	return name
}

// loopback says whether host names this machine: localhost, or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
