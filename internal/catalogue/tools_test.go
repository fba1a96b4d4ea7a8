package catalogue_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/cdecl"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// compiled is a built-in layout, compiled.
// The converted layouts place the producers' members where their own headers say: the scs-sdk-plugin's zone
// offsets and trailer size (its scs-telemetry-common.hpp's comments), the offsets readers of Falcon BMS's
// FlightData publish, the sizes RTSS's and Afterburner's headers imply.
func TestPublishedOffsets(t *testing.T) {
	for id, facts := range map[string]struct {
		size    int
		offsets map[string]int
	}{
		"scs_telemetry": {32768, map[string]int{"sdk_active": 0, "paused": 4, "time": 8,
			"scs_values.telemetry_plugin_revision": 40, "common_i.rest_stop": 500, "common_f.scale": 700,
			"config_b.truck_wheel_steerable[0]": 1500, "config_fv.cabin_position_x": 1640, "truck_fp.cabin_offset_x": 2000,
			"truck_dp.coordinate_x": 2200, "config_s.truck_brand_id": 2300, "config_ull.job_income": 4000,
			"gameplay_ll.job_cancelled_penalty": 4200, "special_b.on_job": 4300, "substances.substance[0]": 4400,
			"trailer.trailer[0].con_b.wheel_steerable[0]": 6000, "trailer.trailer[0].com_ui.wheel_substance[0]": 6084,
			"trailer.trailer[0].com_f.cargo_damage": 6152, "trailer.trailer[0].com_fv.linear_velocity_x": 6612,
			"trailer.trailer[0].com_dp.world_x": 6864, "trailer.trailer[0].con_s.id": 6912,
			"trailer.trailer[1].con_b.wheel_steerable[0]": 7552}},
		"falcon_bms": {-1, map[string]int{"x": 0, "light_bits": 108, "light_bits2": 124}},
	} {
		l := compiled(t, id)
		if facts.size >= 0 && l.Fixed != facts.size {
			t.Errorf("%s: %d bytes, the producer's %d", id, l.Fixed, facts.size)
		}
		placed := map[string]int{}
		for _, f := range l.Fields {
			placed[f.Path] = f.Offset
		}
		for p, want := range facts.offsets {
			if got, ok := placed[p]; !ok || got != want {
				t.Errorf("%s: %s at %d (placed %v), the producer's header says %d", id, p, got, ok, want)
			}
		}
	}
}

