package mirror_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/mirror"
)

// TestProducerPages: a producer mirror is the catalogue's mappings of that family, each by its layout where a
// writer can follow its protocol and on its event where it has one; what its pages set themselves is refused.
func TestProducerPages(t *testing.T) {
	sp, err := mirror.Check(mirror.Spec{Source: "http://127.0.0.1:1", Producer: "acc"}, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range sp.Pages() {
		got = append(got, fmt.Sprintf("%s>%s:%s:%s:%s", p.Mapping, p.As, p.Layout, p.Event, p.Interval))
	}
	want := `Local\acpmf_physics>acpmf_physics:acc_physics::10ms Local\acpmf_graphics>acpmf_graphics:acc_graphics::10ms Local\acpmf_static>acpmf_static:::10ms`
	if runtime.GOOS == "windows" { // this OS's spelling of the names: Windows keeps Local\
		want = strings.ReplaceAll(want, ">acpmf", `>Local\acpmf`)
	}
	if strings.Join(got, " ") != want {
		t.Errorf("acc's pages:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	sp, _ = mirror.Check(mirror.Spec{Source: "http://127.0.0.1:1", Producer: "iracing"}, time.Millisecond)
	if p := sp.Pages(); len(p) != 1 || p[0].Event != `Local\IRSDKDataValidEvent` || p[0].Layout != "iracing" || p[0].Interval != "" {
		t.Errorf("iracing's page: %+v", p)
	}
	sp, _ = mirror.Check(mirror.Spec{Source: "http://127.0.0.1:1", Producer: "hwinfo"}, time.Millisecond)
	if p := sp.Pages(); len(p) != 1 || p[0].Layout != "" {
		t.Errorf("hwinfo's page (its readers share the producer's mutex: copied as it comes): %+v", p)
	}
	for _, bad := range []mirror.Spec{
		{Source: "http://127.0.0.1:1", Producer: "nosuchgame"},
		{Source: "http://127.0.0.1:1", Producer: "acc", Mapping: "x"},
		{Source: "http://127.0.0.1:1", Producer: "acc", Layout: "acc_physics"},
		{Source: "http://127.0.0.1:1", Producer: "acc", Events: []string{"e"}},
	} {
		if _, err := mirror.Check(bad, time.Millisecond); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}
