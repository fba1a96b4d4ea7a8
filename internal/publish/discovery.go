package publish

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/mqtt"
)

// Home Assistant's MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): an mqtt
// publisher with HomeAssistant announces each of its fields as a sensor, with a retained config message at
// PREFIX/sensor/NODE/OBJECT/config, NODE the daemon's client id, OBJECT the mapping's and the field's names;
// the sensors of one mapping make one device. A sensor is available while the daemon is connected (its status
// topic, which the broker's last will sets "offline") and the publisher reads its mapping (its availability
// topic). The configs go after every connection, and when Home Assistant says it is back (PREFIX/status
// "online"); deleting the publisher empties them, which removes the entities.

// Discovery is what an mqtt publisher announces to Home Assistant.
type Discovery struct {
	// Prefix is Home Assistant's discovery prefix (default homeassistant).
	Prefix string `json:"prefix,omitempty"`
	// Device is the device the sensors belong to (default: from the catalogue, for its layouts).
	Device Device `json:"device"`
	// Sensors are the fields announced, by path, each a sensor (default: every field published, named by its
	// path).
	Sensors map[string]Sensor `json:"sensors,omitempty"`
}

// Device is a Home Assistant device: a mapping.
type Device struct {
	Name         string `json:"name,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
}

// Sensor is how Home Assistant shows a field.
type Sensor struct {
	Name                      string `json:"name,omitempty"`
	UnitOfMeasurement         string `json:"unit_of_measurement,omitempty"`
	DeviceClass               string `json:"device_class,omitempty"`
	StateClass                string `json:"state_class,omitempty"`
	ValueTemplate             string `json:"value_template,omitempty"`
	Icon                      string `json:"icon,omitempty"`
	SuggestedDisplayPrecision *int   `json:"suggested_display_precision,omitempty"`
}

// Bounds of a Discovery.
const (
	DefaultDiscoveryPrefix = "homeassistant"
	MaxSensors             = 100
	maxText                = 255
	maxTemplate            = 1024
)

var (
	discoveryID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	classWord   = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
	stateClass  = []string{"measurement", "measurement_angle", "total", "total_increasing"}
)

// checkDiscovery checks an mqtt publisher's discovery, and fills in its prefix (deviceDefaults its device, once
// its layout is known).
func checkDiscovery(sp Spec) (Spec, error) {
	d := sp.HomeAssistant
	if d == nil {
		return sp, nil
	}
	c := *d
	c.Prefix = cmpOr(c.Prefix, DefaultDiscoveryPrefix)
	switch {
	case !discoveryID.MatchString(c.Prefix):
		return sp, fail(ErrInvalid, "homeassistant.prefix %s: 1 to 64 of a-z, A-Z, 0-9, _ and -", quote(c.Prefix))
	case sp.Changes:
		return sp, fail(ErrInvalid, "homeassistant needs every message whole: not changes (a sensor reads its field from each message)")
	case len(sp.Fields) == 0:
		return sp, fail(ErrInvalid, "homeassistant needs fields: the fields published, each a sensor")
	case len(sp.Fields) > MaxSensors && len(c.Sensors) == 0, len(c.Sensors) > MaxSensors:
		return sp, fail(ErrInvalid, "homeassistant: at most %d sensors", MaxSensors)
	}
	for path, s := range c.Sensors {
		if !slices.Contains(sp.Fields, path) {
			return sp, fail(ErrInvalid, "homeassistant.sensors: %s is not one of fields", quote(path))
		}
		if err := s.check(); err != nil {
			return sp, fail(ErrInvalid, "homeassistant.sensors[%s]: %v", quote(path), err)
		}
	}
	for _, t := range []string{c.Device.Name, c.Device.Manufacturer, c.Device.Model} {
		if !plainText(t, maxText) {
			return sp, fail(ErrInvalid, "homeassistant.device: at most %d characters each, no control character", maxText)
		}
	}
	sp.HomeAssistant = &c
	return sp, nil
}

func (s Sensor) check() error {
	switch {
	case !plainText(s.Name, maxText) || !plainText(s.UnitOfMeasurement, maxText) || !plainText(s.Icon, maxText):
		return fmt.Errorf("name, unit_of_measurement and icon: at most %d characters, no control character", maxText)
	case s.DeviceClass != "" && !classWord.MatchString(s.DeviceClass):
		return fmt.Errorf("device_class %s: Home Assistant's word for it (speed, temperature, …)", quote(s.DeviceClass))
	case s.StateClass != "" && !slices.Contains(stateClass, s.StateClass):
		return fmt.Errorf("state_class %s: one of %s", quote(s.StateClass), strings.Join(stateClass, ", "))
	case !plainText(s.ValueTemplate, maxTemplate):
		return fmt.Errorf("value_template: at most %d characters, no control character", maxTemplate)
	case s.SuggestedDisplayPrecision != nil && (*s.SuggestedDisplayPrecision < 0 || *s.SuggestedDisplayPrecision > 15):
		return fmt.Errorf("suggested_display_precision: 0 to 15")
	}
	return nil
}

// plainText: at most max bytes of UTF-8 with no control character.
func plainText(s string, max int) bool {
	return len(s) <= max && strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\uFFFD' }) < 0
}

// deviceDefaults fills what d leaves empty: the catalogue's title and vendor for its layouts, else the mapping's
// name and the layout's id.
func deviceDefaults(d Device, mapping, layout string) Device {
	for _, p := range catalogue.Producers {
		if p.Layout == layout {
			d.Name, d.Manufacturer, d.Model = cmpOr(d.Name, p.Title), cmpOr(d.Manufacturer, p.Vendor), cmpOr(d.Model, p.Title)
		}
	}
	d.Name, d.Model = cmpOr(d.Name, mapping), cmpOr(d.Model, layout)
	return d
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// announcement is one discovery message: its topic, its payload (empty: remove the entity).
type announcement struct {
	topic   string
	payload []byte
}

// node is the discovery node id of a broker's connection: its client id.
func node(cfg mqtt.Config) string { return cfg.ID() }

// availabilityTopic says whether a publisher reads its mapping: "online" or "offline" (retained).
func availabilityTopic(cfg mqtt.Config, sp Spec) string {
	return "shmbridge/" + node(cfg) + "/" + sp.ID + "/availability"
}

// announced are the fields a publisher announces, in its fields' order, with what Home Assistant is told of
// each.
func announced(sp Spec) []string {
	d := sp.HomeAssistant
	if len(d.Sensors) == 0 {
		return sp.Fields
	}
	return slices.DeleteFunc(slices.Clone(sp.Fields), func(f string) bool { _, ok := d.Sensors[f]; return !ok })
}

// configTopic is where a field's sensor is announced.
func configTopic(cfg mqtt.Config, sp Spec, field string) string {
	return sp.HomeAssistant.Prefix + "/sensor/" + node(cfg) + "/" + objectID(sp, field) + "/config"
}

// objectID names a field's sensor: the mapping's and the field's names, as discovery ids take them.
func objectID(sp Spec, field string) string { return mqtt.Slug(sp.Mapping) + "_" + mqtt.Slug(field) }

// announcements are a publisher's discovery configs, one a sensor.
func announcements(cfg mqtt.Config, sp Spec, version string) []announcement {
	d := sp.HomeAssistant
	device := map[string]any{"identifiers": []string{node(cfg) + "_" + mqtt.Slug(sp.Mapping)}, "name": d.Device.Name}
	if d.Device.Manufacturer != "" {
		device["manufacturer"] = d.Device.Manufacturer
	}
	if d.Device.Model != "" {
		device["model"] = d.Device.Model
	}
	var out []announcement
	for _, f := range announced(sp) {
		s := d.Sensors[f]
		c := map[string]any{
			"unique_id": node(cfg) + "_" + objectID(sp, f), "name": cmpOr(s.Name, f),
			"state_topic": sp.Topic, "value_template": cmpOr(s.ValueTemplate, "{{ value_json"+jinjaPath(f)+" }}"),
			"availability":      []map[string]string{{"topic": cfg.StatusTopic()}, {"topic": availabilityTopic(cfg, sp)}},
			"availability_mode": "all", "device": device,
			"origin": map[string]string{"name": "shmbridge", "sw_version": version, "support_url": "https://github.com/shmbridge/shmbridge"},
		}
		for k, v := range map[string]string{"unit_of_measurement": s.UnitOfMeasurement, "device_class": s.DeviceClass, "state_class": s.StateClass, "icon": s.Icon} {
			if v != "" {
				c[k] = v
			}
		}
		if s.SuggestedDisplayPrecision != nil {
			c["suggested_display_precision"] = *s.SuggestedDisplayPrecision
		}
		b, _ := json.Marshal(c)
		out = append(out, announcement{configTopic(cfg, sp, f), b})
	}
	return out
}

// jinjaPath is a field path (a.b[2].c) as a Jinja lookup in the message's JSON: ['a']['b'][2]['c'].
func jinjaPath(path string) string {
	var b strings.Builder
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		b.WriteString("['" + name + "']")
		for rest != "" {
			var i string
			i, rest, _ = strings.Cut(rest, "]")
			n, _ := strconv.Atoi(i)
			fmt.Fprintf(&b, "[%d]", n)
			rest = strings.TrimPrefix(rest, "[")
		}
	}
	return b.String()
}

// removals are the messages that remove a publisher's entities: each config empty, and its availability.
func removals(cfg mqtt.Config, sp Spec) []string {
	var topics []string
	for _, f := range announced(sp) {
		topics = append(topics, configTopic(cfg, sp, f))
	}
	return append(topics, availabilityTopic(cfg, sp))
}
