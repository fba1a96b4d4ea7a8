// Package mqtt is the daemon's one connection to an MQTT broker (MQTT 5, Eclipse Paho's autopaho): it connects
// in the background, reconnects with an exponential back-off when the broker goes away, and publishes. It knows
// nothing of mappings or HTTP: the API's MQTT publishers hand it payloads.
package mqtt

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// Options configure the connection.
type Options struct {
	// URL is the broker: mqtt://host:1883, or mqtts://host:8883 for TLS.
	URL string
	// CredentialsFile holds the user name on its first line and the password on its second ("": none). A
	// file, never the command line, where every user of the machine could read them.
	CredentialsFile string
	// ClientID is the MQTT client identifier (default: shmbridge-HOSTNAME).
	ClientID string
	// CAFile is a PEM file of the certificates mqtts:// trusts (a broker's own CA); "": the system's roots.
	CAFile string
	Log    *slog.Logger
}

// Client is the connection to the broker.
type Client struct {
	cm        *autopaho.ConnectionManager
	url       string
	connected atomic.Bool
	connects  atomic.Int64
	maxPacket atomic.Uint32 // the broker's maximum packet size (0: the protocol's)
	cancel    context.CancelFunc
	backoff   backoff

	mu   sync.Mutex
	onUp []func()
	// upCh is closed while the connection is up (a new one when it goes down); downCh is closed once the
	// connection up now, or last, has gone down (a new one when it comes up).
	upCh, downCh chan struct{}
}

// ParseURL checks a broker URL: mqtt:// or mqtts://, a host, a port (default 1883 or 8883), nothing else. Its
// errors show the URL with any password in it redacted.
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL whole
		}
		return nil, fmt.Errorf("%q: %v", redactRaw(s), err)
	}
	shown := redacted(u)
	switch {
	case u.Scheme != "mqtt" && u.Scheme != "mqtts":
		return nil, fmt.Errorf("%q: the broker is mqtt://host:port or mqtts://host:port", shown)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%q: no host", shown)
	case u.User != nil:
		return nil, fmt.Errorf("%q: credentials go in a file (-mqtt-credentials), not in the URL", shown)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q: only a scheme, a host and a port", shown)
	}
	if u.Port() == "" {
		u.Host += map[string]string{"mqtt": ":1883", "mqtts": ":8883"}[u.Scheme]
	}
	return u, nil
}

// redacted is u with its user information hidden, the user name too (a broker may take a token for one).
func redacted(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = url.User("xxxxx")
	return c.String()
}

// redactRaw hides the user information of a URL that does not parse: everything between "//" and the last "@"
// of the authority.
func redactRaw(s string) string {
	_, rest, ok := strings.Cut(s, "//")
	if !ok {
		return s
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return s
	}
	return s[:len(s)-len(rest)] + "xxxxx" + rest[at:]
}

// ReadCredentials reads a credentials file: the user name, then the password, a line each.
func ReadCredentials(path string) (user string, password []byte, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	lines := strings.SplitN(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", 3)
	if len(lines) < 2 || lines[0] == "" {
		return "", nil, fmt.Errorf("%s: the user name on the first line, the password on the second", path)
	}
	return lines[0], []byte(lines[1]), nil
}

// Dial starts the connection: it answers at once, and connects (and reconnects) in the background until Close.
func Dial(o Options) (*Client, error) {
	u, err := ParseURL(o.URL)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	id := o.ClientID
	if id == "" {
		host, _ := os.Hostname()
		id = "shmbridge-" + host
	}
	c := &Client{url: redacted(u), backoff: backoff{now: time.Now}, upCh: make(chan struct{}), downCh: make(chan struct{})}
	close(c.downCh) // not connected yet
	var tlsCfg *tls.Config
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate in it", o.CAFile)
		}
		tlsCfg = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	cfg := autopaho.ClientConfig{
		ServerUrls: []*url.URL{u},
		TlsCfg:     tlsCfg,
		KeepAlive:  20,
		// After the broker goes away, or drops a connection it had just taken: waits from 0.1 s, doubling, up
		// to 30 s (backoff.go).
		ReconnectBackoff:              c.backoff.wait,
		ConnectTimeout:                10 * time.Second,
		CleanStartOnInitialConnection: true,
		OnConnectionUp: func(_ *autopaho.ConnectionManager, ack *paho.Connack) {
			c.up(ack)
			log.Info("mqtt: connected", "broker", c.url)
		},
		OnConnectionDown: func() bool {
			c.down()
			upFor, wait := c.backoff.down()
			log.Warn("mqtt: connection lost: reconnecting", "broker", c.url, "up", upFor.Round(time.Millisecond), "wait", wait.Round(time.Millisecond))
			return true
		},
		OnConnectError: func(err error) { log.Warn("mqtt: cannot connect", "broker", c.url, "error", err) },
		ClientConfig:   paho.ClientConfig{ClientID: id},
	}
	if o.CredentialsFile != "" {
		user, pass, err := ReadCredentials(o.CredentialsFile)
		if err != nil {
			return nil, err
		}
		cfg.ConnectUsername, cfg.ConnectPassword = user, pass
	}
	ctx, cancel := context.WithCancel(context.Background())
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		cancel()
		return nil, err
	}
	c.cm, c.cancel = cm, cancel
	return c, nil
}

