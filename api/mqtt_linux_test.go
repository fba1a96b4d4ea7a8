package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// putJSON sends a JSON PUT and checks the status.
func (b *bridge) putJSON(t *testing.T, p string, body any, status int) []byte {
	t.Helper()
	resp, data := b.do("PUT", p, jsonBody(body), "Content-Type", "application/json")
	expect(t, resp, data, status)
	return data
}

// TestBrokerThroughTheAPI: a running daemon without -mqtt takes a broker by PUT /v1/mqtt (a real mosquitto):
// an mqtt publisher made before it publishes once connected, the daemon's status topic says "online"; the
// password is never answered; a broker that does not check is 400 naming why; DELETE disconnects, leaving
// "offline". With -mqtt, PUT and DELETE are 409 set-by-flag.
func TestBrokerThroughTheAPI(t *testing.T) {
	m := testutil.StartMosquitto(t)
	sub := m.Subscribe("#")
	b := newBridge(t, nil)
	t.Cleanup(func() { b.do("DELETE", "/v1/mqtt", nil) }) // the connection's loop ends with the test
	if got := decode[api.Broker](t, b.getOK(t, "/v1/mqtt")); got.URL != "" || got.Connected || got.SetByFlag {
		t.Fatalf("no broker yet: %+v", got)
	}
	for body, detail := range map[string]string{`{}`: "url", `{"url": "http://b.lan"}`: "mqtt://", `{"url": "mqtt://u:s3cr3t@b.lan"}`: "credentials",
		`{"url": "mqtt://b.lan", "client_id": "a b"}`: "client_id", `{"url": "mqtt://b.lan", "password": "s3cr3t"}`: "username",
		`{"url": "mqtt://b.lan", "ca_pem": "x"}`: "PEM", `{"url": "mqtt://b.lan", "colour": "x"}`: "colour"} {
		resp, data := b.do("PUT", "/v1/mqtt", strings.NewReader(body), "Content-Type", "application/json", "Invalid", "")
		expect(t, resp, data, 400)
		if !strings.Contains(string(data), detail) || strings.Contains(string(data), "s3cr3t") {
			t.Errorf("%s: %s", body, data)
		}
	}
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	b.post(t, "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": n, "layout": "telemetry", "topic": "sim/api", "fields": []string{"speed"}}, 201)

	data := b.putJSON(t, "/v1/mqtt", map[string]any{"url": m.URL(), "client_id": "api-test", "username": "u", "password": "s3cr3t-pw"}, 200)
	if got := decode[api.Broker](t, data); strings.Contains(string(data), "s3cr3t") || !got.PasswordSet || got.StatusTopic != "shmbridge/api-test/status" {
		t.Fatalf("set: %s", data)
	}
	testutil.WaitFor(t, "connected, the publisher's message and the status online", func() error {
		got := decode[api.Broker](t, b.getOK(t, "/v1/mqtt"))
		status, _ := sub.Last("shmbridge/api-test/status")
		msg, ok := sub.Last("sim/api")
		if !got.Connected || got.Connections != 1 || status.Payload != mqtt.Online || !ok {
			return fmt.Errorf("%+v, status %+v, message %+v", got, status, msg)
		}
		return nil
	})
	resp, data := b.do("DELETE", "/v1/mqtt", nil)
	expect(t, resp, data, 204)
	testutil.WaitFor(t, "the status offline after DELETE", func() bool {
		status, _ := sub.Last("shmbridge/api-test/status")
		return status.Payload == mqtt.Offline
	})
	if got := decode[api.Broker](t, b.getOK(t, "/v1/mqtt")); got.URL != "" || got.Connected {
		t.Errorf("after DELETE: %+v", got)
	}

	flagged := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Broker = &mqtt.Config{URL: m.URL()} })
	if got := decode[api.Broker](t, flagged.getOK(t, "/v1/mqtt")); !got.SetByFlag {
		t.Errorf("set by -mqtt: %+v", got)
	}
	wantProblem(t, flagged.putJSON(t, "/v1/mqtt", map[string]any{"url": m.URL()}, 409), "set-by-flag", "-mqtt")
	resp, data = flagged.do("DELETE", "/v1/mqtt", nil)
	expect(t, resp, data, 409)
}
