package api_test

// The catalogue's truck, flight-sim and hardware-monitor layouts (Euro Truck Simulator 2's scs-sdk-plugin,
// Falcon BMS, MSI Afterburner, RTSS) proven against native producers (testdata/peers/producers_tools.c) that
// fill the exact structs the layouts are made from (internal/catalogue/src/*.h): the layout places each field
// where the C compiler does, and what the producer says it wrote is what the API decodes.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// wantPlaced checks a built-in layout against the C compiler: its fixed size (when size >= 0) and the offset
// of each field path.
func (b *bridge) wantPlaced(t *testing.T, id string, size float64, offsets map[string]any) {
	t.Helper()
	offs, fixed := b.layoutOffsets(t, id)
	if size >= 0 && (fixed == nil || float64(*fixed) != size) {
		t.Errorf("%s: fixed size %v, the C struct %v", id, fixed, size)
	}
	for p, want := range offsets {
		if i, ok := want.(int); ok {
			want = float64(i)
		}
		if o, ok := offs[p]; !ok || float64(o) != num(want) {
			t.Errorf("%s: %s at %d (placed: %v), the C compiler puts it at %v", id, p, o, ok, want)
		}
	}
}

// snapshot is a decoded stream's first fields message (after the warnings one, if any).
func (b *bridge) snapshot(t *testing.T, st *stream) map[string]any {
	t.Helper()
	for range 2 {
		if e := st.next(); e.typ == "fields" {
			return fieldsOf(t, e)
		}
	}
	t.Fatal("no fields message")
	return nil
}

// wantFields compares decoded values, by path, with what the producer wrote.
func wantFields(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for p, w := range want {
		var keys []any
		for _, k := range strings.Split(p, ".") {
			name, index, ok := strings.Cut(strings.TrimSuffix(k, "]"), "[")
			keys = append(keys, name)
			if ok {
				var i int
				fmt.Sscan(index, &i)
				keys = append(keys, i)
			}
		}
		wantEqual(t, what+" "+p, at(got, keys...), w)
	}
}

func TestCatalogueSCS(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "scs")
	const n = `Local\SCSTelemetry`
	b.openNative(t, n, "scs_telemetry")
	o := w["offsets"].(map[string]any)
	b.wantPlaced(t, "scs_telemetry", num(w["size"]), map[string]any{"time": o["time"],
		"scs_values.telemetry_plugin_revision": o["scs_values"], "truck_f.speed": o["truck_f"],
		"truck_dp.coordinate_x": o["truck_dp"], "substances.substance[0]": o["substances"],
		"trailer.trailer[0].con_b.wheel_steerable[0]": o["trailer"],
		"trailer.trailer[1].con_b.wheel_steerable[0]": num(o["trailer"]) + num(w["trailer_size"])})
	f := b.fields(t, n)
	wantFields(t, "scs", f, map[string]any{"sdk_active": w["sdk_active"],
		"scs_values.telemetry_plugin_revision": w["revision"], "scs_values.game": w["game"],
		"scs_values.version_minor": w["version_minor"], "config_ui.gears": w["gears"],
		"config_f.fuel_capacity": w["fuel_capacity"], "config_s.truck_brand": w["truck_brand"],
		"config_s.truck_name": w["truck_name"], "config_s.cargo": w["cargo"], "config_s.city_dst": w["city_dst"],
		"substances.substance[0]": w["substance_0"], "truck_b.park_brake": w["park_brake"],
		"gameplay_ll.job_delivered_revenue":     w["job_delivered_revenue"],
		"trailer.trailer[0].com_b.attached":     w["trailer_0_attached"],
		"trailer.trailer[0].con_ui.wheel_count": w["trailer_0_wheel_count"],
		"trailer.trailer[0].con_s.brand":        w["trailer_0_brand"], "trailer.trailer[9].com_dp.world_x": w["trailer_9_world_x"]})
	if !scsFrame(f) {
		t.Errorf("frame at time %v: speed %v, coordinate_x %v", f["time"], at(f, "truck_f", "speed"), at(f, "truck_dp", "coordinate_x"))
	}
	// Live: time names the frame (the plugin writes it first, the channels after).
	st := b.watch(t, path(n, "/watch?layout=&fields=time,truck_f.speed,truck_dp.coordinate_x&interval=5ms"))
	state := b.snapshot(t, st)
	for range 5 {
		e := st.next()
		merge(state, fieldsOf(t, e))
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 || float64(*e.data.Version) != num(state["time"]) || !scsFrame(state) {
			t.Fatalf("a live frame: %s (state %v)", e.raw, state)
		}
	}
}

