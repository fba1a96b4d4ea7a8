package demo

import (
	"fmt"
	"math"
	"time"
)

// Assetto Corsa Competizione: three pages. physics at every physics step (the game's is 333 Hz; 100 Hz here,
// plenty for a dashboard), graphics (the HUD's: laps, times, positions) at 20 Hz, static once per session;
// packetId, the frame field, written last by the writer.

func accPages() []Page {
	return []Page{
		{Layout: "acc_physics", Start: accPhysicsStart, Frame: accPhysics, Period: 10 * time.Millisecond},
		{Layout: "acc_graphics", Start: accGraphics, Frame: accGraphics, Period: 50 * time.Millisecond},
		{Layout: "acc_static", Start: accStatic},
	}
}

// accPhysicsStart is the first physics frame, with what does not change.
func accPhysicsStart(c Clock) Frame {
	f := accPhysics(c)
	for k, v := range (Values{
		"clutch": 0, "current_max_rpm": int(maxRPM), "cg_height": 0.42, "tc": 0, "abs": 0, "brake_bias": 0.58,
		"air_temp": ambient, "road_temp": ambient + 9, "air_density": 1.19, "turbo_boost": 0, "ignition_on": 1,
		"is_engine_running": 1, "auto_shifter_on": 0, "pit_limiter_on": 0, "is_ai_controlled": 0,
		"front_brake_compound": 0, "rear_brake_compound": 0,
		"pad_life": [4]float64{29, 29, 29, 29}, "disc_life": [4]float64{32, 32, 32, 32},
	}) {
		f.Fields[k] = v
	}
	return f
}

// accPhysics is the physics page: the player's car (what changes).
func accPhysics(c Clock) Frame {
	s := field[0].at(c.Seconds())
	v := Values{
		"gas": s.Throttle, "brake": s.Brake, "fuel": s.Fuel,
		"gear": s.Gear + 1, // ACC counts 0 reverse, 1 neutral, 2 first
		"rpms": int(s.RPM), "steer_angle": -s.Steer, "speed_kmh": s.Speed * 3.6,
		"heading": wrapAngle(s.Heading), "pitch": -s.Accel / 9.81 * 0.01, "roll": s.Lateral / 9.81 * 0.015,
		"water_temp": 86 + 6*s.Throttle,
	}
	// ACC's axes: x to the car's right... of the world, z its forward; accG in g, lateral x, longitudinal z.
	vx, vz := s.Speed*math.Cos(s.Heading), s.Speed*math.Sin(s.Heading)
	v["velocity"] = []float64{vx, 0, vz}
	v["local_velocity"] = []float64{0, 0, s.Speed}
	v["acc_g"] = []float64{s.Lateral / 9.81, 0, s.Accel / 9.81}
	v["local_angular_vel"] = []float64{0, s.Lateral / max(s.Speed, 1), 0}
	var core, pressure, load, slip, angular, brakeTemp, inner, middle, outer, wear [4]float64
	for w := range 4 {
		core[w] = s.Tyre[w]
		pressure[w] = 26.2 + 0.055*(s.Tyre[w]-blankets) // psi, rising with the temperature
		load[w] = s.Load[w]
		slip[w] = 0.02 + 0.3*math.Abs(s.Lateral)/gripLat + 0.2*s.Brake
		angular[w] = s.Speed / 0.34
		brakeTemp[w] = s.BrakeTemp[w]
		inner[w], middle[w], outer[w] = s.Tyre[w]+4, s.Tyre[w]+1, s.Tyre[w]-2
		wear[w] = 0.02 * float64(s.Laps%stintLaps) / stintLaps
	}
	v["tyre_core_temperature"], v["wheels_pressure"], v["wheel_load"] = core, pressure, load
	v["wheel_slip"], v["wheel_angular_speed"], v["brake_temp"] = slip, angular, brakeTemp
	v["tyre_temp_i"], v["tyre_temp_m"], v["tyre_temp_o"], v["tyre_temp"] = inner, middle, outer, middle
	v["tyre_wear"] = wear
	return Frame{Fields: v}
}

