package mqtt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Config is a broker to connect to, as -mqtt's flags or the API set it.
type Config struct {
	// URL is the broker: mqtt://host:1883, or mqtts://host:8883 for TLS ("": none).
	URL string `json:"url"`
	// ClientID is the MQTT client identifier (default: shmbridge-HOSTNAME): 1 to 64 of a-z, A-Z, 0-9, _ and -.
	ClientID string `json:"client_id,omitempty"`
	// Username and Password authenticate the daemon to the broker ("": none).
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	// CA is PEM certificates mqtts:// trusts (a broker's own CA); "": the system's roots.
	CA string `json:"ca_pem,omitempty"`
}

// Limits of a Config's fields.
const (
	maxClientID   = 64
	maxCredential = 1024
	maxCA         = 256 << 10
)

var clientID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// DefaultClientID is the client identifier of a Config that names none: shmbridge-HOSTNAME, the host name's
// characters other than a-z, A-Z, 0-9, _ and - replaced by _ (the identifier names topics: StatusTopic).
func DefaultClientID() string {
	host, _ := os.Hostname()
	id := "shmbridge-" + Slug(host)
	return id[:min(len(id), maxClientID)]
}

// Slug is s with every character but a-z, A-Z, 0-9, _ and - replaced by _ ("_" for ""): an id as MQTT
// discovery (Home Assistant's) takes them, and a topic level with no wildcard in it.
func Slug(s string) string {
	if s == "" {
		return "_"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// ID is the client identifier the connection uses.
func (cfg Config) ID() string {
	if cfg.ClientID != "" {
		return cfg.ClientID
	}
	return DefaultClientID()
}

// StatusTopic is where the daemon says whether it is there: shmbridge/CLIENT_ID/status, "online" (retained)
// while connected, "offline" when it stops or (the broker's last will) dies.
func (cfg Config) StatusTopic() string { return "shmbridge/" + cfg.ID() + "/status" }

func (cfg Config) statusTopic() string { return cfg.StatusTopic() }

// Check says what is wrong with cfg (nil: nothing). Its errors never show the password.
func (cfg Config) Check() error {
	_, err := cfg.options()
	return err
}

// options are the connection options of cfg (nil for a cfg without URL).
func (cfg Config) options() (*paho.ClientOptions, error) {
	switch {
	case cfg.URL == "" && (cfg.ClientID != "" || cfg.Username != "" || cfg.Password != "" || cfg.CA != ""):
		return nil, errors.New("no broker url: give url (mqtt://host:1883), or nothing")
	case cfg.URL == "":
		return nil, nil
	case cfg.ClientID != "" && !clientID.MatchString(cfg.ClientID):
		return nil, fmt.Errorf("client_id %q: 1 to %d of a-z, A-Z, 0-9, _ and -", cfg.ClientID, maxClientID)
	case len(cfg.Username) > maxCredential || len(cfg.Password) > maxCredential:
		return nil, fmt.Errorf("a user name or a password is at most %d bytes", maxCredential)
	case cfg.Password != "" && cfg.Username == "":
		return nil, errors.New("a password needs a username")
	case len(cfg.CA) > maxCA:
		return nil, fmt.Errorf("ca_pem is at most %d bytes", maxCA)
	}
	u, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	o := paho.NewClientOptions().AddBroker(u.String()).SetClientID(cfg.ID()).
		SetUsername(cfg.Username).SetPassword(cfg.Password).
		SetCleanSession(true).SetOrderMatters(false).SetResumeSubs(false).
		// Reconnection is the loop's (Client.loop): a new client each connection, back-off.go's waits.
		SetAutoReconnect(false).SetConnectRetry(false).
		SetKeepAlive(keepAlive).SetConnectTimeout(connectTimeout).SetWriteTimeout(writeTimeout).
		SetBinaryWill(cfg.StatusTopic(), []byte(Offline), 1, true)
	if cfg.CA != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CA)) {
			return nil, errors.New("ca_pem: no PEM certificate in it")
		}
		o.SetTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	} else if u.Scheme == "mqtts" {
		o.SetTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	return o, nil
}

// FromFlags is the Config of -mqtt's flags: the URL, a credentials file (the user name on its first line, the
// password on its second: a file, never the command line, where every user of the machine could read them), a
// CA file, a client id.
func FromFlags(rawURL, credentialsFile, caFile, id string) (Config, error) {
	cfg := Config{URL: rawURL, ClientID: id}
	if credentialsFile != "" {
		user, pass, err := ReadCredentials(credentialsFile)
		if err != nil {
			return cfg, err
		}
		cfg.Username, cfg.Password = user, string(pass)
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return cfg, err
		}
		cfg.CA = string(pem)
	}
	if err := cfg.Check(); err != nil {
		return cfg, err
	}
	return cfg, nil
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
		return nil, fmt.Errorf("%q: credentials go in a file (-mqtt-credentials) or in username and password, not in the URL", shown)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q: only a scheme, a host and a port", shown)
	}
	if u.Port() == "" {
		u.Host += map[string]string{"mqtt": ":1883", "mqtts": ":8883"}[u.Scheme]
	}
	u.Path = ""
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
