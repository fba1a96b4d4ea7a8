package testutil

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Tool is the path of a command the test needs: without it, the test is skipped, or fails in CI (CI=true),
// where .ci/test installs it.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/test installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// Mosquitto is a real broker (Debian's mosquitto) on a port of its own, anonymous, without persistence:
// what it retains is gone when it stops.
type Mosquitto struct {
	t    testing.TB
	Port string
	conf string
	cmd  *exec.Cmd
	out  *LockedBuffer
}

// StartMosquitto starts a broker that runs until the test ends.
func StartMosquitto(t testing.TB) *Mosquitto {
	t.Helper()
	Tool(t, "mosquitto")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	m := &Mosquitto{t: t, Port: port, conf: filepath.Join(t.TempDir(), "mosquitto.conf")}
	// As root, mosquitto would switch to its own user, who cannot read the test's files.
	os.WriteFile(m.conf, []byte("listener "+port+" 127.0.0.1\nallow_anonymous true\nuser root\n"), 0o600)
	m.Start()
	t.Cleanup(m.Kill)
	return m
}

// URL is the broker's mqtt:// URL.
func (m *Mosquitto) URL() string { return "mqtt://127.0.0.1:" + m.Port }

// Start starts the broker (again), and waits for it to take a client.
func (m *Mosquitto) Start() {
	m.t.Helper()
	m.out = &LockedBuffer{}
	m.cmd = exec.Command("mosquitto", "-c", m.conf)
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	WaitFor(m.t, "mosquitto taking a client", func() error {
		if out, err := exec.Command(Tool(m.t, "mosquitto_pub"), "-h", "127.0.0.1", "-p", m.Port, "-t", "probe", "-n").CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s (mosquitto: %s)", err, out, m.out)
		}
		return nil
	})
}

// Kill stops the broker at once.
func (m *Mosquitto) Kill() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

// Message is one message a subscriber received.
type Message struct {
	Topic, Payload string
	Retained       bool
}

// Subscription is a real subscriber (mosquitto_sub) to a topic filter, running until the test ends.
type Subscription struct {
	probe string // a topic of its own, which proves it subscribed

	mu   sync.Mutex
	msgs []Message
}

var probes atomic.Int64

// Subscribe runs mosquitto_sub on filter, and waits until it has subscribed (a message on a probe topic of its
// own reached it); Received and Last read what it received since.
func (m *Mosquitto) Subscribe(filter string) *Subscription {
	m.t.Helper()
	s := &Subscription{probe: fmt.Sprintf("testutil-probe/%d/%d", os.Getpid(), probes.Add(1))}
	// -F: the topic, the retain flag, the payload on one line each message (payloads hold no newline here).
	cmd := exec.Command(Tool(m.t, "mosquitto_sub"), "-h", "127.0.0.1", "-p", m.Port, "-t", filter, "-t", s.probe, "-q", "1", "-F", "%t %r %p")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	m.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			topic, rest, _ := strings.Cut(sc.Text(), " ")
			retained, payload, _ := strings.Cut(rest, " ")
			s.mu.Lock()
			s.msgs = append(s.msgs, Message{topic, payload, retained == "1"})
			s.mu.Unlock()
		}
	}()
	WaitFor(m.t, "mosquitto_sub subscribed", func() error {
		if out, err := exec.Command(Tool(m.t, "mosquitto_pub"), "-h", "127.0.0.1", "-p", m.Port, "-t", s.probe, "-n").CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, msg := range s.msgs {
			if msg.Topic == s.probe {
				return nil
			}
		}
		return fmt.Errorf("no probe received")
	})
	return s
}

// Received answers every message received so far (but the probes).
func (s *Subscription) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if m.Topic != s.probe {
			out = append(out, m)
		}
	}
	return out
}

// Last answers the last message received on topic (ok false: none).
func (s *Subscription) Last(topic string) (msg Message, ok bool) {
	for _, m := range s.Received() {
		if m.Topic == topic {
			msg, ok = m, true
		}
	}
	return msg, ok
}
