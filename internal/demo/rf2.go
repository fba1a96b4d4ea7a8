package demo

import (
	"fmt"
	"math"
	"time"
)

// rFactor 2's telemetry, as the rF2SharedMemoryMapPlugin writes it at 50 Hz: the version block, then
// num_vehicles vehicles of the plugin's fixed array; each frame between mVersionUpdateBegin and
// mVersionUpdateEnd (the writer bumps them, by the layout's protocol).

const (
	rf2MaxVehicles = 128  // rF2State.h: the plugin's array of vehicles
	rf2Header      = 16   // the version block: begin, end, bytes updated hint, num_vehicles
	rf2VehicleSize = 1888 // a vehicle's record (rF2VehicleTelemetry, packed 4)
)

func rf2Pages() []Page {
	return []Page{{Layout: "rf2_telemetry", Size: rf2Header + rf2MaxVehicles*rf2VehicleSize,
		Start: rf2Start, Frame: rf2Frame, Period: 20 * time.Millisecond}}
}

// rf2Start is the first frame, with what does not change: each car's names, its limits and its tyres.
func rf2Start(c Clock) Frame {
	f := rf2Frame(c)
	for i, car := range field {
		wheels := make([]Values, 4)
		for w := range wheels {
			wheels[w] = Values{"terrain_name": "ROAD", "surface_type": 0, "static_undeflected_radius": 34, "camber": -0.05, "ride_height": 0.06}
		}
		f.Records = append(f.Records, Record{Type: "vehicle", Offset: rf2Header + i*rf2VehicleSize, Fields: Values{
			"id": i, "delta_time": 0.02, "vehicle_name": fmt.Sprintf("Demo Racing #%d %s", car.number, car.model),
			"track_name": trackName, "engine_max_rpm": maxRPM, "max_gears": len(gearTop), "fuel_capacity": 120,
			"front_tire_compound_name": "Medium", "rear_tire_compound_name": "Medium", "front_tire_compound_index": 1,
			"rear_tire_compound_index": 1, "speed_limiter_available": 1, "rear_brake_bias": 0.42, "headlights": 0,
			"unfiltered_clutch": 0, "filtered_clutch": 0, "wheels": wheels,
		}})
	}
	return f
}

// rf2Frame is a frame: every car of the field.
func rf2Frame(c Clock) Frame {
	cars := fieldAt(c.Seconds())
	f := Frame{Fields: Values{"num_vehicles": len(cars), "bytes_updated_hint": rf2Header + len(cars)*rf2VehicleSize}}
	for i, s := range cars {
		f.Records = append(f.Records, Record{Type: "vehicle", Offset: rf2Header + i*rf2VehicleSize, Fields: rf2Car(c, s)})
	}
	return f
}

// rf2Car is what changes of a vehicle's telemetry. rF2's axes: y up, z backwards (a car going forwards has a
// negative local z velocity); temperatures of tyres in kelvin, of brakes in Celsius.
func rf2Car(c Clock, s carState) Values {
	vec := func(x, y, z float64) Values { return Values{"x": x, "y": y, "z": z} }
	sin, cos := math.Sincos(s.Heading)
	v := Values{
		"elapsed_time": c.Seconds(), "lap_number": s.Laps, "lap_start_et": c.Seconds() - s.LapTime,
		"pos":         vec(s.X, 0, -s.Y),
		"local_vel":   vec(0, 0, -s.Speed),
		"local_accel": vec(-s.Lateral, 0, -s.Accel),
		"ori":         []Values{vec(cos, 0, sin), vec(0, 1, 0), vec(-sin, 0, cos)},
		"local_rot":   vec(0, s.Lateral/max(s.Speed, 1), 0),
		"gear":        s.Gear, "engine_rpm": s.RPM, "clutch_rpm": s.RPM,
		"engine_water_temp": 86 + 6*s.Throttle, "engine_oil_temp": 95 + 8*s.Throttle,
		"unfiltered_throttle": s.Throttle, "unfiltered_brake": s.Brake, "unfiltered_steering": -s.Steer,
		"filtered_throttle": s.Throttle, "filtered_brake": s.Brake, "filtered_steering": -s.Steer,
		"fuel": s.Fuel, "current_sector": (s.Sector + 1) % 3,
		"engine_torque": 650 * s.Throttle, "drag": 0.35 * s.Speed * s.Speed,
		"front_downforce": 1.6 * s.Speed * s.Speed, "rear_downforce": 2.0 * s.Speed * s.Speed,
		"front_ride_height": 0.055 - 0.000002*s.Speed*s.Speed, "rear_ride_height": 0.07 - 0.000002*s.Speed*s.Speed,
	}
	wheels := make([]Values, 4)
	for w := range 4 {
		k := s.Tyre[w] + 273.15
		inner, outer := k+5, k-2
		if w%2 == 1 { // a right-hand tyre's inside is its left
			inner, outer = outer, inner
		}
		wheels[w] = Values{
			"brake_temp": s.BrakeTemp[w], "brake_pressure": s.Brake, "rotation": -s.Speed / 0.34,
			"tire_load": s.Load[w], "grip_fract": 0.1 + 0.8*math.Abs(s.Lateral)/gripLat, "pressure": 165 + 0.4*(s.Tyre[w]-blankets),
			"temperature": []float64{inner, k + 1, outer}, "tire_carcass_temperature": k - 3,
			"tire_inner_layer_temperature": []float64{inner - 1, k, outer - 1},
			"wear":                         1 - 0.03*float64(s.Laps%stintLaps)/stintLaps, "suspension_deflection": 0.02 + s.Load[w]*2e-6,
			"susp_force": s.Load[w] * 0.9, "lateral_force": -s.Load[w] * s.Lateral / gripLat,
			"longitudinal_force": s.Load[w] * s.Accel / gripLat,
		}
	}
	v["wheels"] = wheels
	return v
}
