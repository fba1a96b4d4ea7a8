package catalogue_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// compiled is the built-in layout id, compiled.
func compiled(t *testing.T, id string) *layout.Layout {
	t.Helper()
	src, err := catalogue.Source(id)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Compile(src, nil, layout.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return l
}

// wantPlaced checks that each field of l is read from the offset given: a decode of bytes holding a value of
// the field's kind (i32, u32, f64, u8, u64, str) at that offset, each value its own, answers it at that path.
// (Layout.Fields lists at most 4096 fields: LMU_Data has far more.)
func wantPlaced(t *testing.T, l *layout.Layout, size int, want map[string]placed) {
	t.Helper()
	data := make([]byte, size)
	values := map[string]string{}
	i := 0
	for p, f := range want {
		i++
		b := data[f.at:]
		switch f.kind {
		case "i32", "u32":
			binary.LittleEndian.PutUint32(b, uint32(1000+i))
			values[p] = fmt.Sprint(1000 + i)
		case "u8":
			b[0] = byte(i)
			values[p] = fmt.Sprint(i)
		case "u64":
			binary.LittleEndian.PutUint64(b, 1<<40+uint64(i))
			values[p] = fmt.Sprint(1<<40 + i)
		case "f64":
			binary.LittleEndian.PutUint64(b, math.Float64bits(0.5+float64(i)))
			values[p] = fmt.Sprint(0.5 + float64(i))
		case "str":
			copy(b, fmt.Sprintf("s%d\x00", i))
			values[p] = fmt.Sprintf("%q", fmt.Sprintf("s%d", i))
		default:
			t.Fatalf("kind %q", f.kind)
		}
	}
	v, err := l.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	for p, f := range want {
		if got, err := v.EvalJSON(p); err != nil || string(got) != values[p] {
			t.Errorf("%s: %s = %s (%v), but %s was written at %d, where the game's compiler puts it", l.ID, p, got, err, values[p], f.at)
		}
	}
}

// placed is a field's offset and kind.
type placed struct {
	at   int
	kind string
}

// Le Mans Ultimate ranks first; it and rFactor 2's scoring are converted from their headers (src/).
func TestConvertedEntries(t *testing.T) {
	if p := catalogue.Producers[0]; p.Layout != "lmu" || p.Mapping != "LMU_Data" {
		t.Errorf("the first producer is %s (%s): Le Mans Ultimate ranks first", p.Layout, p.Mapping)
	}
	for _, id := range []string{"lmu", "rf2_scoring"} {
		if e, err := catalogue.ReadEntry(os.DirFS("src"), id); err != nil || !e.Converted() {
			t.Errorf("%s: %v, converted from C: %v", id, err, err == nil && e.Converted())
		}
	}
}

// LMU_Data as the game lays it out: the sizes and offsets its readers publish, measured against the game's
// own headers (the pack(4) records inside wrappers of natural alignment; the 4 bytes of tail padding).
func TestLMULayoutIsTheGames(t *testing.T) {
	l := compiled(t, "lmu")
	if l.Fixed != 324824 {
		t.Errorf("sizeof(SharedMemoryObjectOut) %d, the game's 324824 (its members end at 324820)", l.Fixed)
	}
	const scoring, vehicles, telemetry, cars = 1632, 2192, 128464, 128468
	wantPlaced(t, l, l.Fixed, map[string]placed{
		"generic.game_version":                                       {64, "i32"},
		"generic.app_info.m_app_window":                              {72, "u64"},
		"generic.app_info.m_width":                                   {80, "u32"},
		"paths.user_data":                                            {332, "str"},
		"paths.plugins_folder":                                       {332 + 4*260, "str"},
		"scoring.scoring_info.m_track_name":                          {scoring, "str"},
		"scoring.scoring_info.m_results_stream":                      {scoring + 96, "u64"},
		"scoring.scoring_info.m_num_vehicles":                        {scoring + 104, "i32"},
		"scoring.scoring_info.m_in_realtime":                         {scoring + 115, "u8"},
		"scoring.scoring_info.m_dark_cloud":                          {scoring + 212, "f64"},
		"scoring.scoring_info.m_server_name":                         {scoring + 296, "str"},
		"scoring.scoring_info.m_track_limits_steps_per_penalty":      {scoring + 351, "u8"},
		"scoring.scoring_info.m_vehicle":                             {scoring + 540, "u64"},
		"scoring.scoring_stream_size":                                {scoring + 552, "u64"},
		"scoring.veh_scoring_info[0].m_id":                           {vehicles, "i32"},
		"scoring.veh_scoring_info[0].m_lap_dist":                     {vehicles + 104, "f64"},
		"scoring.veh_scoring_info[0].m_pos.x":                        {vehicles + 264, "f64"},
		"scoring.veh_scoring_info[0].m_qualification":                {vehicles + 460, "i32"},
		"scoring.veh_scoring_info[0].m_flag":                         {vehicles + 504, "u8"},
		"scoring.veh_scoring_info[0].m_steam_id":                     {vehicles + 536, "u64"},
		"scoring.veh_scoring_info[1].m_id":                           {vehicles + 584, "i32"},
		"scoring.veh_scoring_info[103].m_id":                         {vehicles + 103*584, "i32"},
		"scoring.veh_scoring_info[103].m_expansion[3]":               {vehicles + 103*584 + 583, "u8"},
		"scoring.scoring_stream":                                     {scoring + 61296, "str"},
		"telemetry.active_vehicles":                                  {telemetry, "u8"},
		"telemetry.player_vehicle_idx":                               {telemetry + 1, "u8"},
		"telemetry.player_has_vehicle":                               {telemetry + 2, "u8"},
		"telemetry.telem_info[0].m_id":                               {cars, "i32"},
		"telemetry.telem_info[0].m_elapsed_time":                     {cars + 12, "f64"},
		"telemetry.telem_info[0].m_pos.x":                            {cars + 160, "f64"},
		"telemetry.telem_info[0].m_local_vel.x":                      {cars + 184, "f64"},
		"telemetry.telem_info[0].m_ori[0].x":                         {cars + 232, "f64"},
		"telemetry.telem_info[0].m_local_rot.x":                      {cars + 304, "f64"},
		"telemetry.telem_info[0].m_gear":                             {cars + 352, "i32"},
		"telemetry.telem_info[0].m_engine_rpm":                       {cars + 356, "f64"},
		"telemetry.telem_info[0].m_unfiltered_throttle":              {cars + 388, "f64"},
		"telemetry.telem_info[0].m_engine_max_rpm":                   {cars + 532, "f64"},
		"telemetry.telem_info[0].m_expansion[0]":                     {cars + 828, "u8"},
		"telemetry.telem_info[0].m_wheel[0].m_suspension_deflection": {cars + 848, "f64"},
		"telemetry.telem_info[1].m_id":                               {cars + 1888, "i32"},
		"telemetry.telem_info[103].m_wheel[3].m_expansion[17]":       {cars + 103*1888 + 848 + 3*260 + 259, "u8"},
	})
	if end := cars + 104*1888; end != 324820 || l.Fixed-end != 4 {
		t.Errorf("the members end at %d, the struct at %d: the game's end at 324820, its size 324824", end, l.Fixed)
	}
}

// generic.events is a queue: the events of the update in order, to the first SME_MAX (16), included, or to
// the 16th slot when the queue is full; the fields after its 64 bytes stay where they are.
func TestLMUEventQueue(t *testing.T) {
	l := compiled(t, "lmu")
	for name, c := range map[string]struct {
		slots []uint32
		want  string
	}{
		"telemetry":  {[]uint32{11, 16, 16}, `["sme_update_telemetry","sme_max"]`},
		"scoring":    {[]uint32{10, 11, 16}, `["sme_update_scoring","sme_update_telemetry","sme_max"]`},
		"session":    {[]uint32{6, 16}, `["sme_start_session","sme_max"]`},
		"empty":      {[]uint32{16}, `["sme_max"]`},
		"past max":   {[]uint32{0, 99, 3}, `["sme_enter",99]`},
		"full queue": {[]uint32{15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 11}, `["sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_ffb","sme_update_telemetry"]`},
	} {
		t.Run(name, func(t *testing.T) {
			data := make([]byte, l.Fixed)
			for i := range 16 {
				v := uint32(16)
				if i < len(c.slots) {
					v = c.slots[i]
				}
				binary.LittleEndian.PutUint32(data[4*i:], v)
			}
			binary.LittleEndian.PutUint32(data[64:], 14200) // gameVersion
			v, err := l.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.EvalJSON("generic.events")
			if err != nil || string(got) != c.want {
				t.Errorf("events %s, %v; want %s", got, err, c.want)
			}
			if ver, err := v.EvalJSON("generic.game_version"); err != nil || string(ver) != "14200" {
				t.Errorf("game_version %s, %v", ver, err)
			}
		})
	}
}
