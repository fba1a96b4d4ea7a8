package demo

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// The car over three hours of laps, a state every 50 ms: every value in the range a game has, the laps
// counted, each lap's time plausible, the current lap's time growing until the line, the same time giving the
// same state.
func TestCarLaps(t *testing.T) {
	var prev carState
	var minSpeed, maxSpeed = math.Inf(1), 0.0
	laps := 0
	for i := 0; i <= 3*3600*20; i++ {
		T := float64(i) / 20
		s := field[0].at(T)
		if s != field[0].at(T) {
			t.Fatalf("T=%v: two states", T)
		}
		kmh := s.Speed * 3.6
		minSpeed, maxSpeed = min(minSpeed, kmh), max(maxSpeed, kmh)
		switch {
		case !(kmh > 30 && kmh < 350):
			t.Fatalf("T=%v: %v km/h", T, kmh)
		case s.Gear < 1 || s.Gear > 6 || s.RPM < idleRPM || s.RPM > maxRPM:
			t.Fatalf("T=%v: gear %d at %v rpm", T, s.Gear, s.RPM)
		case s.Throttle < 0 || s.Throttle > 1 || s.Brake < 0 || s.Brake > 1 || s.Throttle > 0 && s.Brake > 0:
			t.Fatalf("T=%v: throttle %v, brake %v", T, s.Throttle, s.Brake)
		case s.Frac < 0 || s.Frac >= 1 || s.Sector < 0 || s.Sector > 2 || s.Fuel <= 0 || s.Fuel > fuelStart:
			t.Fatalf("T=%v: at %v of the lap, sector %d, %v l", T, s.Frac, s.Sector, s.Fuel)
		}
		for w := range 4 {
			if s.Tyre[w] < 40 || s.Tyre[w] > 110 || s.BrakeTemp[w] < ambient || s.BrakeTemp[w] > 1000 || s.Load[w] <= 0 {
				t.Fatalf("T=%v: tyre %d at %v °C, its brake %v °C, load %v N", T, w, s.Tyre[w], s.BrakeTemp[w], s.Load[w])
			}
		}
		if i > 0 {
			switch {
			case s.Laps == prev.Laps && s.LapTime <= prev.LapTime:
				t.Fatalf("T=%v: the lap's time went from %v to %v", T, prev.LapTime, s.LapTime)
			case s.Laps == prev.Laps+1:
				laps++
				if s.LastLap < 70 || s.LastLap > 130 || s.BestLap > s.LastLap || s.LapTime > 0.06 {
					t.Fatalf("T=%v: lap %d done in %v s (best %v), the next at %v s", T, s.Laps, s.LastLap, s.BestLap, s.LapTime)
				}
				if d := s.LastLap - prev.LapTime; d < 0 || d > 0.06 {
					t.Fatalf("T=%v: lap %d done in %v s, its clock stopped at %v", T, s.Laps, s.LastLap, prev.LapTime)
				}
			case s.Laps != prev.Laps:
				t.Fatalf("T=%v: laps went from %d to %d", T, prev.Laps, s.Laps)
			}
		}
		prev = s
	}
	if laps < 100 || minSpeed > 100 || maxSpeed < 250 {
		t.Errorf("%d laps in 3 hours, from %v to %v km/h", laps, minSpeed, maxSpeed)
	}
	t.Logf("%d laps in 3 hours, lap %.3f s at the profile's pace, %.0f–%.0f km/h, %.0f m", laps, theTrack.lap, minSpeed, maxSpeed, theTrack.length)
}

