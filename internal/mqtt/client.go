// Package mqtt is the daemon's one connection to an MQTT broker (MQTT 5, Eclipse Paho's autopaho): it connects
// in the background, reconnects with an exponential back-off when the broker goes away, and publishes. It knows
// nothing of mappings or HTTP: the API's MQTT publishers hand it payloads.
package mqtt

import (
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
	cancel    context.CancelFunc

	mu   sync.Mutex
	onUp []func()
}

// ParseURL checks a broker URL: mqtt:// or mqtts://, a host, a port (default 1883 or 8883), nothing else.
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, err
	case u.Scheme != "mqtt" && u.Scheme != "mqtts":
		return nil, fmt.Errorf("%q: the broker is mqtt://host:port or mqtts://host:port", s)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%q: no host", s)
	case u.User != nil:
		return nil, fmt.Errorf("%q: credentials go in a file (-mqtt-credentials), not in the URL", s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q: only a scheme, a host and a port", s)
	}
	if u.Port() == "" {
		u.Host += map[string]string{"mqtt": ":1883", "mqtts": ":8883"}[u.Scheme]
	}
	return u, nil
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
	c := &Client{url: u.Redacted()}
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
		// After the broker goes away: a first try within a second, then longer waits, up to 30 s.
		ReconnectBackoff:              autopaho.NewExponentialBackoff(100*time.Millisecond, 30*time.Second, time.Second, 2),
		ConnectTimeout:                10 * time.Second,
		CleanStartOnInitialConnection: true,
		OnConnectionUp: func(*autopaho.ConnectionManager, *paho.Connack) {
			c.connected.Store(true)
			c.connects.Add(1)
			log.Info("mqtt: connected", "broker", c.url)
			c.mu.Lock()
			fs := append([]func(){}, c.onUp...)
			c.mu.Unlock()
			for _, f := range fs {
				f()
			}
		},
		OnConnectionDown: func() bool {
			c.connected.Store(false)
			log.Warn("mqtt: connection lost: reconnecting", "broker", c.url)
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

// OnConnect adds f to what runs each time the connection comes up (a reconnection too); f must not block.
func (c *Client) OnConnect(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onUp = append(c.onUp, f)
}

// ErrNotConnected is a publish while the broker is away.
var ErrNotConnected = errors.New("mqtt: not connected to the broker")

// Publish sends one message, waiting for the connection up to ctx's deadline (QoS 1 and 2: until the broker
// acknowledges it).
func (c *Client) Publish(ctx context.Context, topic string, qos byte, retain bool, payload []byte) error {
	if err := c.cm.AwaitConnection(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrNotConnected, err)
	}
	_, err := c.cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: qos, Retain: retain, Payload: payload})
	return err
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
