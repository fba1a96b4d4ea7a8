package publish

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"strings"
	"testing"
)

// TestMetricsVersionMismatch: a scrape of memory of another version than the layout describes emits no gauge
// of the publisher, its up 0, and says why in the log once while it lasts (not at every scrape); the version
// described again, its gauges are back.
func TestMetricsVersionMismatch(t *testing.T) {
	var log bytes.Buffer
	rt, m := car(t, Options{Log: slog.New(slog.NewTextHandler(&log, nil))})
	ver := "meta: {id: ver, endian: le, -shmbridge: {version: [{field: rpm, is: 7000}]}}\nseq: [{id: speed, type: f4}, {id: rpm, type: u4}]\n"
	if _, _, err := rt.o.Layouts.Put("ver", []byte(ver)); err != nil {
		t.Fatal(err)
	}
	p, err := rt.Add(context.Background(), Spec{Kind: Metrics, Mapping: m.Name(), Layout: "ver", Name: "ver", Fields: []string{"speed"}})
	if err != nil {
		t.Fatal(err)
	}
	said := func() int {
		return strings.Count(log.String(), `describes rpm = 7000; the memory holds rpm 6999`)
	}
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, 6999), 4)
	for range 3 {
		got := gather(t, rt)
		if up := got["shmbridge_publisher_up"]["publisher="+p.ID]; up != 0 || len(got["ver"]) != 0 {
			t.Fatalf("another version: up %v, gauges %v", up, got["ver"])
		}
	}
	if n := said(); n != 1 {
		t.Fatalf("said %d times in three scrapes:\n%s", n, log.String())
	}
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, 7000), 4)
	if got := gather(t, rt); got["shmbridge_publisher_up"]["publisher="+p.ID] != 1 || got["ver"]["field=speed,publisher="+p.ID] != 50 {
		t.Fatalf("the version described: %v", got)
	}
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, 6999), 4)
	gather(t, rt)
	if n := said(); n != 2 {
		t.Errorf("a second time it fails, said %d times in all", n)
	}
}