// A hand-written layout whose tables the producer's header places (RTSS, Afterburner) decodes every member of
// the C structs (src/*.h, converted by cdecl as the compiler lays them out) at the C offset: a buffer holds a
// header and two items of each table, every member a distinct value, and the layout decodes each one.
func TestHandTablesMatchC(t *testing.T) {
	t.Run("rtss", func(t *testing.T) {
		h, osd, app, pc := convert(t, "rtss.h", "rtss_header"), convert(t, "rtss.h", "rtss_osd_entry"),
			convert(t, "rtss.h", "rtss_app_entry"), convert(t, "rtss.h", "rtss_perf_counter")
		pcAt := app.offset(t, "arr_perf_counters[0].dw_id")
		osdAt, appAt := h.Fixed, h.Fixed+2*osd.Fixed
		tables := []table{{h, "", 0}, {osd, "arr_osd[0].", osdAt}, {osd, "arr_osd[1].", osdAt + osd.Fixed},
			{app, "arr_app[0].", appAt}, {app, "arr_app[1].", appAt + app.Fixed}}
		buf := fill(tables, appAt+2*app.Fixed)
		h.set(t, buf, 0, map[string]uint64{"dw_signature": 0x52545353, "dw_version": 0x20014,
			"dw_osd_entry_size": uint64(osd.Fixed), "dw_osd_arr_offset": uint64(osdAt), "dw_osd_arr_size": 2,
			"dw_app_entry_size": uint64(app.Fixed), "dw_app_arr_offset": uint64(appAt), "dw_app_arr_size": 2,
			"dw_process_perf_counters_entry_size": uint64(pc.Fixed), "dw_process_perf_counters_arr_offset": uint64(pcAt)})
		for i := range 2 {
			app.set(t, buf, appAt+i*app.Fixed, map[string]uint64{"dw_process_perf_counters_count": 3})
		}
		// Not decoded, as the layout says: the OSD slot's object buffer, the frame time rings; the counters past
		// the count are not counters.
		skip := func(p string) bool {
			name, _, _ := strings.Cut(p, "[")
			var k int
			fmt.Sscanf(p, "arr_perf_counters[%d]", &k)
			return name == "buffer" || name == "dw_stat_frame_time_buf" || name == "dw_stat_frame_time_low_buf" ||
				name == "arr_perf_counters" && k >= 3
		}
		// The text of v2.20 follows the object buffer, past what the description of the slot lists.
		copy(buf[osdAt+osd.Fixed-32768:], "the second extended text")
		v, err := compiled(t, "rtss").Decode(buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := v.EvalJSON("arr_osd[0].sz_osd_ex2"); err != nil || string(got) != `"the second extended text"` {
			t.Errorf("sz_osd_ex2: %s (%v)", got, err)
		}
		decodeAll(t, compiled(t, "rtss"), buf, tables, skip)
	})
	t.Run("afterburner", func(t *testing.T) {
		h, e, g := convert(t, "afterburner.h", "mahm_header"), convert(t, "afterburner.h", "mahm_entry"),
			convert(t, "afterburner.h", "mahm_gpu_entry")
		eAt, gAt := h.Fixed, h.Fixed+2*e.Fixed
		tables := []table{{h, "", 0}, {e, "entries[0].", eAt}, {e, "entries[1].", eAt + e.Fixed},
			{g, "gpu_entries[0].", gAt}, {g, "gpu_entries[1].", gAt + g.Fixed}}
		buf := fill(tables, gAt+2*g.Fixed)
		h.set(t, buf, 0, map[string]uint64{"dw_signature": 0x4d41484d, "dw_version": 0x20000,
			"dw_header_size": uint64(h.Fixed), "dw_num_entries": 2, "dw_entry_size": uint64(e.Fixed),
			"dw_num_gpu_entries": 2, "dw_gpu_entry_size": uint64(g.Fixed)})
		decodeAll(t, compiled(t, "afterburner"), buf, tables, func(string) bool { return false })
	})
}

// cLayout is a struct of src/HEADER as cdecl lays it out for the producers' ABI.
type cLayout struct{ *layout.Layout }

func convert(t *testing.T, header, name string) cLayout {
	t.Helper()
	src, err := os.ReadFile("src/" + header)
	if err != nil {
		t.Fatal(err)
	}
	ksy, err := cdecl.Convert(src, cdecl.Options{ID: name, Struct: name, ABI: "windows-amd64", Encoding: "windows-1252"})
	if err != nil {
		t.Fatalf("%s %s: %v", header, name, err)
	}
	l, err := layout.Compile(ksy, nil, layout.DefaultLimits)
	if err != nil || l.Fixed < 0 {
		t.Fatalf("%s %s: %v (fixed size %d)", header, name, err, l.Fixed)
	}
	return cLayout{l}
}

func (c cLayout) field(t *testing.T, path string) layout.Field {
	t.Helper()
	for _, f := range c.Fields {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("%s has no member %s", c.ID, path)
	return layout.Field{}
}

func (c cLayout) offset(t *testing.T, path string) int { return c.field(t, path).Offset }

// set writes integer members of the struct at base.
func (c cLayout) set(t *testing.T, buf []byte, base int, values map[string]uint64) {
	t.Helper()
	for p, v := range values {
		f := c.field(t, p)
		putInt(buf[base+f.Offset:base+f.Offset+f.Size], v)
	}
}

// table is a struct placed in the buffer at at, its members decoded under prefix.
type table struct {
	c      cLayout
	prefix string
	at     int
}

// fill makes a buffer of size with every member of every table a distinct value: numbers counting up,
// strings "s" and the count.
func fill(tables []table, size int) []byte {
	buf := make([]byte, size)
	n := 0
	for _, tb := range tables {
		for _, f := range tb.c.Fields {
			n++
			b := buf[tb.at+f.Offset : tb.at+f.Offset+f.Size]
			switch {
			case strings.HasPrefix(f.Type, "strz"):
				copy(b[:len(b)-1], fmt.Sprintf("s%d", n))
			case strings.HasPrefix(f.Type, "f4"):
				binary.LittleEndian.PutUint32(b, math.Float32bits(float32(n)))
			case strings.HasPrefix(f.Type, "f8"):
				binary.LittleEndian.PutUint64(b, math.Float64bits(float64(n)))
			default:
				putInt(b, uint64(n))
			}
		}
	}
	return buf
}

func putInt(b []byte, v uint64) {
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
}

// decodeAll decodes buf by l and checks that each member of each table (but those skip names) is what buf
// holds at its C offset.
func decodeAll(t *testing.T, l *layout.Layout, buf []byte, tables []table, skip func(path string) bool) {
	t.Helper()
	v, err := l.Decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, tb := range tables {
		for _, f := range tb.c.Fields {
			if skip(f.Path) {
				continue
			}
			b := buf[tb.at+f.Offset : tb.at+f.Offset+f.Size]
			var want any
			switch {
			case strings.HasPrefix(f.Type, "strz"):
				want, _, _ = strings.Cut(string(b), "\x00")
			case strings.HasPrefix(f.Type, "f4"):
				want = math.Float32frombits(binary.LittleEndian.Uint32(b))
			case strings.HasPrefix(f.Type, "f8"):
				want = math.Float64frombits(binary.LittleEndian.Uint64(b))
			case strings.HasPrefix(f.Type, "s"):
				x := int64(0)
				for i := len(b) - 1; i >= 0; i-- {
					x = x<<8 | int64(b[i])
				}
				want = x << (64 - 8*len(b)) >> (64 - 8*len(b))
			default:
				x := uint64(0)
				for i := len(b) - 1; i >= 0; i-- {
					x = x<<8 | uint64(b[i])
				}
				want = x
			}
			p := tb.prefix + f.Path
			got, err := v.EvalJSON(p)
			if err == nil && len(got) > 0 && got[0] == '"' && !strings.HasPrefix(f.Type, "strz") {
				got, err = v.EvalJSON(p + ".to_i") // a member of an enum
			}
			w, _ := json.Marshal(want)
			if err != nil || string(got) != string(w) {
				t.Errorf("%s (%s at %d): decoded %s (%v), the C struct holds %s", p, f.Type, tb.at+f.Offset, got, err, w)
			}
			checked++
		}
	}
	t.Logf("%d members decoded at their C offsets", checked)
}