// up: the connection is up; what the broker said of itself kept, and every OnConnect function run before Up
// says so (a publisher waiting for the connection finds its whole state marked to go first).
func (c *Client) up(ack *paho.Connack) {
	c.maxPacket.Store(0)
	if ack != nil && ack.Properties != nil && ack.Properties.MaximumPacketSize != nil {
		c.maxPacket.Store(*ack.Properties.MaximumPacketSize)
	}
	c.backoff.up()
	c.connected.Store(true)
	c.connects.Add(1)
	c.mu.Lock()
	fs := append([]func(){}, c.onUp...)
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
	c.connected.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
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

// Errors of Publish.
var (
	// ErrNotConnected is a publish while the broker is away.
	ErrNotConnected = errors.New("mqtt: not connected to the broker")
	// ErrRefused is a message the broker does not take: refused before it is sent when sending it would make
	// the broker drop the connection (every publisher's), or refused by the broker in its acknowledgement.
	// Sending it again does not help.
	ErrRefused = errors.New("mqtt: the broker does not take this message")
)

// maxRemaining is the most a packet's remaining length can say (MQTT 2.2.3).
const maxRemaining = 268_435_455

// Publish sends one message, waiting for the connection up to ctx's deadline (QoS 1 and 2: until the broker
// acknowledges it). The payload is not kept once Publish returns (the client writes it at once; what it keeps to
// send again, it copies): the caller may reuse it.
func (c *Client) Publish(ctx context.Context, topic string, qos byte, retain bool, payload []byte) error {
	if err := c.check(topic, qos, payload); err != nil {
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	if err := c.cm.AwaitConnection(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrNotConnected, err)
	}
	resp, err := c.cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: qos, Retain: retain, Payload: payload})
	if err != nil && (errors.Is(err, paho.ErrInvalidArguments) || (resp != nil && resp.ReasonCode >= 0x80)) {
		return fmt.Errorf("%w: %v", ErrRefused, err) // a QoS or retain the broker does not offer; not authorized
	}
	return err
}

// check refuses a message the broker would drop the connection for: a topic it takes for malformed, a packet
// over its maximum packet size.
func (c *Client) check(topic string, qos byte, payload []byte) error {
	if err := CheckTopic(topic); err != nil {
		return err
	}
	remaining := 2 + len(topic) + 1 + len(payload) // the topic's length and bytes, no properties, the payload
	if qos > 0 {
		remaining += 2 // the packet identifier
	}
	size := 1 + varintLen(remaining) + remaining
	if limit := c.maxPacket.Load(); (limit > 0 && size > int(limit)) || remaining > maxRemaining {
		return fmt.Errorf("the message is %d bytes, more than the broker takes (its maximum packet size: %d)", size, cmp.Or(limit, maxRemaining))
	}
	return nil
}

// varintLen is the length of n as a variable byte integer (MQTT 1.5.5).
func varintLen(n int) int {
	l := 1
	for ; n >= 128; n >>= 7 {
		l++
	}
	return l
}

// Connected reports whether the connection is up; Connects counts the connections made.
func (c *Client) Connected() bool { return c.connected.Load() }
func (c *Client) Connects() int64 { return c.connects.Load() }

// URL is the broker's URL.
func (c *Client) URL() string { return c.url }

// Close disconnects (within ctx) and stops reconnecting.
func (c *Client) Close(ctx context.Context) error {
	err := c.cm.Disconnect(ctx)
	c.cancel()
	return err
}
