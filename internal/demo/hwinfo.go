package demo

import (
	"encoding/binary"
	"math"
	"time"
)

// HWiNFO's sensors, as HWiNFO (Shared Memory Support on) writes them: a header giving where the sensor and
// reading tables are and how large each element is, then the tables; each poll under its mutex (the writer
// holds the layout's). HWiNFO polls every 2 s by default; 500 ms here, so that a chart moves.
//
// The sizes and the UTF-8 tail of each element are hwisenssm2.h's (HWiNFO's SDK): the layout reads the tail
// only when the element is large enough (its size is in the header), so the demo writes the tail's bytes at
// their places itself.

const (
	hwinfoPeriod      = 500 * time.Millisecond
	hwinfoHeader      = 48  // through dwPollingPeriod (packed 1)
	hwinfoSensorSize  = 392 // two ids, three names of 128 bytes (the third UTF-8)
	hwinfoReadingSize = 460 // three ids, label, user label, unit, four doubles, UTF-8 label and unit
	hwinfoString      = 128
	hwinfoUnit        = 16
)

// hwSensor is a sensor of the demo's machine.
type hwSensor struct {
	id, inst uint32
	name     string
}

// hwReading is one reading: its sensor, what it reads, and how it drifts (value at time t, seconds).
type hwReading struct {
	kind   string // the layout's reading_type member
	sensor int
	label  string
	unit   string
	value  func(t float64) float64
}

var hwSensors = []hwSensor{
	{0xf0000300, 0, "CPU [#0]: AMD Ryzen 7 7800X3D"},
	{0xe0002000, 0, "GPU [#0]: NVIDIA GeForce RTX 4070"},
	{0xf0001300, 0, "S.M.A.R.T.: Samsung SSD 990 PRO 2TB"},
}

// cpuLoad and gpuLoad drive the rest: a game running, a background task now and then.
func cpuLoad(t float64) float64 {
	return 28 + 9*math.Sin(t/7) + 6*math.Sin(t/2.3+1) + 14*math.Max(0, math.Sin(t/41))
}
func gpuLoad(t float64) float64 { return 88 + 5*math.Sin(t/5.1) + 3*math.Sin(t/1.7) }

// lagged is f a few seconds behind: a temperature following a load.
func lagged(f func(float64) float64, t, by float64) float64 { return f(math.Max(0, t-by)) }

var hwReadings = []hwReading{
	{"temp", 0, "CPU (Tctl/Tdie)", "°C", func(t float64) float64 { return 48 + 0.45*lagged(cpuLoad, t, 3) }},
	{"clock", 0, "Core 0 Clock (perf #1)", "MHz", func(t float64) float64 { return 4650 + 4*(cpuLoad(t)-30) }},
	{"usage", 0, "Total CPU Usage", "%", cpuLoad},
	{"power", 0, "CPU Package Power", "W", func(t float64) float64 { return 22 + 0.9*cpuLoad(t) }},
	{"volt", 0, "Vcore", "V", func(t float64) float64 { return 1.05 + 0.002*cpuLoad(t) }},
	{"temp", 1, "GPU Temperature", "°C", func(t float64) float64 { return 38 + 0.32*lagged(gpuLoad, t, 4) }},
	{"usage", 1, "GPU Core Load", "%", gpuLoad},
	{"power", 1, "GPU Power", "W", func(t float64) float64 { return 30 + 1.6*gpuLoad(t) }},
	{"fan", 1, "GPU Fan1", "RPM", func(t float64) float64 { return 900 + 9*lagged(gpuLoad, t, 6) }},
	{"clock", 1, "GPU Clock", "MHz", func(t float64) float64 { return 2610 - 2*(gpuLoad(t)-88) }},
	{"temp", 2, "Drive Temperature", "°C", func(t float64) float64 { return 41 + 2*math.Sin(t/60) }},
	{"other", 2, "Total Host Writes", "GB", func(t float64) float64 { return 18_342 + t/600 }},
}