// scsFrame checks a frame's channels against its time: the plugin writes time when frame n starts (n × 16667
// µs) and the channels of frame n after it, while a copy reads time first: the channels are those of frame
// n − 1 or later, each of some frame (speed n × 0.25, coordinate_x n × 0.5).
func scsFrame(f map[string]any) bool {
	n := num(f["time"]) / 16667
	speed, x := num(at(f, "truck_f", "speed"))/0.25, num(at(f, "truck_dp", "coordinate_x"))/0.5
	return n >= 1 && n == math.Trunc(n) && speed >= n-1 && speed == math.Trunc(speed) && x >= n-1 && x == math.Trunc(x)
}

func TestCatalogueFalconBMS(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "bms")
	const n1, n2 = "FalconSharedMemoryArea", "FalconSharedMemoryArea2"
	b.openNative(t, n1, "falcon_bms")
	b.openNative(t, n2, "falcon_bms2")
	sizes, o := w["sizes"].([]any), w["offsets"].(map[string]any)
	b.wantPlaced(t, "falcon_bms", num(sizes[0]), map[string]any{"light_bits": 108, "light_bits2": 124,
		"version_num": o["version_num"], "new_detection[0]": o["new_detection"], "main_power": o["main_power"]})
	b.wantPlaced(t, "falcon_bms2", num(sizes[1]), map[string]any{"version_num": o["version_num2"],
		"pilots_callsign[0]": o["pilots_callsign"], "rw_rjamming_status[0]": o["rwr_jamming_status"],
		"side_slipdeg": o["side_slipdeg"]})
	f := b.fields(t, n1)
	wantFields(t, "FlightData", f, map[string]any{"version_num": w["version_num"], "rpm": w["rpm"],
		"light_bits": w["light_bits"], "light_bits3": w["light_bits3"], "ded_lines": w["ded_lines"],
		"rwr_object_count": w["rwr_object_count"], "rw_rsymbol[1]": w["rwr_symbol_1"], "bearing[39]": w["bearing_39"],
		"new_detection[39]": w["new_detection_39"], "total": w["total"], "main_power": w["main_power"]})
	if x, kias := num(f["x"]), num(f["kias"]); x < 1 || x != math.Trunc(x) || kias < 300 || kias >= 400 || kias != math.Trunc(kias) {
		t.Errorf("FlightData frame: x %v, kias %v", x, kias)
	}
	f2 := b.fields(t, n2)
	wantFields(t, "FlightData2", f2, map[string]any{"version_num": w["version_num2"], "nav_mode": w["nav_mode"],
		"tacan_info": w["tacan_info"], "cmds_mode": w["cmds_mode"], "vehicle_acd": w["vehicle_acd"],
		"rwr_info[0]": w["rwr_info_0"], "pilots_online": w["pilots_online"], "pilots_callsign[0]": w["pilots_callsign_0"],
		"pilots_callsign[31]": w["pilots_callsign_31"], "pilots_status[0]": w["pilots_status_0"],
		"rtt_area[27]": w["rtt_area_6_3"], "ecm_bits[4]": w["ecm_bits_4"], "rw_rjamming_status[39]": w["rwr_jamming_status_39"],
		"iff_transponder_active_code1": w["iff_transponder_active_code1"],
		"iff_transponder_active_code4": w["iff_transponder_active_code4"],
		"tacan_ils_frequency":          w["tacan_ils_frequency"], "desired_rtt_fps": w["desired_rtt_fps"], "side_slipdeg": w["side_slipdeg"]})
	bv := w["bms_version"].([]any)
	wantFields(t, "FlightData2", f2, map[string]any{"bms_version_major": bv[0], "bms_version_minor": bv[1],
		"bms_version_micro": bv[2], "bms_build_number": bv[3]})
	if ct := num(f2["current_time"]); ct < 43200 || ct != math.Trunc(ct) {
		t.Errorf("FlightData2 frame: current_time %v", ct)
	}
}

