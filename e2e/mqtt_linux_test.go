package e2e

// MQTT publishers against a real broker (Debian's mosquitto, with a password file) and a real subscriber
// (mosquitto_sub): a native producer's values arrive, with their end-to-end latency; across a broker restart;
// two daemons into one broker (the fleet example).

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// probeKsy is producer100Hz's first 16 bytes: its seqlock, tick and write time.
const probeKsy = `meta:
  id: probe
  endian: le
  -shmbridge:
    consistency:
      seqlock: seq
seq:
  - id: seq
    type: u4
  - id: tick
    type: u4
  - id: t_ns
    type: s8
`

// broker is a mosquitto on a port of its own, with a user and a password.
type broker struct {
	t          *testing.T
	port       string
	conf       string
	cmd        *exec.Cmd
	user, pass string
	tls        bool
	cafile     string // the broker's CA, with tls
}

func startBroker(t *testing.T) *broker {
	t.Helper()
	return startBrokerWith(t, "", "")
}

// startBrokerWith starts a broker whose listener has these extra lines (TLS), its clients trusting cafile.
func startBrokerWith(t *testing.T, listener, cafile string) *broker {
	t.Helper()
	needTool(t, "mosquitto")
	dir := t.TempDir()
	b := &broker{t: t, port: strings.Split(freePort(t), ":")[1], user: "shmbridge", pass: "broker-secret-1"}
	pw := filepath.Join(dir, "passwd")
	if out, err := exec.Command(needTool(t, "mosquitto_passwd"), "-b", "-c", pw, b.user, b.pass).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	b.conf = filepath.Join(dir, "mosquitto.conf")
	os.WriteFile(b.conf, []byte(fmt.Sprintf("listener %s 127.0.0.1\n%sallow_anonymous false\npassword_file %s\n# as root, mosquitto would switch to its own user, who cannot read the test's files\nuser root\n", b.port, listener, pw)), 0o600)
	b.tls, b.cafile = listener != "", cafile
	b.start()
	t.Cleanup(b.stop)
	return b
}

func (b *broker) start() {
	b.t.Helper()
	b.cmd = exec.Command("mosquitto", "-c", b.conf)
	out := &strings.Builder{}
	b.cmd.Stderr, b.cmd.Stdout = out, out
	defer func() {
		if b.t.Failed() {
			b.t.Logf("mosquitto:\n%s", out)
		}
	}()
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	testutil.WaitFor(b.t, "mosquitto listening", func() error {
		if out, err := exec.Command("mosquitto_pub", append(b.clientArgs(), "-t", "probe", "-n")...).CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
}

func (b *broker) stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}
}

// clientArgs are mosquitto_pub's and mosquitto_sub's arguments to reach the broker.
func (b *broker) clientArgs() []string {
	args := []string{"-h", "127.0.0.1", "-p", b.port, "-u", b.user, "-P", b.pass}
	if b.tls {
		args = append(args, "--cafile", b.cafile)
	}
	return args
}

// credentials writes the daemon's credentials file: the user name, then the password.
func (b *broker) credentials() string {
	f := filepath.Join(b.t.TempDir(), "mqtt-credentials")
	os.WriteFile(f, []byte(b.user+"\n"+b.pass+"\n"), 0o600)
	return f
}

// received is a message mosquitto_sub printed, and when it did.
type received struct {
	topic   string
	payload map[string]any
	at      time.Time
}

// subscribe runs mosquitto_sub on topic until the test ends; the messages arrive on the channel.
func (b *broker) subscribe(topic string) <-chan received {
	b.t.Helper()
	cmd := exec.Command(needTool(b.t, "mosquitto_sub"), append(b.clientArgs(), "-t", topic, "-v", "-q", "1")...)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ch := make(chan received, 100000)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			at := time.Now()
			topic, payload, _ := strings.Cut(sc.Text(), " ")
			var m map[string]any
			json.Unmarshal([]byte(payload), &m)
			ch <- received{topic, m, at}
		}
		close(ch)
	}()
	return ch
}

// metric reads one sample of the daemon's /metrics (the first line that starts with name).
func (c client) metric(name string) float64 {
	c.t.Helper()
	for _, line := range strings.Split(string(c.call("GET", "/metrics", nil, 200)), "\n") {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			v, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			return v
		}
	}
	return -1
}

