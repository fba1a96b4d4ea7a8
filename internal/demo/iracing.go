package demo

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
)

// iRacing's telemetry, as the simulator writes it at its tick rate (60 Hz): a header, the variables' headers
// (name, type, offset in a row, count, unit), the session's YAML, and a ring of three rows, each stamped
// with the tick it holds: a frame writes the next row, then its tick (the writer writes a ring's ticks last),
// then pulses Local\IRSDKDataValidEvent. The sizes are irsdk_defines.h's (iRacing's SDK).

const (
	irHeader      = 112 // the header with its four var_buf entries
	irVarHeader   = 144 // type, offset, count, countAsTime and padding, name 32, desc 64, unit 32
	irBuffers     = 3   // rows in the ring (the header has room for 4)
	irCars        = 64  // CarIdx arrays: one entry per car slot
	irSessionSize = 4096
	irEvent       = `Local\IRSDKDataValidEvent`
)

// irVar is one telemetry variable: its header and its value in a frame.
type irVar struct {
	name, kind, unit, desc string
	count                  int
	value                  func(c Clock, cars []carState) []float64
}

func one(f func(c Clock, s carState) float64) func(Clock, []carState) []float64 {
	return func(c Clock, cars []carState) []float64 { return []float64{f(c, cars[0])} }
}

// perCar is f of each car, -1 for the empty slots (as iRacing leaves them).
func perCar(f func(cars []carState, i int) float64) func(Clock, []carState) []float64 {
	return func(_ Clock, cars []carState) []float64 {
		out := make([]float64, irCars)
		for i := range out {
			out[i] = -1
			if i < len(cars) {
				out[i] = f(cars, i)
			}
		}
		return out
	}
}

var irVars = []irVar{
	{"SessionTime", "double", "s", "Seconds since session start", 1, one(func(c Clock, _ carState) float64 { return c.Seconds() })},
	{"SessionTick", "int", "", "Current update number", 1, one(func(c Clock, _ carState) float64 { return float64(c.N) })},
	{"SessionFlags", "bit_field", "irsdk_Flags", "Session flags", 1, one(func(Clock, carState) float64 { return 0x4 })}, // green
	{"IsOnTrack", "bool", "", "1=Car on track physics running with player in car", 1, one(func(Clock, carState) float64 { return 1 })},
	{"OnPitRoad", "bool", "", "Is the player car on pit road between the cones", 1, one(func(Clock, carState) float64 { return 0 })},
	{"PlayerCarIdx", "int", "", "Players carIdx", 1, one(func(Clock, carState) float64 { return 0 })},
	{"Lap", "int", "", "Laps started count", 1, one(func(_ Clock, s carState) float64 { return float64(s.Laps + 1) })},
	{"LapCompleted", "int", "", "Laps completed count", 1, one(func(_ Clock, s carState) float64 { return float64(s.Laps) })},
	{"LapDist", "float", "m", "Meters traveled from S/F this lap", 1, one(func(_ Clock, s carState) float64 { return s.Dist })},
	{"LapDistPct", "float", "%", "Percentage distance around lap", 1, one(func(_ Clock, s carState) float64 { return s.Frac })},
	{"LapCurrentLapTime", "float", "s", "Estimate of players current lap time as shown in F3 box", 1, one(func(_ Clock, s carState) float64 { return s.LapTime })},
	{"LapLastLapTime", "float", "s", "Players last lap time", 1, one(func(_ Clock, s carState) float64 { return s.LastLap })},
	{"LapBestLapTime", "float", "s", "Players best lap time", 1, one(func(_ Clock, s carState) float64 { return s.BestLap })},
	{"Speed", "float", "m/s", "GPS vehicle speed", 1, one(func(_ Clock, s carState) float64 { return s.Speed })},
	{"RPM", "float", "revs/min", "Engine rpm", 1, one(func(_ Clock, s carState) float64 { return s.RPM })},
	{"Gear", "int", "", "-1=reverse  0=neutral  1..n=current gear", 1, one(func(_ Clock, s carState) float64 { return float64(s.Gear) })},
	{"Throttle", "float", "%", "0=off throttle to 1=full throttle", 1, one(func(_ Clock, s carState) float64 { return s.Throttle })},
	{"Brake", "float", "%", "0=brake released to 1=max pedal force", 1, one(func(_ Clock, s carState) float64 { return s.Brake })},
	{"Clutch", "float", "%", "0=disengaged to 1=fully engaged", 1, one(func(Clock, carState) float64 { return 1 })},
	{"SteeringWheelAngle", "float", "rad", "Steering wheel angle", 1, one(func(_ Clock, s carState) float64 { return s.Steer * 4 })},
	{"FuelLevel", "float", "l", "Liters of fuel remaining", 1, one(func(_ Clock, s carState) float64 { return s.Fuel })},
	{"LatAccel", "float", "m/s^2", "Lateral acceleration (including gravity)", 1, one(func(_ Clock, s carState) float64 { return s.Lateral })},
	{"LongAccel", "float", "m/s^2", "Longitudinal acceleration (including gravity)", 1, one(func(_ Clock, s carState) float64 { return s.Accel })},
	{"LFtempCM", "float", "C", "LF tire middle carcass temperature", 1, one(func(_ Clock, s carState) float64 { return s.Tyre[0] })},
	{"RFtempCM", "float", "C", "RF tire middle carcass temperature", 1, one(func(_ Clock, s carState) float64 { return s.Tyre[1] })},
	{"LRtempCM", "float", "C", "LR tire middle carcass temperature", 1, one(func(_ Clock, s carState) float64 { return s.Tyre[2] })},
	{"RRtempCM", "float", "C", "RR tire middle carcass temperature", 1, one(func(_ Clock, s carState) float64 { return s.Tyre[3] })},
	{"CarIdxLapDistPct", "float", "%", "Percentage distance around lap by car index", irCars, perCar(func(cars []carState, i int) float64 { return cars[i].Frac })},
	{"CarIdxLap", "int", "", "Laps started by car index", irCars, perCar(func(cars []carState, i int) float64 { return float64(cars[i].Laps + 1) })},
	{"CarIdxPosition", "int", "", "Cars position in race by car index", irCars, perCar(func(cars []carState, i int) float64 { return float64(position(cars, i)) })},
}

