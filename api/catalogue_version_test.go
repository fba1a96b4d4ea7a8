package api_test

import (
	"encoding/json"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestCatalogueVersionMismatch: each catalogue layout that checks its producer's version, read from its
// native producer writing another version: 422 version-mismatch naming the layout, the field, the version
// the layout describes and the one the producer wrote, never a decode of another version's bytes.
func TestCatalogueVersionMismatch(t *testing.T) {
	for _, c := range []struct {
		producer      []string
		mapping, lay  string
		field, detail string
	}{
		{[]string{"ams2", "13"}, `$pcars2$`, "ams2", "m_version",
			`the layout "ams2" describes m_version = 14; the memory holds m_version 13`},
		{[]string{"r3e", "2", "5"}, `$R3E`, "r3e", "version_major",
			`the layout "r3e" describes version_major = 3; the memory holds version_major 2`},
		{[]string{"r3e", "3", "4"}, `$R3E`, "r3e", "version_minor",
			`the layout "r3e" describes version_minor ≥ 5; the memory holds version_minor 4`},
		{[]string{"scs", "9"}, `Local\SCSTelemetry`, "scs_telemetry", "scs_values.telemetry_plugin_revision",
			`the layout "scs_telemetry" describes scs_values.telemetry_plugin_revision = 10; the memory holds scs_values.telemetry_plugin_revision 9`},
		{[]string{"bms", "21"}, "FalconSharedMemoryArea2", "falcon_bms2", "version_num",
			`the layout "falcon_bms2" describes version_num ≥ 22; the memory holds version_num 21`},
	} {
		t.Run(c.lay+"/"+c.field, func(t *testing.T) {
			b := newBridge(t, nil)
			startProducer(t, c.producer...)
			b.openNative(t, c.mapping, c.lay)
			resp, data := b.getRetrying(t, path(c.mapping, "/fields"))
			expect(t, resp, data, 422)
			var p api.Problem
			if err := json.Unmarshal(data, &p); err != nil || p.Type != api.ProblemTypePrefix+"version-mismatch" ||
				p.Path != c.field || p.Detail != c.detail {
				t.Errorf("%v: %s", c.producer, data)
			}
		})
	}
}
