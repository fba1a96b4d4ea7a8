package e2e

// Home Assistant's MQTT discovery against a real broker (mosquitto) and subscriber (mosquitto_sub), the daemon a
// real process: the config messages as Home Assistant reads them, the daemon's availability through a kill -9
// (the broker's last will) and a restart, the configs sent again when Home Assistant says it is back, and the
// entities removed with the publisher.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// haRequired are the keys every config this daemon sends carries (Home Assistant requires state_topic of a
// sensor; unique_id ties it to its device and lets the user edit it).
var haRequired = []string{"unique_id", "name", "state_topic", "value_template", "availability", "availability_mode", "device", "origin"}

func TestHomeAssistantDiscovery(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	b := testutil.StartMosquitto(t)
	sub := b.Subscribe("#")
	dir := t.TempDir()
	flags := []string{"-listen", "127.0.0.1:0", "-layouts-dir", filepath.Join(dir, "layouts"), "-publishers-dir", filepath.Join(dir, "publishers"),
		"-recordings-dir", "-", "-mqtt", b.URL(), "-mqtt-client-id", "pc1"}
	addr, _, daemon := startDaemonProcess(t, flags...)
	c := client{t, "http://" + addr}
	name := fmt.Sprintf("shmbridge-e2e-ha-%d", os.Getpid())
	startProducer(t, name, 0)
	c.call("PUT", "/v1/layouts/probe", probeKsy, 201)
	var p struct{ ID string }
	json.Unmarshal(c.call("POST", "/v1/publishers", map[string]any{"kind": "mqtt", "mapping": `Local\` + name, "layout": "probe",
		"fields": []string{"tick", "t_ns"}, "topic": "sim/ha", "interval": "250ms", "qos": 1, "retain": true,
		"homeassistant": map[string]any{"device": map[string]any{"name": "Probe"}, "sensors": map[string]any{
			"tick": map[string]any{"name": "Tick", "state_class": "total_increasing"},
			"t_ns": map[string]any{"name": "Write time", "unit_of_measurement": "ns", "state_class": "measurement", "suggested_display_precision": 0}}}}, 201), &p)

	object := "Local_" + name
	config := func(field string) string { return "homeassistant/sensor/pc1/" + object + "_" + field + "/config" }
	status, avail := "shmbridge/pc1/status", "shmbridge/pc1/"+p.ID+"/availability"
	waitPayload(t, sub, status, "online")
	waitPayload(t, sub, avail, "online")
	for _, f := range []string{"tick", "t_ns"} {
		m := waitConfig(t, sub, config(f))
		var cfg map[string]any
		if err := json.Unmarshal([]byte(m.Payload), &cfg); err != nil {
			t.Fatalf("%s: %v", m.Payload, err)
		}
		for _, k := range haRequired {
			if cfg[k] == nil {
				t.Errorf("%s: no %s in %s", m.Topic, k, m.Payload)
			}
		}
		dev, _ := cfg["device"].(map[string]any)
		if cfg["unique_id"] != "pc1_"+object+"_"+f || cfg["state_topic"] != "sim/ha" || cfg["value_template"] != "{{ value_json['"+f+"'] }}" ||
			cfg["availability_mode"] != "all" || dev["name"] != "Probe" || dev["model"] != "probe" || fmt.Sprint(dev["identifiers"]) != "[pc1_"+object+"]" {
			t.Errorf("%s: %s", m.Topic, m.Payload)
		}
		t.Logf("%s (retained):\n%s", m.Topic, m.Payload)
	}
	if m := waitConfig(t, sub, config("t_ns")); !jsonHas(m.Payload, `"unit_of_measurement":"ns"`, `"state_class":"measurement"`, `"suggested_display_precision":0`) {
		t.Errorf("t_ns's sensor: %s", m.Payload)
	}
	if _, ok := sub.Last("sim/ha"); !ok {
		testutil.WaitFor(t, "a state message", func() bool { _, ok := sub.Last("sim/ha"); return ok })
	}

	// Home Assistant restarts: its birth message brings every config again.
	before := count(sub, config("tick"))
	if out, err := exec.Command("mosquitto_pub", "-h", "127.0.0.1", "-p", b.Port, "-t", "homeassistant/status", "-m", "online").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	testutil.WaitFor(t, "the configs again after homeassistant/status online", func() bool { return count(sub, config("tick")) > before })

	// kill -9: the broker's last will says offline; started again, online, the configs again.
	daemon.Process.Kill()
	daemon.Wait()
	waitPayload(t, sub, status, "offline")
	before = count(sub, config("tick"))
	addr, _, _ = startDaemonProcess(t, flags...)
	c = client{t, "http://" + addr}
	waitPayload(t, sub, status, "online")
	testutil.WaitFor(t, "the configs after the restart", func() bool { return count(sub, config("tick")) > before })

	// Deleted: each config emptied (retained), which removes the entity.
	c.call("DELETE", "/v1/publishers/"+p.ID, nil, 204)
	for _, topic := range []string{config("tick"), config("t_ns"), avail} {
		waitPayload(t, sub, topic, "")
	}
	fresh := b.Subscribe("homeassistant/#")
	probe := "homeassistant/probe"
	if out, err := exec.Command("mosquitto_pub", "-h", "127.0.0.1", "-p", b.Port, "-t", probe, "-m", "x").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	waitPayload(t, fresh, probe, "x") // what was retained came before it
	if got := fresh.Received(); len(got) != 1 {
		t.Errorf("retained under homeassistant/ after the delete: %+v", got)
	}
}

// waitPayload waits for the last message on topic to be payload.
func waitPayload(t *testing.T, sub *testutil.Subscription, topic, payload string) {
	t.Helper()
	testutil.WaitFor(t, fmt.Sprintf("%q on %s", payload, topic), func() error {
		if m, ok := sub.Last(topic); !ok || m.Payload != payload {
			return fmt.Errorf("last: %+v", m)
		}
		return nil
	})
}

// waitConfig waits for a config on topic, and answers it.
func waitConfig(t *testing.T, sub *testutil.Subscription, topic string) testutil.Message {
	t.Helper()
	var m testutil.Message
	testutil.WaitFor(t, "a config on "+topic, func() bool {
		var ok bool
		m, ok = sub.Last(topic)
		return ok && m.Payload != ""
	})
	return m
}

// count counts the messages received on topic.
func count(sub *testutil.Subscription, topic string) int {
	return len(slices.DeleteFunc(sub.Received(), func(m testutil.Message) bool { return m.Topic != topic }))
}

// jsonHas says whether a compact JSON payload holds every fragment.
func jsonHas(payload string, fragments ...string) bool {
	for _, f := range fragments {
		if !json.Valid([]byte(payload)) || !strings.Contains(payload, f) {
			return false
		}
	}
	return true
}
