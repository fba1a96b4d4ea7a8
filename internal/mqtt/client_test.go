package mqtt

import (
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// TestCheckTopic: what mosquitto takes for a malformed packet (and drops the connection for) is refused
// before it is sent: control characters, non-characters, too many levels; ordinary topics pass.
func TestCheckTopic(t *testing.T) {
	for _, ok := range []string{"sim/car", "a", "sim/é/🚗", "sim/\u00a0x", "x/\ufdcf", "x/\ufdf0", "x/\ufffd", strings.Repeat("a/", MaxTopicLevels-1) + "a"} {
		if err := CheckTopic(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"bad/\u0001", "x\x00", "x\t", "x\x7f", "x\u0085", "x\u009f", "x\ufdd0", "x\ufdef", "x\ufffe", "x\uffff",
		"x\U0001fffe", "x\U0010ffff", "x/\xff", "", "sim/#", "a/+/b", "$SYS/x", strings.Repeat("a/", MaxTopicLevels) + "a", strings.Repeat("x", 65536)} {
		if CheckTopic(bad) == nil {
			t.Errorf("%q is taken", bad)
		}
	}
}

// TestParseURLRedacts: a URL with credentials is refused without repeating the password, whether it parses or
// not.
func TestParseURLRedacts(t *testing.T) {
	for _, u := range []string{"mqtt://user:s3cr3t-pw@broker.lan:1883", "mqtt://user:s3cr3t-pw@broker.lan:port", "mqtts://s3cr3t-pw@broker.lan/x",
		"mqtt://user:s3cr3t-pw@broker.lan:1883/path", "http://user:s3cr3t-pw@broker.lan", "mqtt://user:s3cr3t-pw@/x", "mqtt://user:s3cr3t-pw@broker lan"} {
		_, err := ParseURL(u)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := FromFlags("mqtt://user:s3cr3t-pw@broker.lan:1883", "", "", ""); err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "-mqtt-credentials") {
		t.Errorf("FromFlags: %v", err)
	}
}

// TestConfigCheck: what a broker's configuration may hold, and what it may not (its errors never show the
// password).
func TestConfigCheck(t *testing.T) {
	for _, ok := range []Config{{}, {URL: "mqtt://b.lan"}, {URL: "mqtts://b.lan:8883", ClientID: "pc-1_a", Username: "u", Password: "p"}} {
		if err := ok.Check(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for _, bad := range []Config{{ClientID: "x"}, {URL: "mqtt://b.lan", ClientID: "a b"}, {URL: "mqtt://b.lan", ClientID: strings.Repeat("a", 65)},
		{URL: "mqtt://b.lan", Password: "s3cr3t"}, {URL: "mqtt://b.lan", CA: "not a certificate"}, {URL: "http://b.lan"},
		{URL: "mqtt://b.lan", Username: "u", Password: strings.Repeat("s3cr3t", 200)}, {URL: "mqtt://b.lan", CA: strings.Repeat("x", maxCA+1)}} {
		if err := bad.Check(); err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if got := (Config{URL: "mqtt://b.lan", ClientID: "pc1"}).StatusTopic(); got != "shmbridge/pc1/status" {
		t.Errorf("status topic %q", got)
	}
	if id := DefaultClientID(); CheckTopic("shmbridge/"+id) != nil || !clientID.MatchString(id) {
		t.Errorf("default client id %q", id)
	}
}

// TestBackoffAfterQuickDrops: a connection the broker drops right after it was made counts as a failure: the
// waits before connecting again grow (from 0.05–0.1 s, doubling, to 30 s) however many times it happens; a
// connection that stayed up makes the next try immediate again.
func TestBackoffAfterQuickDrops(t *testing.T) {
	now := time.Unix(1000, 0)
	b := backoff{now: func() time.Time { return now }}
	if w := b.wait(0); w != 0 {
		t.Fatalf("the first connection waits %v", w)
	}
	var total time.Duration
	for i := 1; i <= 12; i++ {
		b.up()
		now = now.Add(time.Millisecond) // the broker drops it at once
		_, w := b.down()
		lo := min(backoffBase<<(i-1), backoffMax) / 2
		if w < lo || w > backoffMax || b.wait(0) != w {
			t.Fatalf("drop %d: wait %v, want at least %v", i, w, lo)
		}
		total += w
		now = now.Add(w)
	}
	if total < time.Minute {
		t.Errorf("12 drops in a row cost %v of waiting", total)
	}
	if w := b.wait(1); w < backoffMax/2 { // an attempt that fails after them waits as long
		t.Errorf("a failed attempt after the drops waits %v", w)
	}
	b.up()
	now = now.Add(stableFor)
	if _, w := b.down(); w != 0 || b.wait(0) != 0 || b.wait(1) > backoffBase {
		t.Errorf("after a connection that stayed up: %v, %v", w, b.wait(1))
	}
}

// TestCheckPacketSize: a message over what MQTT carries is refused before it is sent.
func TestCheckPacketSize(t *testing.T) {
	// 2 + 5 ("a/b/c") + 2 (packet id) + payload
	if err := check("a/b/c", 1, make([]byte, maxRemaining-9)); err != nil {
		t.Errorf("the most: %v", err)
	}
	if err := check("a/b/c", 1, make([]byte, maxRemaining-8)); err == nil {
		t.Error("one byte more is taken")
	}
}

// TestUpAndDown: Up is closed while the connection is up, Down once the connection that was up goes down; the
// OnConnect functions have run by the time Up says so (a publisher woken by it sends its whole state first).
func TestUpAndDown(t *testing.T) {
	c := New(nil) // no broker: the test says when it is up
	defer c.Close()
	cl := paho.NewClient(paho.NewClientOptions()) // never connected: what up sends through it fails at once
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	if closed(c.Up()) || !closed(c.Down()) || c.Connected() {
		t.Fatal("up before any connection")
	}
	up := c.Up()
	ranBefore := false
	c.OnConnect(func() { ranBefore = !closed(up) })
	c.up(cl, "s")
	down := c.Down()
	if !closed(up) || !closed(c.Up()) || closed(down) || !ranBefore || !c.Connected() {
		t.Fatalf("connected: up %v, down %v, OnConnect before Up %v", closed(up), closed(down), ranBefore)
	}
	c.down()
	if !closed(down) || closed(c.Up()) || !closed(c.Down()) || c.Connected() {
		t.Fatal("still up after the connection went down")
	}
	again := c.Up()
	c.up(cl, "s")
	if !closed(again) || closed(c.Down()) || c.Connects() != 2 {
		t.Fatalf("reconnected: up %v, %d connections", closed(again), c.Connects())
	}
}
