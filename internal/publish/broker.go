package publish

import (
	"errors"

	"github.com/shmbridge/shmbridge/internal/mqtt"
)

// ErrBrokerFixed is a change of the broker that -mqtt set at start.
var ErrBrokerFixed = errors.New("the broker is set by -mqtt at start: remove the flag to set it through the API")

// Broker is the broker the mqtt publishers publish to, and the connection to it.
type Broker struct {
	mqtt.Config
	// Fixed: set by -mqtt's flags at start (SetBroker refuses to change it).
	Fixed bool
	// StatusTopic says whether the daemon is there: "online" (retained) while connected, "offline" when it
	// stops or, by the broker's last will, dies.
	StatusTopic     string
	Connected       bool
	Connections     int64
	PendingRemovals int
}

// Broker answers the broker configured now (none: a zero URL).
func (rt *Runtime) Broker() Broker {
	cfg := rt.broker.Config()
	b := Broker{Config: cfg, Fixed: rt.o.Broker != nil, Connected: rt.broker.Connected(), Connections: rt.broker.Connects(),
		PendingRemovals: rt.pendingRemovals()}
	if cfg.URL != "" {
		b.StatusTopic = cfg.StatusTopic()
	}
	return b
}

// SetBroker connects to cfg's broker instead of the one before (a cfg without URL: none), and keeps it for the
// next start. The mqtt publishers go on, to the new broker, each sending its whole state (and its discovery)
// once connected.
func (rt *Runtime) SetBroker(cfg mqtt.Config) error {
	if rt.o.Broker != nil {
		return ErrBrokerFixed
	}
	if err := cfg.Check(); err != nil {
		return fail(ErrInvalid, "%v", err)
	}
	if err := rt.o.Store.SetBroker(cfg); err != nil {
		return err
	}
	return rt.broker.Configure(cfg)
}

// connectBroker connects to the broker of -mqtt, or else to the one kept.
func (rt *Runtime) connectBroker() {
	cfg := rt.o.Broker
	if cfg == nil {
		kept, err := rt.o.Store.Broker()
		if err != nil {
			rt.o.Log.Warn("the broker kept does not load: no broker until one is set", "error", err)
			return
		}
		cfg = &kept
	}
	if err := rt.broker.Configure(*cfg); err != nil {
		rt.o.Log.Warn("the broker does not configure: no broker until one is set", "error", err)
	}
}