// accGraphics is the HUD's page: session, lap times, the field's positions.
func accGraphics(c Clock) Frame {
	cars := fieldAt(c.Seconds())
	s := cars[0]
	v := Values{
		"status": "live", "session": "race", "completed_laps": s.Laps, "position": position(cars, 0),
		"i_current_time": ms(s.LapTime), "current_time": lapText(s.LapTime),
		"i_last_time": ms(s.LastLap), "last_time": lapText(s.LastLap),
		"i_best_time": ms(s.BestLap), "best_time": lapText(s.BestLap),
		"session_time_left": math.Max(0, 3600-c.Seconds()) * 1000, "distance_traveled": s.Total,
		"is_in_pit": 0, "is_in_pit_lane": 0, "current_sector_index": s.Sector, "number_of_laps": 0,
		"tyre_compound": "dry_compound", "replay_time_multiplier": 1, "normalized_car_position": s.Frac,
		"active_cars": len(cars), "player_car_id": 1, "flag": "no_flag", "surface_grip": 1,
		"tc": 3, "tc_cut": 2, "engine_map": 1, "abs": 2, "fuel_x_lap": fuelPerLap, "used_fuel": fuelStart - s.Fuel,
		"track_status": "OPTIMUM", "is_valid_lap": 1, "fuel_estimated_laps": s.Fuel / fuelPerLap,
		"clock": 14*3600 + c.Seconds(), "global_green": 1, "track_grip_status": 2, "rain_intensity": 0,
		"mandatory_pit_done": 0, "wind_speed": 2.5, "wind_direction": 0.8, "exhaust_temperature": 600 + 250*s.Throttle,
		"current_tyre_set": 1, "strategy_tyre_set": 2,
	}
	if s.Laps > 0 {
		expected := s.LastLap * s.Frac
		delta := s.LapTime - expected
		v["i_delta_lap_time"], v["delta_lap_time"], v["is_delta_positive"] = ms(delta), fmt.Sprintf("%+.3f", delta), b2i(delta > 0)
		v["i_estimated_lap_time"], v["estimated_lap_time"] = ms(s.LastLap+delta), lapText(s.LastLap+delta)
	}
	coords := make([]Values, len(cars))
	ids := make([]int, len(cars))
	for i, k := range cars {
		coords[i] = Values{"x": k.X, "y": 0, "z": k.Y}
		ids[i] = i + 1
	}
	v["car_coordinates"], v["car_id"] = coords, ids
	if p := position(cars, 0); p > 1 {
		v["gap_ahead"] = ms(gap(cars, 0, p-1))
	} else {
		v["gap_ahead"] = 0
	}
	if p := position(cars, 0); p < len(cars) {
		v["gap_behind"] = ms(gap(cars, 0, p+1))
	} else {
		v["gap_behind"] = 0
	}
	return Frame{Fields: v}
}

// accStatic is the session's page, written once.
func accStatic(Clock) Frame {
	return Frame{Fields: Values{
		"sm_version": "1.9", "ac_version": "1.10", "number_of_sessions": 1, "num_cars": len(field),
		"car_model": "ferrari_296_gt3", "track": "demo_ring", "player_name": "Demo", "player_surname": "Driver",
		"player_nick": "DEM", "sector_count": 3, "max_rpm": int(maxRPM), "max_fuel": 120,
		"max_torque": 650, "max_power": carPower / 1000,
		"suspension_max_travel": []float64{0.08, 0.08, 0.1, 0.1}, "tyre_radius": []float64{0.34, 0.34, 0.35, 0.35},
		"penalties_enabled": 1, "aid_fuel_rate": 1, "aid_tire_rate": 1, "aid_mechanical_damage": 1,
		"aid_allow_tyre_blankets": 1, "aid_stability": 0, "aid_auto_clutch": 1, "aid_auto_blip": 1,
		"track_spline_length": theTrack.length, "track_configuration": "", "is_timed_race": 1,
		"pit_window_start": 20, "pit_window_end": 40, "is_online": 0, "dry_tyres_name": "DHF", "wet_tyres_name": "WH",
	}}
}

// gap is how far behind car a the car in position p is (or ahead of it), in seconds at a's speed.
func gap(cars []carState, a, p int) float64 {
	for i := range cars {
		if i != a && position(cars, i) == p {
			return math.Abs(cars[i].Total-cars[a].Total) / max(cars[a].Speed, 10)
		}
	}
	return 0
}

// ms is seconds as whole milliseconds.
func ms(s float64) int { return int(math.Round(s * 1000)) }

// lapText is a lap time as ACC writes it: 1:32.456 ("-:--.---" for none).
func lapText(s float64) string {
	if s <= 0 {
		return "-:--.---"
	}
	m := ms(s)
	return fmt.Sprintf("%d:%02d.%03d", m/60000, m/1000%60, m%1000)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wrapAngle is a in (-π, π].
func wrapAngle(a float64) float64 {
	a = math.Mod(a+math.Pi, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a - math.Pi
}
