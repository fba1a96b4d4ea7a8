package cdecl

import "testing"

func TestSpell(t *testing.T) {
	for in, want := range map[string]string{
		"mSpeedKmh": "m_speed_kmh", "RPMValue": "rpm_value", "_reserved": "reserved", "__x__y": "x_y",
		"P2PActivations": "p2p_activations", "camberRAD": "camber_rad", "dwSensorID": "dw_sensor_id",
		"GlobalYellow1": "global_yellow1", "TCCut": "tc_cut", "_1st": "n_1st", "not": "not_", "___": "x",
		"isAIControlled": "is_ai_controlled", "x$y": "x_y", "ABS": "abs", "tyreTempI": "tyre_temp_i",
	} {
		if got := spell(in, "x"); got != want {
			t.Errorf("spell(%q) = %q, want %q", in, got, want)
		}
	}
	n := names{}
	if a, b, c := n.unique("a"), n.unique("a"), n.unique("a_2"); a != "a" || b != "a_2" || c != "a_2_2" {
		t.Errorf("unique: %q %q %q", a, b, c)
	}
}