func TestCatalogueAfterburner(t *testing.T) {
	const n = "MAHMSharedMemory"
	for _, extra := range []string{"0", "64"} { // 64: a later Afterburner whose entries have grown
		t.Run("extra="+extra, func(t *testing.T) {
			b := newBridge(t, nil)
			w := startProducer(t, "afterburner", extra)
			b.openNative(t, n, "afterburner")
			o := w["offsets"].(map[string]any)
			b.wantPlaced(t, "afterburner", -1, map[string]any{"time": o["time"]})
			resp, data := b.getRetrying(t, path(n, "/fields"))
			expect(t, resp, data, 200)
			if c := resp.Header.Get("Shmbridge-Consistency"); c != "frame" {
				t.Errorf("read by %q", c)
			}
			var f map[string]any
			json.Unmarshal(data, &f)
			if f["active"] != true || num(f["dw_signature"]) != num(w["signature"]) || num(f["dw_header_size"]) != num(w["header_size"]) ||
				num(f["dw_entry_size"]) != num(w["entry_size"])+num(w["extra"]) || num(f["dw_num_entries"]) != 3 || num(f["dw_num_gpu_entries"]) != 1 {
				t.Fatalf("header: %v", f)
			}
			for i, e := range w["entries"].([]any) {
				got := at(f, "entries", i)
				wantEqual(t, "entry name", at(got, "sz_src_name"), at(e, 0))
				wantEqual(t, "entry units (windows-1252)", at(got, "sz_src_units"), at(e, 1))
				wantEqual(t, "entry source", at(got, "dw_src_id"), at(e, 2))
				wantEqual(t, "entry GPU", at(got, "dw_gpu"), at(e, 3))
				wantEqual(t, "entry format", at(got, "sz_recommended_format"), "%.0f")
			}
			g, wg := at(f, "gpu_entries", 0), w["gpu"].([]any)
			for i, k := range []string{"sz_gpu_id", "sz_family", "sz_device", "sz_driver", "sz_bios", "dw_mem_amount"} {
				wantEqual(t, "GPU "+k, at(g, k), wg[i])
			}
			// Each poll: the data, then time. A copy reads time first, the data after.
			if poll, clock := num(f["time"])-1700000000, num(at(f, "entries", 1, "data"))-1800; clock < poll || clock != math.Trunc(clock) {
				t.Errorf("poll %v: core clock %v", poll, at(f, "entries", 1, "data"))
			}
		})
	}
	t.Run("freed", func(t *testing.T) {
		b := newBridge(t, nil)
		startProducer(t, "afterburner-dead")
		b.openNative(t, n, "afterburner")
		f := b.fields(t, n)
		if num(f["dw_signature"]) != 0xDEAD || f["active"] != false || f["entries"] != nil || f["gpu_entries"] != nil {
			t.Errorf("a freed MAHM memory: %v", f)
		}
	})
}