// irSize is each type's size in a row.
var irSize = map[string]int{"char": 1, "bool": 1, "int": 4, "bit_field": 4, "float": 4, "double": 8}

// irLayout is where each variable's values are in a row, the row's length, and where things are in the
// mapping: the session string after the variables' headers, the rows after it.
type irLayout struct {
	offsets       []int
	rowLen        int
	session, rows int
	size          int
}

func newIRLayout() irLayout {
	var l irLayout
	for _, v := range irVars {
		n := irSize[v.kind]
		l.rowLen = (l.rowLen + n - 1) / n * n
		l.offsets = append(l.offsets, l.rowLen)
		l.rowLen += n * v.count
	}
	l.rowLen = (l.rowLen + 15) &^ 15
	l.session = irHeader + len(irVars)*irVarHeader
	l.rows = (l.session + irSessionSize + 15) &^ 15
	l.size = (l.rows + irBuffers*l.rowLen + 4095) &^ 4095
	return l
}

var irl = newIRLayout()

func iracingPages() []Page {
	return []Page{{Layout: "iracing", Size: irl.size, Event: irEvent, Start: iracingStart, Frame: iracingFrame, Period: time.Second / 60}}
}

// iracingStart is the header, the variables' headers, the session's YAML and the first row.
func iracingStart(c Clock) Frame {
	yaml := iracingSession()
	f := Frame{Fields: Values{
		"ver": 2, "status": 1, "tick_rate": 60, "session_info_update": 1, "session_info_len": irSessionSize,
		"session_info_offset": irl.session, "num_vars": len(irVars), "var_header_offset": irHeader,
		"num_buf": irBuffers, "buf_len": irl.rowLen,
	}}
	for b := range irBuffers {
		f.Fields[fmt.Sprintf("var_buf[%d].buf_offset", b)] = irl.rows + b*irl.rowLen
	}
	for i, v := range irVars {
		f.Records = append(f.Records, Record{Type: "var_header", Offset: irHeader + i*irVarHeader, Fields: Values{
			"type": v.kind, "offset": irl.offsets[i], "count": v.count, "count_as_time": 0,
			"name": v.name, "desc": v.desc, "unit": v.unit}})
	}
	f.Raw = append(f.Raw, Raw{Offset: irl.session, Bytes: cString(yaml, irSessionSize)})
	row := iracingFrame(c)
	for k, v := range row.Fields {
		f.Fields[k] = v
	}
	f.Raw = append(f.Raw, row.Raw...)
	return f
}

// iracingFrame is the next row of the ring, and its tick.
func iracingFrame(c Clock) Frame {
	cars := fieldAt(c.Seconds())
	b := int(c.N % irBuffers)
	row := make([]byte, irl.rowLen)
	for i, v := range irVars {
		for k, x := range v.value(c, cars) {
			putIR(row[irl.offsets[i]+k*irSize[v.kind]:], v.kind, x)
		}
	}
	return Frame{Fields: Values{fmt.Sprintf("var_buf[%d].tick_count", b): c.N},
		Raw: []Raw{{Offset: irl.rows + b*irl.rowLen, Bytes: row}}}
}

// putIR writes x as a variable of type kind (little-endian, as on x86).
func putIR(dst []byte, kind string, x float64) {
	switch kind {
	case "char", "bool":
		dst[0] = byte(x)
	case "int", "bit_field":
		binary.LittleEndian.PutUint32(dst, uint32(int32(x)))
	case "float":
		binary.LittleEndian.PutUint32(dst, math.Float32bits(float32(x)))
	case "double":
		binary.LittleEndian.PutUint64(dst, math.Float64bits(x))
	}
}

// iracingSession is the session's YAML, in iRacing's style.
func iracingSession() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nWeekendInfo:\n TrackName: demo_ring\n TrackDisplayName: %s\n TrackLength: %.2f km\n TrackCity: Nowhere\n"+
		" TrackType: road course\n SessionID: 0\n Category: Road\n\nSessionInfo:\n Sessions:\n - SessionNum: 0\n   SessionType: Race\n"+
		"   SessionLaps: unlimited\n   SessionTime: 3600.0000 sec\n\nDriverInfo:\n DriverCarIdx: 0\n DriverCarRedLine: %.3f\n Drivers:\n",
		trackName, theTrack.length/1000, maxRPM)
	for i, c := range field {
		fmt.Fprintf(&b, " - CarIdx: %d\n   UserName: %s\n   CarNumber: \"%d\"\n   CarScreenName: %s\n", i, c.driver, c.number, c.model)
	}
	b.WriteString("\n...\n")
	return b.String()
}
