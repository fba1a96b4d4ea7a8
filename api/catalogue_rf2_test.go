package api_test

// rFactor 2's scoring layout, converted from its header (internal/catalogue/src/rf2_scoring.h), proven
// against the native producer built from the same header (producers_rf2.c), also under a dedicated server's
// PID-suffixed name.

import (
	"encoding/json"
	"fmt"
	"testing"
)

// rFactor 2's scoring, by its seqlock: each read is one update (every value a function of its version).
func TestCatalogueRF2Scoring(t *testing.T) {
	for _, dedicated := range []bool{false, true} {
		t.Run(fmt.Sprintf("dedicated=%v", dedicated), func(t *testing.T) {
			b := newBridge(t, nil)
			args := []string{"rf2-scoring"}
			if dedicated {
				args = append(args, "dedicated") // $rFactor2SMMP_Scoring$PID
			}
			w := startProducer(t, args...)
			n := w["mapping"].(string)
			if want := `$rFactor2SMMP_Scoring$`; dedicated == (n == want) {
				t.Fatalf("the producer made %s", n)
			}
			b.openNative(t, n, "rf2_scoring")
			o := w["offsets"].(map[string]any)
			b.wantLayoutOffsets(t, "rf2_scoring", nil, map[string]any{
				"m_scoring_info.m_num_vehicles":     o["m_num_vehicles"],
				"m_scoring_info.m_avg_path_wetness": o["m_avg_path_wetness"],
				"m_scoring_info.pointer2[0]":        num(o["m_vehicles"]) - 8,
			})
			resp, data := b.getRetrying(t, path(n, "/fields"))
			expect(t, resp, data, 200)
			if resp.Header.Get("Shmbridge-Consistency") != "seqlock" {
				t.Errorf("read by %q", resp.Header.Get("Shmbridge-Consistency"))
			}
			var f map[string]any
			json.Unmarshal(data, &f)
			version := num(f["m_version_update_begin"])
			if version < 1 || f["m_version_update_end"] != f["m_version_update_begin"] {
				t.Errorf("version block %v/%v", f["m_version_update_begin"], f["m_version_update_end"])
			}
			s := f["m_scoring_info"]
			for k, wk := range map[string]string{"m_track_name": "track", "m_session": "session", "m_max_laps": "max_laps",
				"m_num_vehicles": "num_vehicles", "m_game_phase": "game_phase", "m_yellow_flag_state": "yellow_flag_state",
				"m_ambient_temp": "ambient_temp", "m_server_name": "server_name", "m_max_players": "max_players"} {
				wantEqual(t, "scoring_info."+k, at(s, k), w[wk])
			}
			if et := num(at(s, "m_current_et")); et != version/5 {
				t.Errorf("update %v: m_current_et %v", version, et)
			}
			cars, _ := f["m_vehicles"].([]any)
			if len(cars) != 3 {
				t.Fatalf("%d cars decoded for m_num_vehicles 3", len(cars))
			}
			for v, c := range cars {
				for k, wk := range map[string]string{"m_id": "ids", "m_driver_name": "drivers", "m_vehicle_name": "cars",
					"m_place": "place", "m_control": "control", "m_best_lap_time": "best_lap_time",
					"m_qualification": "qualification", "m_pit_group": "pit_group"} {
					wantEqual(t, k, at(c, k), at(w, wk, v))
				}
				wantEqual(t, "m_vehicle_class", at(c, "m_vehicle_class"), w["vehicle_class"])
				if num(at(c, "m_lap_dist")) != 100*version+float64(v) || num(at(c, "m_time_into_lap")) != version/5+float64(v) {
					t.Errorf("car %d of update %v: %v", v, version, c)
				}
			}
		})
	}
}
