// Package publish keeps and runs the daemon's publishers: what it republishes of a mapping's decoded fields,
// and where. A publisher is configured through the API and kept as ID.json in a directory (or in memory), loaded
// again at start (Store). A Runtime checks them, and makes what they publish: an mqtt publisher's messages to
// the broker, a metrics publisher's gauges at each scrape. It knows nothing of HTTP: its errors are its own.
package publish

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
	"github.com/shmbridge/shmbridge/internal/mqtt"
)

// Kinds of publisher.
const (
	Metrics = "metrics" // gauges on /metrics
	MQTT    = "mqtt"    // messages to the daemon's MQTT broker (-mqtt)
)

// Spec is one publisher.
type Spec struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Mapping string    `json:"mapping"`
	Layout  string    `json:"layout,omitempty"` // "": the mapping's default layout
	Created time.Time `json:"created"`
	// Name is the metric's name (metrics).
	Name string `json:"name,omitempty"`
	// Fields are the numeric fields published, by path (a gauge each, its path in the label field); or, with
	// Each, the array of structs whose items are published (a gauge each, its index in the label index), Value
	// the numeric field of an item.
	Fields []string `json:"fields,omitempty"`
	Each   string   `json:"each,omitempty"`
	Value  string   `json:"value,omitempty"`
	// Labels are the gauges' labels: a literal value, or a field's (of the item, with Each).
	Labels map[string]Label `json:"labels,omitempty"`
	// Topic, QoS and Retain are an mqtt publisher's messages'; Interval how often it samples the mapping (a Go
	// duration); Changes: each message the fields that changed (else the whole selection).
	Topic    string `json:"topic,omitempty"`
	QoS      byte   `json:"qos,omitempty"`
	Retain   bool   `json:"retain,omitempty"`
	Interval string `json:"interval,omitempty"`
	Changes  bool   `json:"changes,omitempty"`
	// HomeAssistant announces an mqtt publisher's fields to Home Assistant, a sensor each (discovery.go).
	HomeAssistant *Discovery `json:"homeassistant,omitempty"`
}

// Label is a label's value: a literal, or a field's (spelt {"field": "path"} in JSON, a literal as a string).
type Label struct {
	Literal string
	Field   string
}

func (l Label) MarshalJSON() ([]byte, error) {
	if l.Field != "" {
		return json.Marshal(map[string]string{"field": l.Field})
	}
	return json.Marshal(l.Literal)
}

func (l *Label) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		var f struct {
			Field string `json:"field"`
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(&f); err != nil || f.Field == "" {
			return errors.New(`a label is a string, or {"field": "path"}`)
		}
		*l = Label{Field: f.Field}
		return nil
	}
	return json.Unmarshal(b, &l.Literal)
}

// Errors of the store.
var (
	ErrNotFound = errors.New("no such publisher")
	ErrFull     = errors.New("too many publishers")
	ErrNameUsed = errors.New("the metric name is another publisher's")
)

// Store keeps the publishers. Safe for concurrent use.
type Store struct {
	dir string
	max int

	mu       sync.RWMutex
	specs    map[string]Spec
	broker   mqtt.Config // without a directory
	removals []string    // Home Assistant configs to empty (AddRemovals)
}

// Open loads every ID.json in dir (created, 0700, if missing; "" keeps them in memory only); max caps how many
// it keeps. A file that does not parse is skipped and reported in the error it answers with the store.
func Open(dir string, max int) (*Store, error) {
	s := &Store{dir: dir, max: max, specs: map[string]Spec{}}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var bad []error
	if err := s.loadRemovals(); err != nil {
		bad = append(bad, err)
	}
	for _, p := range names {
		if base := filepath.Base(p); base == brokerFile || base == removalsFile {
			continue
		}
		var sp Spec
		b, err := os.ReadFile(p)
		if err == nil {
			err = json.Unmarshal(b, &sp)
		}
		if err == nil {
			err = s.checkLoaded(sp, p)
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("%q: not a publisher (%v)", p, err))
			continue
		}
		if len(s.specs) < max {
			s.specs[sp.ID] = sp
		}
	}
	return s, errors.Join(bad...)
}

// checkLoaded checks what the store itself vouches for in a publisher read from file: an id as Add makes them,
// its file's name, a metric name no publisher loaded before has.
func (s *Store) checkLoaded(sp Spec, path string) error {
	switch {
	case !ValidID(sp.ID):
		return fmt.Errorf("its id %q is not one the daemon makes (p and 12 hexadecimal digits)", sp.ID)
	case sp.ID+".json" != filepath.Base(path):
		return fmt.Errorf("its id %q is not its file's name", sp.ID)
	}
	for _, other := range s.specs {
		if sp.Name != "" && other.Name == sp.Name {
			return fmt.Errorf("%w (%s)", ErrNameUsed, other.ID)
		}
	}
	return nil
}

