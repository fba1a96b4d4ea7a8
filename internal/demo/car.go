package demo

import (
	"math"
	"sort"
)

// The car the racing producers play: a GT3 car lapping a track of straights and corners. A simple physical
// model, worked out once: the fastest speed along the lap that the car's grip (in corners), power and drag
// (on straights) and brakes allow; the pedals, gear and rpm that speed needs; tyre temperatures that follow
// the load on each tyre (the outer ones in a corner, the fronts under braking, the rears under power). A
// car's state is a function of the time alone: the same time gives the same values.

// Demo track: a closed loop of straights (radius 0) and corners (angle in degrees, left positive).
type segment struct {
	length, angle, radius float64
}

// demoTrack is "Demo Ring", about 3.9 km, run clockwise.
var demoTrack = []segment{
	{length: 900}, {angle: -90, radius: 30}, {length: 350}, {angle: 40, radius: 120}, {angle: -70, radius: 90},
	{length: 500}, {angle: -70, radius: 45}, {length: 300}, {angle: 60, radius: 70}, {angle: -60, radius: 70},
	{length: 650}, {angle: -110, radius: 60}, {length: 250}, {angle: -60, radius: 150}, {length: 200},
}

const (
	trackName = "Demo Ring"
	step      = 1.0 // m between the points of the profile

	carMass    = 1300.0 // kg
	carPower   = 410e3  // W
	traction   = 9.0    // m/s²: the most the tyres put down
	gripLat    = 16.0   // m/s²: cornering
	braking    = 13.0   // m/s²: the brakes alone
	topSpeed   = 79.0   // m/s (284 km/h), where power meets drag
	maxRPM     = 8500.0 // rpm
	idleRPM    = 2000.0
	fuelPerLap = 2.9  // l
	fuelStart  = 60.0 // l
	stintLaps  = 18   // laps between refuels
	warmUp     = 60.0 // s: the tyres' time constant from the blankets to the lap's temperatures
	blankets   = 55.0 // °C
	tyreLag    = 8.0  // s: a tyre's temperature following its load
	brakeLag   = 4.0  // s
	ambient    = 24.0 // °C
)

// drag is the deceleration per (m/s)² that makes topSpeed the car's top speed.
var drag = carPower / (carMass * topSpeed * topSpeed * topSpeed)

// gearTop is each gear's speed at maxRPM (m/s): 95, 130, 165, 200, 240, 285 km/h.
var gearTop = []float64{26.4, 36.1, 45.8, 55.6, 66.7, 79.2}

// lapPace are the laps' times relative to the profile's, in a cycle: the driver is not a machine.
var lapPace = []float64{1.000, 0.996, 1.004, 0.998, 1.006, 0.994}

// track is the lap worked out: per point, where it is, the car's speed and acceleration, its tyres' and
// brakes' temperatures, and when the car passes it.
type track struct {
	length       float64
	x, y, head   []float64
	curv         []float64 // 1/radius, left positive
	speed, accel []float64
	time         []float64 // s from the line to each point (one more: the whole lap)
	tyre, brake  [4][]float64
	lap          float64 // s: the profile's lap time
	cycle        float64 // s: a cycle of lapPace's laps
}

// theTrack is worked out once, at package init (a few thousand points).
var theTrack = newTrack(demoTrack)

func newTrack(segs []segment) *track {
	t := &track{}
	for _, s := range segs {
		n := s.length
		if s.radius > 0 {
			n = s.radius * math.Abs(s.angle) * math.Pi / 180
		}
		c := 0.0
		if s.radius > 0 {
			c = math.Copysign(1/s.radius, s.angle)
		}
		for range int(math.Round(n / step)) {
			t.curv = append(t.curv, c)
		}
	}
	t.length = float64(len(t.curv)) * step
	t.shape()
	t.profile()
	t.timing()
	t.temperatures()
	return t
}

// shape lays the track out in the plane, its small closing error spread along it.
func (t *track) shape() {
	n := len(t.curv)
	t.x, t.y, t.head = make([]float64, n), make([]float64, n), make([]float64, n)
	x, y, h := 0.0, 0.0, 0.0
	for i, c := range t.curv {
		t.x[i], t.y[i], t.head[i] = x, y, h
		h += c * step
		x += math.Cos(h) * step
		y += math.Sin(h) * step
	}
	for i := range n {
		f := float64(i) / float64(n)
		t.x[i] -= x * f
		t.y[i] -= y * f
	}
}

// power is the acceleration the engine gives at v (less drag).
func power(v float64) float64 { return min(traction, carPower/(carMass*max(v, 5))) - drag*v*v }

