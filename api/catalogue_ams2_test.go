package api_test

// Automobilista 2 / Project CARS 2's catalogue layout (ams2), converted from internal/catalogue/src/ams2.h,
// against the native producer (producers_ams2.c) that fills that very struct under the game's seqlock.

import (
	"encoding/json"
	"fmt"
	"testing"
)

// ams2Frame: the producer's frame n is mSequenceNumber 2n with mSpeed n/4, mRpm 1000 + n % 5000,
// mCurrentTime n/60 (float32), participant 0's lap distance n and mSpeeds[0] n/4. Read under the seqlock, a
// frame is whole: every value is frame n's.
func ams2Frame(f map[string]any) error {
	seq := num(f["m_sequence_number"])
	n := seq / 2
	want := map[string]any{"m_speed": n * 0.25, "m_rpm": 1000 + float64(int(n)%5000), "m_current_time": float32(n) / float32(60), // a float32: JSON spells it as the API does
		"lap_distance": n, "m_speeds[0]": n * 0.25}
	got := map[string]any{"m_speed": f["m_speed"], "m_rpm": f["m_rpm"], "m_current_time": f["m_current_time"],
		"lap_distance": at(f, "m_participant_info", 0, "m_current_lap_distance"), "m_speeds[0]": at(f, "m_speeds", 0)}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if n < 1 || int(seq)%2 != 0 || string(g) != string(w) {
		return fmt.Errorf("frame of m_sequence_number %v: %s, its values are %s", f["m_sequence_number"], g, w)
	}
	return nil
}

func TestCatalogueAMS2(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "ams2")
	const n = `$pcars2$`
	b.openNative(t, n, "ams2")
	placed := map[string]any{}
	for _, p := range []string{"m_sequence_number", "m_speed", "m_car_name", "m_launch_stage"} {
		placed[p] = at(w, "offsets", p)
	}
	b.wantPlaced(t, "ams2", num(w["size"]), placed)
	offs, _ := b.layoutOffsets(t, "ams2")
	if d := offs["m_participant_info[1].m_is_active"] - offs["m_participant_info[0].m_is_active"]; float64(d) != num(w["participant_size"]) {
		t.Errorf("participants %d bytes apart, sizeof(ams2_participant) %v", d, w["participant_size"])
	}

	f := b.fieldsReadBy(t, n, "seqlock")
	if err := ams2Frame(f); err != nil {
		t.Error(err)
	}
	for _, k := range []string{"m_version", "m_build_version_number", "m_game_state", "m_session_state", "m_race_state",
		"m_num_participants", "m_car_name", "m_track_location", "m_track_variation", "m_track_length", "m_lap_invalidated",
		"m_best_lap_time", "m_highest_flag_colour", "m_car_flags", "m_gear", "m_anti_lock_active", "m_boost_amount", "m_tyre_temp",
		"m_session_additional_laps", "m_ers_deployment_mode", "m_clutch_slipping", "m_yellow_flag_state", "m_session_is_private",
		"m_launch_stage"} {
		wantEqual(t, k, f[k], w[k])
	}
	for i, name := range w["names"].([]any) {
		wantEqual(t, fmt.Sprintf("participant %d name", i), at(f, "m_participant_info", i, "m_name"), name)
		wantEqual(t, fmt.Sprintf("participant %d active", i), at(f, "m_participant_info", i, "m_is_active"), 1)
	}
	for name, got := range map[string]any{
		"m_world_position_1_z": at(f, "m_participant_info", 1, "m_world_position", 2),
		"m_terrain_3":          at(f, "m_terrain", 3), "m_laps_invalidated_1": at(f, "m_laps_invalidated", 1),
		"m_race_states_1":          at(f, "m_race_states", 1),
		"m_orientations_1_2":       at(f, "m_orientations", 1*3+2), // float mOrientations[64][3], flattened
		"m_car_names_1":            at(f, "m_car_names", 1),
		"m_tyre_compound_3":        at(f, "m_tyre_compound", 3),
		"m_highest_flag_colours_1": at(f, "m_highest_flag_colours", 1), "m_nationalities_1": at(f, "m_nationalities", 1),
		"m_ride_height_0": at(f, "m_ride_height", 0),
	} {
		wantEqual(t, name, got, w[name])
	}

	// Live: every frame the watch decodes is whole, its version the sequence number.
	st := b.watch(t, path(n, "/watch?layout=&fields=m_sequence_number,m_speed,m_rpm,m_current_time,m_participant_info[0].m_current_lap_distance,m_speeds[0]&interval=5ms"))
	state := fieldsOf(t, st.next())
	for range 5 {
		e := st.next()
		merge(state, fieldsOf(t, e))
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 || float64(*e.data.Version) != num(state["m_sequence_number"]) {
			t.Fatalf("a live frame: %s (state %v)", e.raw, state)
		}
		if err := ams2Frame(state); err != nil {
			t.Fatal(err)
		}
	}
}