func hwinfoPages() []Page {
	h := &hwinfo{min: make([]float64, len(hwReadings)), max: make([]float64, len(hwReadings)), sum: make([]float64, len(hwReadings))}
	return []Page{{Layout: "hwinfo", Size: hwinfoReadings + len(hwReadings)*hwinfoReadingSize,
		Start: h.start, Frame: h.poll, Period: hwinfoPeriod}}
}

// hwinfoReadings is where the reading table begins: after the header and the sensors.
var hwinfoReadings = hwinfoHeader + len(hwSensors)*hwinfoSensorSize

// hwinfo keeps each reading's minimum, maximum and average since the start, as HWiNFO does.
type hwinfo struct {
	polls         int
	min, max, sum []float64
}

// start is the header, the sensors and the readings' names, and the first poll.
func (h *hwinfo) start(c Clock) Frame {
	f := Frame{Fields: Values{
		"signature": "active", "version": 2, "revision": 1,
		"offset_of_sensor_section": hwinfoHeader, "size_of_sensor_element": hwinfoSensorSize, "num_sensor_elements": len(hwSensors),
		"offset_of_reading_section": hwinfoReadings, "size_of_reading_element": hwinfoReadingSize, "num_reading_elements": len(hwReadings),
	}}
	f.Raw = append(f.Raw, Raw{Offset: hwinfoHeader - 4, Bytes: binary.LittleEndian.AppendUint32(nil, uint32(hwinfoPeriod/time.Millisecond))})
	for i, s := range hwSensors {
		at := hwinfoHeader + i*hwinfoSensorSize
		f.Records = append(f.Records, Record{Type: "sensor", Offset: at, Fields: Values{
			"sensor_id": s.id, "sensor_inst": s.inst, "sensor_name_orig": s.name, "sensor_name_user": s.name}})
		f.Raw = append(f.Raw, Raw{Offset: at + 8 + 2*hwinfoString, Bytes: cString(s.name, hwinfoString)})
	}
	for i, r := range hwReadings {
		at := hwinfoReadings + i*hwinfoReadingSize
		f.Records = append(f.Records, Record{Type: "reading", Offset: at, Fields: Values{
			"type": r.kind, "sensor_index": r.sensor, "reading_id": 0x1000000 + i,
			"label_orig": r.label, "label_user": r.label, "unit": r.unit}})
		tail := at + 12 + 2*hwinfoString + hwinfoUnit + 4*8
		f.Raw = append(f.Raw, Raw{Offset: tail, Bytes: cString(r.label, hwinfoString)},
			Raw{Offset: tail + hwinfoString, Bytes: cString(r.unit, hwinfoUnit)})
	}
	p := h.poll(c)
	f.Records = append(f.Records, p.Records...)
	for k, v := range p.Fields {
		f.Fields[k] = v
	}
	return f
}

// poll is a poll: each reading's value, minimum, maximum and average, and the poll's time.
func (h *hwinfo) poll(c Clock) Frame {
	h.polls++
	t := c.Seconds()
	f := Frame{Fields: Values{"poll_time": c.Began.Add(c.T).Unix()}}
	for i, r := range hwReadings {
		x := r.value(t)
		if h.polls == 1 {
			h.min[i], h.max[i] = x, x
		}
		h.min[i], h.max[i], h.sum[i] = math.Min(h.min[i], x), math.Max(h.max[i], x), h.sum[i]+x
		f.Records = append(f.Records, Record{Type: "reading", Offset: hwinfoReadings + i*hwinfoReadingSize, Fields: Values{
			"value": x, "value_min": h.min[i], "value_max": h.max[i], "value_avg": min(max(h.sum[i]/float64(h.polls), h.min[i]), h.max[i])}}) // within them, rounding aside
	}
	return f
}

// cString is s, NUL-terminated, in a field of n bytes.
func cString(s string, n int) []byte {
	b := make([]byte, n)
	copy(b[:n-1], s)
	return b
}
