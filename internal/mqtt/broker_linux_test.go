package mqtt

import (
	"fmt"
	"os/exec"
	"sync/atomic"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestBrokers, against real brokers (mosquitto) and subscribers (mosquitto_sub): the daemon's status topic says
// "online" (retained) once connected; messages go; a subscription's handler hears what another client sends;
// a broker restarted is connected to again, with the subscription; a new broker (Configure) takes over, the old
// one left with "offline"; Close says "offline" too.
func TestBrokers(t *testing.T) {
	a, b := testutil.StartMosquitto(t), testutil.StartMosquitto(t)
	subA, subB := a.Subscribe("#"), b.Subscribe("#")
	status := "shmbridge/t1/status"
	c := New(nil)
	defer c.Close()
	var heard atomic.Int64
	c.Subscribe("homeassistant/status", func(p []byte) {
		if string(p) == Online {
			heard.Add(1)
		}
	})
	if err := c.Configure(Config{URL: a.URL(), ClientID: "t1"}); err != nil {
		t.Fatal(err)
	}
	published(t, c, subA, "t/x", "first")
	retainedIs(t, a, status, Online)
	announce(t, a, &heard)

	a.Kill()
	testutil.WaitFor(t, "the connection lost", func() bool { return !c.Connected() })
	a.Start()
	subA = a.Subscribe("#")
	published(t, c, subA, "t/x", "after the restart")
	retainedIs(t, a, status, Online)
	announce(t, a, &heard)

	if err := c.Configure(Config{URL: b.URL(), ClientID: "t1"}); err != nil {
		t.Fatal(err)
	}
	lastIs(t, subA, status, Offline)
	retainedIs(t, a, status, Offline)
	published(t, c, subB, "t/x", "to the new broker")
	retainedIs(t, b, status, Online)
	announce(t, b, &heard)
	if c.Connects() != 3 {
		t.Errorf("%d connections, want 3", c.Connects())
	}
	c.Close()
	lastIs(t, subB, status, Offline)
	retainedIs(t, b, status, Offline)
	if err := c.Configure(Config{URL: b.URL()}); err == nil {
		t.Error("a closed client takes a broker")
	}
}

// published publishes payload to topic (QoS 1), and waits for the subscriber to have it.
func published(t *testing.T, c *Client, sub *testutil.Subscription, topic, payload string) {
	t.Helper()
	if err := c.Publish(t.Context(), topic, 1, false, []byte(payload)); err != nil {
		t.Fatal(err)
	}
	lastIs(t, sub, topic, payload)
}

// lastIs waits for the last message on topic to be payload.
func lastIs(t *testing.T, sub *testutil.Subscription, topic, payload string) {
	t.Helper()
	testutil.WaitFor(t, fmt.Sprintf("%s on %s", payload, topic), func() error {
		if m, ok := sub.Last(topic); !ok || m.Payload != payload {
			return fmt.Errorf("last: %+v", m)
		}
		return nil
	})
}

// retainedIs checks that a new subscriber to topic gets payload, retained.
func retainedIs(t *testing.T, m *testutil.Mosquitto, topic, payload string) {
	t.Helper()
	sub := m.Subscribe(topic)
	testutil.WaitFor(t, fmt.Sprintf("%s retained on %s", payload, topic), func() error {
		if m, ok := sub.Last(topic); !ok || m.Payload != payload || !m.Retained {
			return fmt.Errorf("last: %+v", m)
		}
		return nil
	})
}

// announce has another client say "online" on homeassistant/status (again, until heard: the subscription may
// not be made yet), and waits for the handler to hear it.
func announce(t *testing.T, m *testutil.Mosquitto, heard *atomic.Int64) {
	t.Helper()
	n := heard.Load() + 1
	testutil.WaitFor(t, "the subscription hearing homeassistant/status", func() error {
		if out, err := exec.Command("mosquitto_pub", "-h", "127.0.0.1", "-p", m.Port, "-t", "homeassistant/status", "-m", Online).CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		if heard.Load() < n {
			return fmt.Errorf("heard %d times", heard.Load())
		}
		return nil
	})
}
