package mqtt

import (
	"strings"
	"testing"
	"time"
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
	if _, err := Dial(Options{URL: "mqtt://user:s3cr3t-pw@broker.lan:1883"}); err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "-mqtt-credentials") {
		t.Errorf("Dial: %v", err)
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

// TestCheckPacketSize: a message over the broker's maximum packet size (its CONNACK says it) is refused before
// it is sent: mosquitto would drop the connection every publisher shares.
func TestCheckPacketSize(t *testing.T) {
	c := &Client{}
	c.maxPacket.Store(100)
	// 1 + 1 (remaining length) + 2 + 5 ("a/b/c") + 1 (properties) + 2 (packet id) + payload
	if err := c.check("a/b/c", 1, make([]byte, 88)); err != nil {
		t.Errorf("100 bytes: %v", err)
	}
	if err := c.check("a/b/c", 1, make([]byte, 89)); err == nil {
		t.Error("101 bytes are taken")
	}
	c.maxPacket.Store(0)
	if err := c.check("a/b/c", 0, make([]byte, 1<<20)); err != nil {
		t.Errorf("no limit said: %v", err)
	}
}

// TestUpAndDown: Up is closed while the connection is up, Down once the connection that was up goes down; the
// OnConnect functions have run by the time Up says so (a publisher woken by it sends its whole state first).
func TestUpAndDown(t *testing.T) {
	c, err := Dial(Options{URL: "mqtt://127.0.0.1:1"}) // nothing listens there: the test says when it is up
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(t.Context())
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
	c.up(nil)
	down := c.Down()
	if !closed(up) || !closed(c.Up()) || closed(down) || !ranBefore || !c.Connected() {
		t.Fatalf("connected: up %v, down %v, OnConnect before Up %v", closed(up), closed(down), ranBefore)
	}
	c.down()
	if !closed(down) || closed(c.Up()) || !closed(c.Down()) || c.Connected() {
		t.Fatal("still up after the connection went down")
	}
	again := c.Up()
	c.up(nil)
	if !closed(again) || closed(c.Down()) || c.Connects() != 2 {
		t.Fatalf("reconnected: up %v, %d connections", closed(again), c.Connects())
	}
}
