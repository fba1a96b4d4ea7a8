package publish

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/shmbridge/shmbridge/internal/mqtt"
)

// TestAnnouncements: a publisher's discovery configs, as Home Assistant reads them: one a sensor, in the
// fields' order, at PREFIX/sensor/NODE/OBJECT/config, with the keys the request says and the ones the daemon
// sets (unique_id, state_topic, value_template, availability, device, origin).
func TestAnnouncements(t *testing.T) {
	precision := 0
	sp := Spec{ID: "p0123456789ab", Kind: MQTT, Mapping: `Local\acpmf_physics`, Topic: "sim/acc", Fields: []string{"speed_kmh", "wheels[2].temp", "gear"},
		HomeAssistant: &Discovery{Prefix: "ha", Sensors: map[string]Sensor{
			"speed_kmh":      {Name: "Speed", UnitOfMeasurement: "km/h", DeviceClass: "speed", StateClass: "measurement", SuggestedDisplayPrecision: &precision},
			"wheels[2].temp": {}}}}
	sp.HomeAssistant.Device = deviceDefaults(Device{}, sp.Mapping, "acc_physics")
	cfg := mqtt.Config{URL: "mqtt://b", ClientID: "pc1"}
	as := announcements(cfg, sp, "v9")
	if len(as) != 2 || as[0].topic != "ha/sensor/pc1/Local_acpmf_physics_speed_kmh/config" || as[1].topic != "ha/sensor/pc1/Local_acpmf_physics_wheels_2__temp/config" {
		t.Fatalf("topics: %+v", as)
	}
	var speed, temp map[string]any
	json.Unmarshal(as[0].payload, &speed)
	json.Unmarshal(as[1].payload, &temp)
	want := map[string]any{
		"unique_id": "pc1_Local_acpmf_physics_speed_kmh", "name": "Speed", "state_topic": "sim/acc", "value_template": "{{ value_json['speed_kmh'] }}",
		"unit_of_measurement": "km/h", "device_class": "speed", "state_class": "measurement", "suggested_display_precision": 0.0,
		"availability":      []any{map[string]any{"topic": "shmbridge/pc1/status"}, map[string]any{"topic": "shmbridge/pc1/p0123456789ab/availability"}},
		"availability_mode": "all",
		"device": map[string]any{"identifiers": []any{"pc1_Local_acpmf_physics"}, "name": "Assetto Corsa Competizione / AC Rally physics",
			"manufacturer": "Kunos Simulazioni", "model": "Assetto Corsa Competizione / AC Rally physics"},
		"origin": map[string]any{"name": "shmbridge", "sw_version": "v9", "support_url": "https://github.com/shmbridge/shmbridge"},
	}
	if !reflect.DeepEqual(speed, want) {
		t.Errorf("speed:\n%s", as[0].payload)
	}
	if temp["name"] != "wheels[2].temp" || temp["value_template"] != "{{ value_json['wheels'][2]['temp'] }}" || temp["unit_of_measurement"] != nil {
		t.Errorf("a nested field, nothing said of it:\n%s", as[1].payload)
	}
	if got := removals(cfg, sp); !reflect.DeepEqual(got, []string{as[0].topic, as[1].topic, "shmbridge/pc1/p0123456789ab/availability"}) {
		t.Errorf("removals: %v", got)
	}
	if d := deviceDefaults(Device{Name: "Mine"}, `Local\x`, "custom"); d != (Device{Name: "Mine", Model: "custom"}) {
		t.Errorf("a layout not in the catalogue: %+v", d)
	}
}