// TestMQTTPublisher: a native producer's fields, published by the daemon (credentials from a file), arrive at
// a real subscriber; the latency from the producer's write to the subscriber, measured; the broker killed
// and started again: the daemon reconnects by itself, what could not go meanwhile is counted as dropped
// (latest wins), and the first message after the reconnection is the whole state.
func TestMQTTPublisher(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	b := startBroker(t)
	dir := t.TempDir()
	flags := []string{"-listen", "127.0.0.1:0", "-layouts-dir", filepath.Join(dir, "layouts"), "-publishers-dir", filepath.Join(dir, "publishers"),
		"-recordings-dir", "-", "-mqtt", "mqtt://127.0.0.1:" + b.port, "-mqtt-credentials", b.credentials()}
	addr, log, daemon := startDaemonProcess(t, flags...)
	c := client{t, "http://" + addr}
	testutil.WaitFor(t, "connected to the broker", func() error {
		if c.metric("shmbridge_mqtt_connected") != 1 {
			return fmt.Errorf("not connected:\n%s", log)
		}
		return nil
	})
	name := fmt.Sprintf("shmbridge-e2e-mqtt-%d", os.Getpid())
	startProducer(t, name, 0)
	c.call("PUT", "/v1/layouts/probe", probeKsy, 201)
	msgs := b.subscribe("sim/#")
	var p struct {
		ID        string `json:"id"`
		Connected bool   `json:"connected"`
		Published int64  `json:"published"`
		Dropped   int64  `json:"dropped"`
	}
	json.Unmarshal(c.call("POST", "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": `Local\` + name, "layout": "probe",
		"fields": []string{"tick", "t_ns"}, "topic": "sim/probe", "interval": "2ms", "qos": 1, "retain": true}, 201), &p)
	if !p.Connected {
		t.Errorf("created: %+v", p)
	}

	// Latency: the producer's write time is in the message.
	var lat []time.Duration
	last := 0.0
	for len(lat) < 500 {
		m, ok := <-msgs
		if !ok {
			t.Fatal("mosquitto_sub ended")
		}
		tick, _ := m.payload["tick"].(float64)
		if m.topic != "sim/probe" || tick <= last {
			t.Fatalf("a message out of order or of another topic: %+v (last tick %v)", m, last)
		}
		last = tick
		lat = append(lat, m.at.Sub(time.Unix(0, int64(m.payload["t_ns"].(float64)))))
	}
	slices.Sort(lat)
	t.Logf("mqtt end to end (native write → mosquitto_sub, interval=2ms, qos 1): p50 %v, p99 %v, max %v over %d messages",
		lat[len(lat)/2].Round(10*time.Microsecond), lat[len(lat)*99/100].Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), len(lat))

	// The broker goes away.
	b.stop()
	testutil.WaitFor(t, "the daemon sees the broker gone", func() error {
		if c.metric("shmbridge_mqtt_connected") != 0 {
			return fmt.Errorf("still connected")
		}
		return nil
	})
	json.Unmarshal(c.call("GET", "/v1/publishers/"+p.ID, nil, 200), &p)
	before := p
	down := time.Now()
	// The broker stays away until the daemon has had to drop a message for it (the producer writes at 100 Hz):
	// waited for, not a pause a busy machine can outlast without one.
	testutil.WaitFor(t, "a message dropped while the broker is away", func() error {
		var now struct{ Dropped int64 }
		json.Unmarshal(c.call("GET", "/v1/publishers/"+p.ID, nil, 200), &now)
		if now.Dropped <= before.Dropped {
			return fmt.Errorf("dropped %d, %d before the broker went away", now.Dropped, before.Dropped)
		}
		return nil
	})
	b.start()
	msgs = b.subscribe("sim/#")
	first := <-msgs // the retained state, or the first message after the reconnection
	back := time.Now()
	testutil.WaitFor(t, "reconnected", func() error {
		if c.metric("shmbridge_mqtt_connected") != 1 {
			return fmt.Errorf("not connected")
		}
		return nil
	})
	tick0, _ := first.payload["tick"].(float64)
	if tick0 <= last || first.payload["t_ns"] == nil {
		t.Fatalf("after the restart: %+v (before it: tick %v)", first, last)
	}
	var after []float64
	for i := 0; i < 50; i++ {
		m := <-msgs
		if tick, _ := m.payload["tick"].(float64); tick <= tick0 {
			t.Fatalf("after the restart, tick %v after %v", tick, tick0)
		} else {
			tick0 = tick
			after = append(after, tick)
		}
	}
	json.Unmarshal(c.call("GET", "/v1/publishers/"+p.ID, nil, 200), &p)
	if p.Dropped <= before.Dropped || p.Published <= before.Published || c.metric("shmbridge_mqtt_connections_total") != 2 {
		t.Errorf("across the restart: before %+v, after %+v, connections %v", before, p, c.metric("shmbridge_mqtt_connections_total"))
	}
	t.Logf("broker restart: away %v; the last tick before it %v; the first messages after it, ticks %v, %v, %v (whole); %d messages dropped while away (latest wins), %d published in all",
		back.Sub(down).Round(time.Millisecond), last, first.payload["tick"], after[0], after[1], p.Dropped-before.Dropped, p.Published)

	// The daemon started again: the publisher, kept in -publishers-dir, publishes again.
	daemon.Process.Signal(os.Interrupt)
	daemon.Wait()
	addr, _, _ = startDaemonProcess(t, flags...)
	c = client{t, "http://" + addr}
	for m := range msgs {
		if tick, _ := m.payload["tick"].(float64); tick > tick0 {
			break
		}
	}
	c.call("DELETE", "/v1/publishers/"+p.ID, nil, 204)
}

// TestMQTTOverTLS: mqtts:// to a broker with a certificate of its own CA (-mqtt-ca): the values arrive.
func TestMQTTOverTLS(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key := testCertificates(t, dir)
	b := startBrokerWith(t, fmt.Sprintf("cafile %s\ncertfile %s\nkeyfile %s\n", ca, cert, key), ca)
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	addr, log, _ := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-layouts-dir", "-", "-publishers-dir", "-", "-recordings-dir", "-",
		"-mqtt", "mqtts://127.0.0.1:"+b.port, "-mqtt-ca", ca, "-mqtt-credentials", b.credentials())
	c := client{t, "http://" + addr}
	testutil.WaitFor(t, "connected over TLS", func() error {
		if c.metric("shmbridge_mqtt_connected") != 1 {
			return fmt.Errorf("not connected:\n%s", log)
		}
		return nil
	})
	name := fmt.Sprintf("shmbridge-e2e-mqtts-%d", os.Getpid())
	startProducer(t, name, 0)
	c.call("PUT", "/v1/layouts/probe", probeKsy, 201)
	msgs := b.subscribe("tls/#")
	c.call("POST", "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": `Local\` + name, "layout": "probe", "fields": []string{"tick"}, "topic": "tls/probe"}, 201)
	select {
	case m := <-msgs:
		if m.topic != "tls/probe" || m.payload["tick"] == nil {
			t.Errorf("over TLS: %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("nothing arrived over TLS:\n%s", log)
	}
}

// testCertificates writes a CA and a certificate it signed for 127.0.0.1, with its key: PEM files in dir.
func testCertificates(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "shmbridge test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("broker.pem", "CERTIFICATE", srvDER), write("broker.key", "EC PRIVATE KEY", keyDER)
}

// TestFleetExample: examples/fleet/two-daemons.sh, two daemons (two hosts, as far as the broker can tell),
// each with a mapping of its own, publishing to one broker; one subscriber sees both.
func TestFleetExample(t *testing.T) {
	b := startBroker(t)
	exe, err := daemonBinary()
	if err != nil {
		t.Fatal(err)
	}
	msgs := b.subscribe("fleet/#")
	cmd := exec.Command("sh", "examples/fleet/two-daemons.sh")
	cmd.Env = append(os.Environ(), "SHMBRIDGE="+exe, "BROKER=mqtt://127.0.0.1:"+b.port, "CREDENTIALS="+b.credentials(),
		"PORT_A="+strings.Split(freePort(t), ":")[1], "PORT_B="+strings.Split(freePort(t), ":")[1])
	var mu sync.Mutex
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	seen := map[string]map[string]any{}
	deadline := time.After(60 * time.Second)
	for len(seen) < 2 {
		select {
		case m := <-msgs:
			mu.Lock()
			seen[m.topic] = m.payload
			mu.Unlock()
		case <-deadline:
			t.Fatalf("in 60 s the subscriber saw %v\n%s", seen, out)
		}
	}
	if seen["fleet/rig-a/coolant"]["coolant"] != 88.5 || seen["fleet/rig-b/coolant"]["coolant"] != 91.25 {
		t.Errorf("the subscriber saw %v", seen)
	}
}
