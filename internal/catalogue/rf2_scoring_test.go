package catalogue_test

import (
	"encoding/binary"
	"testing"
)

// rFactor 2's scoring buffer as the plugin lays it out: the version block, the hint, the session (548 bytes,
// as ScoringInfoV01), then 128 cars of 584 bytes (VehicleScoringInfoV01) of which m_num_vehicles are read.
func TestRF2ScoringLayout(t *testing.T) {
	l := compiled(t, "rf2_scoring")
	if l.Consistency == nil || l.Consistency.Begin != "m_version_update_begin" || l.Consistency.End != "m_version_update_end" {
		t.Errorf("consistency %+v", l.Consistency)
	}
	const info = 12
	wantPlaced(t, l, 12+548+128*584, map[string]placed{
		"m_version_update_begin":            {0, "u32"},
		"m_version_update_end":              {4, "u32"},
		"m_bytes_updated_hint":              {8, "i32"},
		"m_scoring_info.m_track_name":       {info, "str"},
		"m_scoring_info.m_lap_dist":         {info + 88, "f64"},
		"m_scoring_info.pointer1[7]":        {info + 103, "u8"},
		"m_scoring_info.m_dark_cloud":       {info + 212, "f64"},
		"m_scoring_info.m_server_name":      {info + 296, "str"},
		"m_scoring_info.m_avg_path_wetness": {info + 332, "f64"},
		"m_scoring_info.m_expansion[0]":     {info + 340, "u8"},
		"m_scoring_info.pointer2[0]":        {info + 540, "u8"},
	})
	const num = info + 104 // m_num_vehicles
	data := make([]byte, 12+548+128*584)
	binary.LittleEndian.PutUint32(data[num:], 3)
	for car := range 3 {
		binary.LittleEndian.PutUint32(data[info+548+car*584:], uint32(10+car))
	}
	v, err := l.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.EvalJSON("m_vehicles.size"); err != nil || string(got) != "3" {
		t.Errorf("%s cars read for m_num_vehicles 3 (%v)", got, err)
	}
	if got, err := v.EvalJSON("m_vehicles[2].m_id"); err != nil || string(got) != "12" {
		t.Errorf("the third car's m_id %s (%v): it is at %d", got, err, info+548+2*584)
	}
}