// profile is the fastest speed at each point: each corner's grip limit, reached under power from the slowest
// point on, and braked down to before each corner.
func (t *track) profile() {
	n := len(t.curv)
	lim := make([]float64, n)
	slowest := 0
	for i, c := range t.curv {
		lim[i] = 200
		if c != 0 {
			lim[i] = math.Sqrt(gripLat / math.Abs(c))
		}
		if lim[i] < lim[slowest] {
			slowest = i
		}
	}
	v := make([]float64, n)
	v[slowest] = lim[slowest]
	for k := 1; k < n; k++ {
		i, prev := (slowest+k)%n, (slowest+k-1)%n
		v[i] = min(lim[i], math.Sqrt(v[prev]*v[prev]+2*power(v[prev])*step))
	}
	for k := 1; k < n; k++ {
		i, next := (slowest-k+n)%n, (slowest-k+1+n)%n
		v[i] = min(v[i], math.Sqrt(v[next]*v[next]+2*(braking+drag*v[next]*v[next])*step))
	}
	t.speed, t.accel = v, make([]float64, n)
	for i := range n {
		next := v[(i+1)%n]
		t.accel[i] = (next*next - v[i]*v[i]) / (2 * step)
	}
}

// timing is when the car passes each point, at the profile's pace.
func (t *track) timing() {
	n := len(t.speed)
	t.time = make([]float64, n+1)
	for i := range n {
		t.time[i+1] = t.time[i] + 2*step/(t.speed[i]+t.speed[(i+1)%n])
	}
	t.lap = t.time[n]
	for _, p := range lapPace {
		t.cycle += p * t.lap
	}
}

// pedals are the throttle and brake (0–1) the profile's acceleration a at speed v takes: what the engine or
// the brakes add to the drag.
func pedals(v, a float64) (throttle, brake float64) {
	need := a + drag*v*v
	if need < -0.5 {
		return 0, min(1, -need/braking)
	}
	return max(0.25, min(1, need/min(traction, carPower/(carMass*max(v, 5))))), 0
}

// temperatures are the tyres' and brakes' temperatures along the lap, once they have settled: each follows
// its load with a lag, worked out over laps until a lap ends where it began.
func (t *track) temperatures() {
	n := len(t.speed)
	for w := range 4 {
		t.tyre[w], t.brake[w] = make([]float64, n), make([]float64, n)
	}
	tyre, brake := [4]float64{80, 80, 80, 80}, [4]float64{300, 300, 300, 300}
	for range 4 {
		for i := range n {
			dt := t.time[i+1] - t.time[i]
			target, btarget := loadTemps(t.speed[i], t.accel[i], t.curv[i])
			for w := range 4 {
				tyre[w] += (target[w] - tyre[w]) * (1 - math.Exp(-dt/tyreLag))
				brake[w] += (btarget[w] - brake[w]) * (1 - math.Exp(-dt/brakeLag))
				t.tyre[w][i], t.brake[w][i] = tyre[w], brake[w]
			}
		}
	}
}

// loadTemps are the temperatures each tyre (FL, FR, RL, RR) and brake tends to under the load of speed v,
// acceleration a and curvature c: the outer tyres of a corner, the fronts braking, the rears under power.
func loadTemps(v, a, c float64) (tyre, brake [4]float64) {
	lat := v * v * c / gripLat // +1: the grip's limit in a left-hand corner
	throttle, brk := pedals(v, a)
	for w := range 4 {
		left, front := w%2 == 0, w < 2
		outer := lat
		if left {
			outer = -lat // a left-hand corner loads the right-hand tyres
		}
		tyre[w] = 72 + 5*v/topSpeed + 10*max(outer, 0) + 3*max(-outer, 0)
		brake[w] = 250 + 20*v/topSpeed
		if front {
			tyre[w] += 7 * brk
			brake[w] += 550 * brk
		} else {
			tyre[w] += 4 * throttle * (1 - v/topSpeed)
			brake[w] += 380 * brk
		}
	}
	return tyre, brake
}

// carState is a car at a moment.
type carState struct {
	Laps      int     // completed
	LapTime   float64 // s into the lap
	LastLap   float64 // s, 0 before the first lap is done
	BestLap   float64 // s, 0 before the first lap is done
	Dist      float64 // m into the lap
	Frac      float64 // of the lap
	Total     float64 // m since the start
	Sector    int     // 0, 1, 2 (thirds of the lap)
	Speed     float64 // m/s
	Accel     float64 // m/s² along the track
	Lateral   float64 // m/s², left positive
	Gear      int     // 1–6
	RPM       float64
	Throttle  float64
	Brake     float64
	Steer     float64 // -1 (right) to 1 (left)
	X, Y      float64 // m
	Heading   float64 // rad
	Tyre      [4]float64
	BrakeTemp [4]float64
	Load      [4]float64 // N on each tyre
	Fuel      float64    // l
}

