// Package mqtt is the daemon's one connection to an MQTT broker (MQTT 3.1.1, Eclipse Paho's
// paho.mqtt.golang): it connects in the background, reconnects with an exponential back-off when the broker
// goes away, says whether the daemon is there on a retained status topic (the broker's last will says
// "offline" when it dies), and publishes. Its broker can be changed while it runs (Configure). It knows nothing
// of mappings or HTTP: the publishers hand it payloads.
package mqtt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Status payloads: the daemon is there, or not.
const (
	Online  = "online"
	Offline = "offline"
)

// Timeouts of one connection: to connect (TCP, TLS, CONNECT to CONNACK), to hand a packet to the connection,
// the keep-alive, and how long a clean stop waits for its last messages to go.
const (
	connectTimeout = 10 * time.Second
	writeTimeout   = 5 * time.Second
	keepAlive      = 20 * time.Second
	quiesce        = 250 * time.Millisecond
)

// Client is the connection to the broker. Safe for concurrent use.
type Client struct {
	log      *slog.Logger
	backoff  backoff
	connects atomic.Int64

	cfgMu sync.Mutex    // serialises Configure and Close
	stop  func()        // ends the connection loop of the broker configured now (nil: none)
	cfg   Config        // the broker configured now
	dead  chan struct{} // closed by Close

	mu   sync.Mutex
	cur  paho.Client // the connection up now (nil: none)
	onUp []func()
	subs map[string]func(payload []byte)
	// upCh is closed while the connection is up (a new one when it goes down); downCh is closed once the
	// connection up now, or last, has gone down (a new one when it comes up).
	upCh, downCh chan struct{}
}

// New returns a client with no broker: it connects once Configure names one.
func New(log *slog.Logger) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{log: log, backoff: backoff{now: time.Now}, subs: map[string]func([]byte){},
		upCh: make(chan struct{}), downCh: make(chan struct{}), dead: make(chan struct{})}
	close(c.downCh) // not connected yet
	return c
}

// Configure connects to the broker cfg names, in the background, after ending the connection to the one
// before (with its status "offline"); a cfg without URL only ends it. A cfg that does not check (Config.Check)
// changes nothing.
func (c *Client) Configure(cfg Config) error {
	opts, err := cfg.options()
	if err != nil {
		return err
	}
	c.cfgMu.Lock()
	defer c.cfgMu.Unlock()
	select {
	case <-c.dead:
		return errors.New("mqtt: the client is closed")
	default:
	}
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.cfg = cfg
	if cfg.URL == "" {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.loop(ctx, opts, cfg.statusTopic())
	}()
	c.stop = func() { cancel(); <-done }
	c.backoff.reset()
	return nil
}

// Config answers the broker configured now (its password too: the caller hides it).
func (c *Client) Config() Config {
	c.cfgMu.Lock()
	defer c.cfgMu.Unlock()
	return c.cfg
}

// loop connects, and connects again each time the connection is lost, until ctx ends; then it says "offline"
// and disconnects.
func (c *Client) loop(ctx context.Context, opts *paho.ClientOptions, status string) {
	url := opts.Servers[0].Redacted()
	for attempt := 0; ; attempt++ {
		if !sleep(ctx, c.backoff.wait(attempt)) {
			return
		}
		lost := make(chan error, 1)
		opts.SetConnectionLostHandler(func(_ paho.Client, err error) { lost <- err })
		cl := paho.NewClient(opts)
		if err := connect(ctx, cl); err != nil {
			if ctx.Err() == nil {
				c.log.Warn("mqtt: cannot connect", "broker", url, "error", err)
			}
			continue
		}
		attempt = -1
		c.up(cl, status)
		c.log.Info("mqtt: connected", "broker", url)
		select {
		case err := <-lost:
			c.down()
			upFor, wait := c.backoff.down()
			c.log.Warn("mqtt: connection lost: reconnecting", "broker", url, "error", err, "up", upFor.Round(time.Millisecond), "wait", wait.Round(time.Millisecond))
		case <-ctx.Done():
			c.down()
			// The broker discards the will on a clean DISCONNECT (MQTT-3.14.4-3): the daemon says it itself.
			cl.Publish(status, 1, true, Offline).WaitTimeout(time.Second)
			cl.Disconnect(uint(quiesce.Milliseconds()))
			return
		}
	}
}

