package api_test

// RaceRoom's catalogue layout (r3e), converted from internal/catalogue/src/r3e.h, against the native producer
// (producers_r3e.c) that fills that very packed struct in place, its physics tick stored last.

import (
	"fmt"
	"math"
	"testing"
)

// r3eFrame: frame n has car_speed n/4, engine_rps 100 + n % 500, player.game_simulation_time n/400 and driver
// 1's lap_distance n, player.game_simulation_ticks n stored last. Nothing protects the page: a copy (the tick
// at offset 44, read first) shows each value of frame n or of a later one, never an earlier one, never a value
// of no frame.
func r3eFrame(f map[string]any) error {
	n := num(at(f, "player", "game_simulation_ticks"))
	frameOf := map[string]float64{"car_speed": num(f["car_speed"]) / 0.25, "game_simulation_time": num(at(f, "player", "game_simulation_time")) * 400,
		"lap_distance": num(at(f, "all_drivers_data_1", 1, "lap_distance"))}
	for k, m := range frameOf {
		// n/400 × 400 can come back a hair under n (0.145 × 400 = 57.99999999999999): a frame is the nearest.
		if r := math.Round(m); n < 1 || r < n || math.Abs(m-r) > 1e-6 {
			return fmt.Errorf("frame of tick %v: %s is frame %v's", n, k, m)
		}
	}
	if rps := num(f["engine_rps"]); rps < 100 || rps >= 600 || rps != math.Trunc(rps) {
		return fmt.Errorf("frame of tick %v: engine_rps %v is no frame's", n, rps)
	}
	return nil
}

func TestCatalogueR3E(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "r3e")
	const n = `$R3E`
	b.openNative(t, n, "r3e")
	placed := map[string]any{}
	for field, p := range map[string]string{"player": "player.user_id", "game_simulation_ticks": "player.game_simulation_ticks",
		"flags": "flags.yellow", "vehicle_info": "vehicle_info.name", "tire_temp": "tire_temp[0].current_temp[0]", "num_cars": "num_cars",
		"all_drivers_data_1": "all_drivers_data_1[0].driver_info.name"} {
		placed[p] = at(w, "offsets", field)
	}
	b.wantPlaced(t, "r3e", num(w["size"]), placed)
	offs, _ := b.layoutOffsets(t, "r3e")
	if d := offs["all_drivers_data_1[1].driver_info.name"] - offs["all_drivers_data_1[0].driver_info.name"]; float64(d) != num(w["driver_size"]) {
		t.Errorf("drivers %d bytes apart, sizeof(r3e_driver_data) %v", d, w["driver_size"])
	}

	f := b.fieldsReadBy(t, n, "frame")
	if err := r3eFrame(f); err != nil {
		t.Error(err)
	}
	wantEqual(t, "all_drivers_offset", f["all_drivers_offset"], at(w, "offsets", "num_cars"))
	wantEqual(t, "driver_data_size", f["driver_data_size"], w["driver_size"])
	for _, k := range []string{"version_major", "version_minor", "game_mode", "track_name", "layout_name", "layout_length", "session_type",
		"session_length_format", "session_phase", "pit_window_status", "pit_menu_selection", "position", "finish_status", "player_name",
		"control_type", "gear", "num_cars"} {
		wantEqual(t, k, f[k], w[k])
	}
	for name, got := range map[string]any{
		"player_position_y": at(f, "player", "position", "y"), "suspension_velocity_3": at(f, "player", "suspension_velocity", 3),
		"pit_menu_state_11": at(f, "pit_menu_state", 11), "sector_yellow_2": at(f, "flags", "sector_yellow", 2),
		"black_and_white": at(f, "flags", "black_and_white"), "vehicle_name": at(f, "vehicle_info", "name"),
		"class_performance_index": at(f, "vehicle_info", "class_performance_index"), "yaw": at(f, "car_orientation", "yaw"),
		"aid_tc": at(f, "aid_settings", "tc"), "ptp_wait_time_left": at(f, "push_to_pass", "wait_time_left"),
		"tire_temp_2_current_temp_1": at(f, "tire_temp", 2, "current_temp", 1), "brake_temp_3_optimal_temp": at(f, "brake_temp", 3, "optimal_temp"),
		"tire_on_mtrl_0": at(f, "tire_on_mtrl", 0), "damage_suspension": at(f, "car_damage", "suspension"),
		"driver_1_place": at(f, "all_drivers_data_1", 1, "place"), "driver_1_finish_status": at(f, "all_drivers_data_1", 1, "finish_status"),
		"driver_1_slow_down":     at(f, "all_drivers_data_1", 1, "penalties", "slow_down"),
		"driver_1_orientation_z": at(f, "all_drivers_data_1", 1, "orientation", "z"),
		"driver_127_unused3":     at(f, "all_drivers_data_1", 127, "unused3"),
	} {
		wantEqual(t, name, got, w[name])
	}
	for i, name := range w["driver_names"].([]any) {
		wantEqual(t, fmt.Sprintf("driver %d name", i), at(f, "all_drivers_data_1", i, "driver_info", "name"), name)
	}

	// Live: every frame the watch decodes adds up, its version the physics tick.
	st := b.watch(t, path(n, "/watch?layout=&fields=player.game_simulation_ticks,player.game_simulation_time,car_speed,engine_rps,all_drivers_data_1[1].lap_distance&interval=5ms"))
	state := fieldsOf(t, st.next())
	for range 5 {
		e := st.next()
		merge(state, fieldsOf(t, e))
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 || float64(*e.data.Version) != num(at(state, "player", "game_simulation_ticks")) {
			t.Fatalf("a live frame: %s", e.raw)
		}
		if err := r3eFrame(state); err != nil {
			t.Fatal(err)
		}
	}
}
