package catalogue_test

import (
	"testing"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// published are sizes and offsets as the producers' own documentation, or readers checked against the running
// game, state them: the catalogue's layouts (converted from our headers) must put the members there. Each
// entry names where its numbers come from.
var published = []struct {
	layout, source string
	size           int            // the struct's size; 0 where no source states it
	offsets        map[string]int // a field's path: its byte offset
	spans          [][3]any       // {from, to, bytes}: a member's size, as the distance to the next one
}{
	{layout: "acc_physics", size: 800,
		source:  "ACC readers' map sizes (800, 1588); AC Rally and AC EVO physics found to be this page (live-telemetry-evo)",
		offsets: map[string]int{"tyre_temp_o[0]": 400, "is_ai_controlled": 416, "water_temp": 712, "abs_vibrations": 796}},
	{layout: "acc_graphics", size: 1588, source: "ACC readers' map sizes (800, 1588)"},
	{layout: "acevo_physics", size: 800,
		source: "Kunos' AC EVO SharedFileOut documentation (800 bytes), offsets as live-telemetry-evo's docs/SHARED_MEMORY.md tabulates them",
		offsets: map[string]int{"packet_id": 0, "speed_kmh": 28, "wheels_pressure[0]": 88, "tyre_core_temperature[0]": 152,
			"car_damage[0]": 224, "brake_temp[0]": 348, "tyre_temp_i[0]": 368, "tyre_temp_o[0]": 400, "is_ai_controlled": 416,
			"tyre_contact_point[0].x": 420, "brake_bias": 564, "current_max_rpm": 588, "slip_angle[0]": 656, "tcin_action": 672,
			"water_temp": 712, "brake_torque[0]": 716, "pad_life[0]": 740, "road_vibrations": 792, "abs_vibrations": 796}},
	{layout: "acevo_graphics",
		source: "the inner structs' fixed sizes of Kunos' AC EVO documentation (2026-03-31), as acevo-shared-memory asserts them",
		spans: [][3]any{{"tyre_lf.slip", "tyre_rf.slip", 256}, {"car_damage.damage_front", "car_location", 128},
			{"pit_info.damage", "fuel_liter_used", 64}, {"instrumentation.main_light_stage", "instrumentation_min_limit.main_light_stage", 128},
			{"electronics.tc_level", "electronics_min_limit.tc_level", 128}, {"session_state.phase_name", "timing_state.current_laptime", 256},
			{"timing_state.current_laptime", "player_ping", 256}, {"assists_state.auto_gear", "max_fuel", 64}}},
	{layout: "ams2", size: 20700,
		source: "a public AMS2 reader's ams2-struct.ts (SharedMemory.h version 14, validated against the game)",
		offsets: map[string]int{"m_version": 0, "m_participant_info[0].m_is_active": 28, "m_participant_info[0].m_world_position[0]": 96,
			"m_participant_info[1].m_is_active": 128, "m_car_name": 6444, "m_car_class_name": 6508, "m_track_location": 6576,
			"m_track_variation": 6640, "m_track_length": 6704, "m_lap_invalidated": 6712, "m_last_lap_time": 6720,
			"m_current_sector1time": 6752, "m_car_flags": 6816, "m_speed": 6848, "m_rpm": 6852, "m_brake": 6860, "m_throttle": 6864,
			"m_steering": 6872, "m_gear": 6876, "m_anti_lock_active": 6888, "m_tyre_temp[0]": 7072, "m_brake_temp_celsius[0]": 7184,
			"m_sequence_number": 7320}},
	{layout: "r3e",
		source: "r3e.h 3.5 (sector3studios/r3e-api): packed to 1 byte, so each offset is the sum of the sizes before it",
		offsets: map[string]int{"version_major": 0, "version_minor": 4, "all_drivers_offset": 8, "driver_data_size": 12,
			"game_mode": 16, "player.user_id": 40, "player.game_simulation_ticks": 44, "player.game_simulation_time": 48,
			"player.position.x": 56, "track_name": 40 + r3ePlayer},
		spans: [][3]any{{"player.user_id", "track_name", r3ePlayer}, {"vehicle_info.name", "player_name", r3eDriverInfo},
			{"all_drivers_data_1[0].driver_info.name", "all_drivers_data_1[1].driver_info.name", r3eDriverData}}},
}

// r3e.h's structs, summed member by member from the header (pack 1).
const (
	// r3e_playerdata (560): user_id, ticks, time; 11 vectors of 3 doubles; 4 forces, 5 unused-yet doubles;
	// 4 arrays of 4 doubles; 7 heights and angles; 3 reserved doubles
	r3ePlayer = 4 + 4 + 8 + 11*3*8 + 4*8 + 5*8 + 4*4*8 + 7*8 + 3*8
	// r3e_driver_info (128): name[64], 10 int32, 6 floats
	r3eDriverInfo = 64 + 10*4 + 6*4
	// r3e_driver_data (328): driver_info; finish_status, place, place_class; lap_distance, fraction; position;
	// track_sector, completed_laps, current_lap_valid; lap_time_current_self; 3 sector arrays of 3; 2 deltas;
	// pitstop_status, in_pitlane, num_pitstops; penalties (5 floats); car_speed; 4 tyre types; 2 penalty
	// weights; drs_state, ptp_state; virtual_energy; penaltyType, penaltyReason, engineState; orientation;
	// 3 reserved floats
	r3eDriverData = r3eDriverInfo + 3*4 + 2*4 + 3*4 + 3*4 + 4 + 3*3*4 + 2*4 + 3*4 + 5*4 + 4 + 4*4 + 2*4 + 2*4 + 4 +
		3*4 + 3*4 + 3*4
)

// TestCataloguePublishedFacts: the catalogue's layouts put the members where the producers' documentation says.
func TestCataloguePublishedFacts(t *testing.T) {
	for _, f := range published {
		src, err := catalogue.Source(f.layout)
		if err != nil {
			t.Fatal(err)
		}
		l, err := layout.Compile(src, nil, layout.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", f.layout, err)
		}
		at := map[string]int{}
		for _, fl := range l.Fields {
			at[fl.Path] = fl.Offset
		}
		if f.size != 0 && l.Fixed != f.size {
			t.Errorf("%s: %d bytes, %s: %d", f.layout, l.Fixed, f.source, f.size)
		}
		for path, want := range f.offsets {
			if got, ok := at[path]; !ok || got != want {
				t.Errorf("%s: %s at %d (placed: %v), %s: %d", f.layout, path, got, ok, f.source, want)
			}
		}
		for _, s := range f.spans {
			from, fok := at[s[0].(string)]
			to, tok := at[s[1].(string)]
			if !fok || !tok || to-from != s[2].(int) {
				t.Errorf("%s: %s to %s is %d bytes (placed: %v %v), %s: %d", f.layout, s[0], s[1], to-from, fok, tok, f.source, s[2])
			}
		}
	}
}