// connect makes one connection, or fails within connectTimeout (or when ctx ends).
func connect(ctx context.Context, cl paho.Client) error {
	t := cl.Connect()
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		go func() { <-t.Done(); cl.Disconnect(0) }()
		return ctx.Err()
	}
}

// sleep waits d, or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// up: the connection cl is up. The status goes first ("online", retained), then the subscriptions, then every
// OnConnect function runs, before Up says so (a publisher waiting for the connection finds its whole state
// marked to go first).
func (c *Client) up(cl paho.Client, status string) {
	c.backoff.up()
	c.connects.Add(1)
	cl.Publish(status, 1, true, Online)
	c.mu.Lock()
	c.cur = cl
	fs := append([]func(){}, c.onUp...)
	for topic, h := range c.subs {
		cl.Subscribe(topic, 1, func(_ paho.Client, m paho.Message) { h(m.Payload()) })
	}
	c.downCh = make(chan struct{})
	c.mu.Unlock()
	for _, f := range fs {
		f()
	}
	c.mu.Lock()
	close(c.upCh)
	c.mu.Unlock()
}

// down: the connection is gone.
func (c *Client) down() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = nil
	c.upCh = make(chan struct{})
	close(c.downCh)
}

// Up is closed once the connection is up: at once if it is now. A publisher waits on it for the broker to be
// back.
func (c *Client) Up() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.upCh
}

// Down is closed once the connection up now goes down: at once if it is down now. Taken before a publish, it
// says whether the connection the publish went out on is the one that failed.
func (c *Client) Down() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.downCh
}

// OnConnect adds f to what runs each time the connection comes up (a reconnection too); f must not block.
func (c *Client) OnConnect(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onUp = append(c.onUp, f)
}

// Subscribe has h called with each message on topic (a filter), from every connection on (made again at each
// one); h must not block.
func (c *Client) Subscribe(topic string, h func(payload []byte)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs[topic] = h
	if c.cur != nil {
		c.cur.Subscribe(topic, 1, func(_ paho.Client, m paho.Message) { h(m.Payload()) })
	}
}

// Errors of Publish.
var (
	// ErrNotConnected is a publish while the broker is away.
	ErrNotConnected = errors.New("mqtt: not connected to the broker")
	// ErrRefused is a message the broker does not take: refused before it is sent when sending it would make
	// the broker drop the connection (every publisher's). Sending it again does not help.
	ErrRefused = errors.New("mqtt: the broker does not take this message")
)

// maxRemaining is the most a packet's remaining length can say (MQTT 2.2.3).
const maxRemaining = 268_435_455

// Publish sends one message, waiting for the connection until ctx ends (QoS 1 and 2: until the broker
// acknowledges it). The payload is copied: the caller may reuse it once Publish returns.
func (c *Client) Publish(ctx context.Context, topic string, qos byte, retain bool, payload []byte) error {
	if err := check(topic, qos, payload); err != nil {
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	for {
		c.mu.Lock()
		cl, up, down := c.cur, c.upCh, c.downCh
		c.mu.Unlock()
		if cl == nil {
			select {
			case <-up:
				continue
			case <-ctx.Done():
				return fmt.Errorf("%w: %v", ErrNotConnected, ctx.Err())
			}
		}
		t := cl.Publish(topic, qos, retain, bytes.Clone(payload))
		select {
		case <-t.Done():
			return t.Error()
		case <-down:
			return ErrNotConnected
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// check refuses a message the broker would drop the connection for: a topic it takes for malformed, a packet
// over the protocol's size.
func check(topic string, qos byte, payload []byte) error {
	if err := CheckTopic(topic); err != nil {
		return err
	}
	remaining := 2 + len(topic) + len(payload) // the topic's length and bytes, the payload
	if qos > 0 {
		remaining += 2 // the packet identifier
	}
	if remaining > maxRemaining {
		return fmt.Errorf("the message is %d bytes, more than MQTT carries (%d)", remaining, maxRemaining)
	}
	return nil
}

// Connected reports whether the connection is up; Connects counts the connections made.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur != nil
}
func (c *Client) Connects() int64 { return c.connects.Load() }

// Close says "offline", disconnects, and stops reconnecting; Configure refuses every broker after it.
func (c *Client) Close() {
	c.cfgMu.Lock()
	defer c.cfgMu.Unlock()
	select {
	case <-c.dead:
		return
	default:
	}
	close(c.dead)
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}