// ValidID says whether id is a publisher's id as the store makes them: p and 12 lowercase hexadecimal digits.
func ValidID(id string) bool {
	if len(id) != 13 || id[0] != 'p' {
		return false
	}
	for _, c := range []byte(id[1:]) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Forget drops a publisher loaded from its file that its user (the API) found invalid: it is no longer served
// nor run, and its file is left as it is (as a file that does not parse is).
func (s *Store) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.specs, id)
}

// Add keeps a new publisher under a new id, which it answers.
func (s *Store) Add(sp Spec) (Spec, error) {
	var id [6]byte
	rand.Read(id[:])
	sp.ID, sp.Created = "p"+hex.EncodeToString(id[:]), time.Now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.specs { // under the lock: two at once cannot both take a name
		if sp.Name != "" && other.Name == sp.Name {
			return Spec{}, fmt.Errorf("%w (%s): choose another name", ErrNameUsed, other.ID)
		}
	}
	if len(s.specs) >= s.max {
		return Spec{}, fmt.Errorf("%w: %d are configured, the most this daemon keeps (-max-publishers)", ErrFull, len(s.specs))
	}
	if s.dir != "" {
		b, _ := json.MarshalIndent(sp, "", "  ")
		if err := atomicfile.WriteFile(filepath.Join(s.dir, sp.ID+".json"), append(b, '\n')); err != nil {
			return Spec{}, err
		}
	}
	s.specs[sp.ID] = sp
	return sp, nil
}

// Get answers the publisher id.
func (s *Store) Get(id string) (Spec, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sp, ok := s.specs[id]
	if !ok {
		return Spec{}, fmt.Errorf("%w %q", ErrNotFound, id)
	}
	return sp, nil
}

// List answers every publisher, by id.
func (s *Store) List() []Spec {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Spec, 0, len(s.specs))
	for _, sp := range s.specs {
		out = append(out, sp)
	}
	slices.SortFunc(out, func(a, b Spec) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Delete removes a publisher and its file.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.specs[id]; !ok {
		return fmt.Errorf("%w %q", ErrNotFound, id)
	}
	if s.dir != "" {
		if err := os.Remove(filepath.Join(s.dir, id+".json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	delete(s.specs, id)
	return nil
}

// brokerFile is the broker the API set (Runtime.SetBroker), beside the publishers.
const brokerFile = "broker.json"

// Broker answers the broker kept (a zero Config: none).
func (s *Store) Broker() (mqtt.Config, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var cfg mqtt.Config
	if s.dir == "" {
		return s.broker, nil
	}
	b, err := os.ReadFile(filepath.Join(s.dir, brokerFile))
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &cfg)
	}
	if err == nil {
		err = cfg.Check()
	}
	if err != nil {
		return mqtt.Config{}, fmt.Errorf("%s: not a broker (%v)", filepath.Join(s.dir, brokerFile), err)
	}
	return cfg, nil
}

// SetBroker keeps cfg as the broker (its password in a file only the daemon's user reads, 0600).
func (s *Store) SetBroker(cfg mqtt.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		s.broker = cfg
		return nil
	}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	return atomicfile.WriteFile(filepath.Join(s.dir, brokerFile), append(b, '\n'))
}

// removalsFile lists the Home Assistant configs of deleted publishers that the broker has not emptied yet.
const removalsFile = "removals.json"

// MaxRemovals caps the removals kept: past it, the oldest are forgotten.
const MaxRemovals = 10000

func (s *Store) loadRemovals() error {
	b, err := os.ReadFile(filepath.Join(s.dir, removalsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = json.Unmarshal(b, &s.removals)
	}
	for _, t := range s.removals {
		if err == nil && mqtt.CheckTopic(t) != nil {
			err = fmt.Errorf("%q is not a topic", t)
		}
	}
	if err != nil {
		s.removals = nil
		return fmt.Errorf("%q: not a list of topics (%v)", filepath.Join(s.dir, removalsFile), err)
	}
	return nil
}

// AddRemovals keeps topics to empty (once each, the oldest forgotten past MaxRemovals).
func (s *Store) AddRemovals(topics []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range topics {
		if !slices.Contains(s.removals, t) {
			s.removals = append(s.removals, t)
		}
	}
	s.removals = s.removals[max(0, len(s.removals)-MaxRemovals):]
	return s.saveRemovals()
}

// Removals answers the topics to empty.
func (s *Store) Removals() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.removals)
}

// RemoveRemoval forgets a topic emptied.
func (s *Store) RemoveRemoval(topic string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removals = slices.DeleteFunc(s.removals, func(t string) bool { return t == topic })
	return s.saveRemovals()
}

func (s *Store) saveRemovals() error {
	if s.dir == "" {
		return nil
	}
	b, _ := json.Marshal(s.removals)
	return atomicfile.WriteFile(filepath.Join(s.dir, removalsFile), append(b, '\n'))
}