// The tyres move together with the car: warm from the blankets, then hotter on the outside of a corner than on
// the inside, the fronts hotter for braking.
func TestCarTyres(t *testing.T) {
	early, late := field[0].at(1), field[0].at(600)
	if early.Tyre[0] > 65 || late.Tyre[0] < 70 {
		t.Errorf("tyre FL at 1 s %v °C, at 10 min %v °C: not warming up", early.Tyre[0], late.Tyre[0])
	}
	var hotRight, hotFront int
	n := 0
	for T := 600.0; T < 600+theTrack.lap; T += 0.25 {
		s := field[0].at(T)
		if s.Lateral > 8 && s.Tyre[1] > s.Tyre[0] { // a left-hand corner loads the right tyres
			hotRight++
		}
		if s.Lateral < -8 {
			n++
		}
		if s.Brake > 0.8 && s.BrakeTemp[0] > s.BrakeTemp[2] {
			hotFront++
		}
	}
	if hotRight == 0 || hotFront == 0 || n == 0 {
		t.Errorf("right tyres hotter in a left-hand corner %d times, front brakes hotter braking %d times, right-hand corners %d", hotRight, hotFront, n)
	}
}

// Every page of every producer, at its first frame and at frames hours apart, encoded through its catalogue
// layout into memory of the page's size and decoded back: no field refused, no warning, and the values where
// the frame put them.
func TestPagesEncode(t *testing.T) {
	for _, p := range Producers {
		for _, pg := range p.Pages() {
			t.Run(pg.Layout, func(t *testing.T) {
				l, err := compileCatalogue(pg.Layout)
				if err != nil {
					t.Fatal(err)
				}
				if w := layout.Lint(l); len(w) > 0 {
					t.Errorf("warnings: %v", w)
				}
				size := pg.Size
				if size == 0 {
					size = l.Fixed
				} else if l.Prefix > 0 && size != l.Prefix {
					t.Errorf("a page of %d bytes for a layout of %d", size, l.Prefix)
				}
				buf := make([]byte, size)
				e := newEncoder(pg.Layout, l)
				write := func(f Frame, n int64) {
					t.Helper()
					edits, err := e.edits(f, n, func(base int) func(off, n int) ([]byte, error) {
						return func(off, n int) ([]byte, error) { return buf[base+off : base+off+n], nil }
					})
					if err != nil {
						t.Fatal(err)
					}
					for _, ed := range edits {
						copy(buf[ed.Off:], ed.Bytes)
					}
				}
				began := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
				if pg.Start != nil {
					write(pg.Start(Clock{N: 1, Began: began}), 1)
				}
				for i, T := range []time.Duration{0, 20 * time.Millisecond, time.Minute, 5 * time.Hour} {
					if pg.Frame != nil {
						write(pg.Frame(Clock{T: T, N: int64(i + 2), Began: began}), int64(i+2))
					}
					v, err := l.Decode(buf)
					if err != nil {
						t.Fatalf("T=%v: %v", T, err)
					}
					js, err := v.AppendJSON(nil, nil, 16<<20)
					if err != nil {
						t.Fatalf("T=%v: %v", T, err)
					}
					var got map[string]any
					if err := json.Unmarshal(js, &got); err != nil {
						t.Fatal(err)
					}
					if strings.Contains(string(js), "NaN") || len(got) == 0 {
						t.Fatalf("T=%v: %s", T, js)
					}
				}
			})
		}
	}
}

// The records the demo places itself are as large as their producers' headers say.
func TestRecordSizes(t *testing.T) {
	for _, c := range []struct {
		layout, record string
		size           int
	}{{"rf2_telemetry", "vehicle", rf2VehicleSize}, {"iracing", "var_header", irVarHeader}} {
		l, err := compileCatalogue(c.layout)
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.Record(c.record)
		if err != nil {
			t.Fatal(err)
		}
		if r.Fixed != c.size {
			t.Errorf("%s::%s is %d bytes, the demo places %d", c.layout, c.record, r.Fixed, c.size)
		}
	}
}

func TestSelect(t *testing.T) {
	ps, err := Select([]string{"iracing", "acc", "iracing"})
	if err != nil || len(ps) != 2 || ps[0].Name != "acc" || ps[1].Name != "iracing" {
		t.Errorf("Select(iracing, acc, iracing) = %v, %v", ps, err)
	}
	if ps, _ := Select(nil); len(ps) != len(Producers) {
		t.Errorf("Select() is %d producers", len(ps))
	}
	if _, err := Select([]string{"lfs"}); err == nil || !strings.Contains(err.Error(), "acc, rf2, hwinfo, iracing") {
		t.Errorf("Select(lfs): %v", err)
	}
}