func TestCatalogueRTSS(t *testing.T) {
	const n = "RTSSSharedMemoryV2"
	for _, extra := range []string{"0", "256"} { // 256: a later RTSS whose slots and entries have grown
		t.Run("extra="+extra, func(t *testing.T) {
			b := newBridge(t, nil)
			w := startProducer(t, "rtss", extra)
			b.openNative(t, n, "rtss")
			sizes, o := w["sizes"].(map[string]any), w["offsets"].(map[string]any)
			b.wantPlaced(t, "rtss", -1, map[string]any{"dw_signature": 0, "dw_version": 4, "dw_osd_frame": 32})
			f := b.fields(t, n, "fields=dw_signature,dw_version,dw_osd_entry_size,dw_app_entry_size,dw_osd_arr_offset,"+
				"dw_app_arr_offset,dw_busy,dw_last_foreground_app,dw_process_perf_counters_entry_size,"+
				"dw_process_perf_counters_arr_offset,qw_latency_marker_set_timestamp,active,arr_osd[1],arr_app[2],arr_app[3]")
			wantFields(t, "header", f, map[string]any{"dw_signature": w["signature"], "dw_version": w["version"],
				"dw_osd_entry_size": num(sizes["osd"]) + num(w["extra"]), "dw_app_entry_size": num(sizes["app"]) + num(w["extra"]),
				"dw_osd_arr_offset": w["osd_arr_offset"], "dw_app_arr_offset": w["app_arr_offset"], "active": true,
				"dw_last_foreground_app": w["last_foreground_app"], "dw_process_perf_counters_entry_size": sizes["perf_counter"],
				"dw_process_perf_counters_arr_offset": o["perf_counters"],
				"qw_latency_marker_set_timestamp":     w["latency_marker_set_timestamp"]})
			if busy := num(f["dw_busy"]); busy != 0 && busy != 1 { // 1: the OSD client is writing
				t.Errorf("dw_busy %v", busy)
			}
			osd := at(f, "arr_osd", 1)
			wantEqual(t, "OSD owner", at(osd, "sz_osd_owner"), w["osd_owner"])
			// The client's three texts, each of a poll: the same one, or (no lock guards a read: dw_busy is the
			// writers') the copy met the client's once-a-second write between two of them.
			var polls []int
			for _, k := range []string{"osd", "osd_ex", "osd_ex2"} {
				text, _ := at(osd, "sz_"+k).(string)
				before, _, _ := strings.Cut(w[k].(string), "poll N")
				var poll int
				if _, err := fmt.Sscanf(strings.TrimPrefix(text, before), "poll %d", &poll); err != nil || !strings.HasPrefix(text, before) {
					t.Errorf("OSD %s: %q, the producer wrote %q", k, text, w[k])
				}
				polls = append(polls, poll)
			}
			if slices.Max(polls)-slices.Min(polls) > 1 {
				t.Errorf("OSD texts of polls %v", polls)
			}
			app := at(f, "arr_app", 2)
			wantFields(t, "app", app.(map[string]any), map[string]any{"dw_process_id": w["process_id"], "sz_name": w["name"],
				"dw_flags": w["flags"], "dw_resolution_x": at(w, "resolution", 0), "dw_resolution_y": at(w, "resolution", 1),
				"dw_stat_frame_time_buf_pos": w["stat_frame_time_buf_pos"], "qw_stat_total_time": w["stat_total_time"],
				"dw_process_perf_counters_count": 2})
			for i, c := range w["perf_counters"].([]any) {
				pc := at(app, "arr_perf_counters", i)
				wantEqual(t, "perf counter", []any{at(pc, "dw_id"), at(pc, "dw_param"), at(pc, "dw_data")}, c)
			}
			if ft := num(at(app, "dw_frame_time")); ft < 16000 || ft >= 17000 {
				t.Errorf("frame time %v", ft)
			}
			if t1 := num(at(app, "dw_time1")); t1 != 0 && (num(at(app, "dw_frames")) != 60 || t1-num(at(app, "dw_time0")) != 960) {
				t.Errorf("framerate: %v frames from %v to %v ms", at(app, "dw_frames"), at(app, "dw_time0"), t1)
			}
			if free := at(f, "arr_app", 3); num(at(free, "dw_process_id")) != 0 || at(free, "sz_name") != "" {
				t.Errorf("a free entry: %v", free)
			}
		})
	}
	t.Run("freed", func(t *testing.T) {
		b := newBridge(t, nil)
		startProducer(t, "rtss-dead")
		b.openNative(t, n, "rtss")
		f := b.fields(t, n, "fields=dw_signature,active,arr_osd,arr_app")
		if num(f["dw_signature"]) != 0xDEAD || f["active"] != false || f["arr_osd"] != nil || f["arr_app"] != nil {
			t.Errorf("a freed RTSS memory: %v", f)
		}
	})
}
