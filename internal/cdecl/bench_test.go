package cdecl

import (
	"fmt"
	"os"
	"regexp"
	"testing"
)

// realisticHeader is about 100 KB of vendor declarations: producers.h's structs (ACC, rFactor 2, HWiNFO,
// iRacing), comments included, repeated under other names.
func realisticHeader(tb testing.TB) []byte {
	src, err := os.ReadFile("../../testdata/peers/producers.h")
	if err != nil {
		tb.Fatal(err)
	}
	names := regexp.MustCompile(`\b(acc_physics|acc_graphics|acc_static|rf2_vec3|rf2_wheel|rf2_vehicle_telemetry|rf2_telemetry|hwinfo_reading|hwinfo_sensor|hwinfo_header|irsdk_var_header|irsdk_var_buf|irsdk_header|SHMBRIDGE_PRODUCERS_H|RF2_MAX_MAPPED_VEHICLES|HWINFO_STRING_LEN|HWINFO_UNIT_LEN|IRSDK_MAX_BUFS|IRSDK_MAX_STRING|IRSDK_MAX_DESC|wchar16)\b`)
	var out []byte
	for i := 0; len(out) < 100<<10; i++ {
		out = append(out, names.ReplaceAll(src, []byte(fmt.Sprintf("${1}_%d", i)))...)
	}
	return out
}

// BenchmarkConvert100K: a realistic 100 KB header, its largest struct (rFactor 2's telemetry: 128 vehicles
// of 4 wheels) converted for windows-amd64.
func BenchmarkConvert100K(b *testing.B) {
	src := realisticHeader(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Convert(src, Options{ID: "x", Struct: "rf2_telemetry_0", ABI: "windows-amd64"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(src))/1024, "KiB")
}