// car is one car on the track: its pace (1: the profile's), how far into the demo it started, who drives
// it and what it is.
type car struct {
	pace, offset  float64
	number        int
	driver, model string
}

// at is the car's state T seconds into the demo.
func (c car) at(T float64) carState {
	tr := theTrack
	T = T + c.offset
	var s carState
	cycle := tr.cycle * c.pace
	cycles := math.Floor(T / cycle)
	rem := T - cycles*cycle
	s.Laps = int(cycles) * len(lapPace)
	pace := c.pace
	for i, p := range lapPace {
		d := p * c.pace * tr.lap
		if rem < d || i == len(lapPace)-1 {
			pace = p * c.pace
			break
		}
		rem -= d
		s.Laps++
	}
	s.LapTime = rem
	if s.Laps > 0 {
		s.LastLap = lapPace[(s.Laps-1)%len(lapPace)] * c.pace * tr.lap
		s.BestLap = s.LastLap
		for i := range min(s.Laps, len(lapPace)) {
			s.BestLap = min(s.BestLap, lapPace[i]*c.pace*tr.lap)
		}
	}
	// Where the profile is at that time into the lap, its speeds scaled to the lap's pace.
	tau := min(rem/pace, tr.lap)
	n := len(tr.speed)
	i := max(0, min(n-1, sort.SearchFloat64s(tr.time, tau)-1))
	f := (tau - tr.time[i]) / (tr.time[i+1] - tr.time[i])
	j := (i + 1) % n
	lerp := func(a []float64) float64 { return a[i] + (a[j]-a[i])*f }
	s.Dist = (float64(i) + f) * step
	s.Frac = s.Dist / tr.length
	s.Total = (float64(s.Laps) + s.Frac) * tr.length
	s.Sector = min(2, int(s.Frac*3))
	s.Speed = lerp(tr.speed) / pace
	s.Accel = lerp(tr.accel) / (pace * pace)
	s.Lateral = s.Speed * s.Speed * tr.curv[i]
	s.X, s.Y, s.Heading = lerp(tr.x), lerp(tr.y), tr.head[i]+tr.curv[i]*step*f
	s.Throttle, s.Brake = pedals(s.Speed, s.Accel)
	s.Steer = max(-1, min(1, 25*tr.curv[i]))
	s.Gear = len(gearTop)
	for g, top := range gearTop {
		if s.Speed <= 0.92*top {
			s.Gear = g + 1
			break
		}
	}
	s.RPM = max(idleRPM, min(maxRPM, s.Speed/gearTop[s.Gear-1]*maxRPM))
	warm := math.Exp(-T / warmUp)
	for w := range 4 {
		settled := lerp(tr.tyre[w])
		s.Tyre[w] = settled - (settled-blankets)*warm
		s.BrakeTemp[w] = lerp(tr.brake[w]) - (lerp(tr.brake[w])-ambient)*warm
		weight := carMass * 9.81 / 4
		shift := carMass * s.Lateral * 0.12 // to the outer tyres
		if w%2 == 0 {
			shift = -shift
		}
		pitch := carMass * s.Accel * 0.1 // braking loads the fronts
		if w < 2 {
			pitch = -pitch
		}
		s.Load[w] = max(0, weight+shift/2+pitch/2+0.9*s.Speed*s.Speed)
	}
	s.Fuel = fuelStart - fuelPerLap*(float64(s.Laps%stintLaps)+s.Frac)
	return s
}

// The cars of the field: the player's first.
var field = []car{
	{pace: 1, offset: 0, number: 7, driver: "Demo Driver", model: "Ferrari 296 GT3"},
	{pace: 1.008, offset: 9, number: 12, driver: "Ada Second", model: "Porsche 911 GT3 R"},
	{pace: 1.015, offset: 21, number: 35, driver: "Max Third", model: "BMW M4 GT3"},
}

// position is the car's place in the field (1 first) by distance run.
func position(states []carState, k int) int {
	p := 1
	for i, s := range states {
		if i != k && s.Total > states[k].Total {
			p++
		}
	}
	return p
}

// fieldAt is every car's state at T.
func fieldAt(T float64) []carState {
	out := make([]carState, len(field))
	for i, c := range field {
		out[i] = c.at(T)
	}
	return out
}
