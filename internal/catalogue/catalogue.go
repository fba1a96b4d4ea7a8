// Package catalogue holds shmbridge's built-in layouts: Kaitai Struct .ksy files for the producers users
// bridge most, written from each producer's published struct definitions (testdata/peers/producers.h spells
// the same structs in C, and the tests decode what a C producer filled). They are embedded in the binary,
// listed by GET /v1/layouts and read-only.
package catalogue

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed *.ksy
var files embed.FS

// Producer is one entry of the catalogue: a layout and the mapping it decodes.
type Producer struct {
	Layout   string // the layout's id (its .ksy file's name and meta/id)
	Title    string
	Mapping  string // the named mapping the producer creates
	Protocol string // how a read of it is kept consistent
	Notes    string // how to open it, what else to know
}

// Producers are the catalogue's entries, in the order the README lists them.
var Producers = []Producer{
	// until the generator reads internal/catalogue/src/*.yaml: the same entries, by hand
	{"acc_physics", "Assetto Corsa Competizione / AC Rally physics", `Local\acpmf_physics`, "frame: packetId",
		"open it read-only while the game runs; the player's car, every physics step (about 333 Hz). AC Rally writes the same page (its temperatures in Kelvin). Assetto Corsa (the original) uses the same name with its own, shorter page: see ac_physics"},
	{"acc_graphics", "Assetto Corsa Competizione / AC Rally graphics", `Local\acpmf_graphics`, "frame: packetId",
		"status, session, lap times (UTF-16 strings and milliseconds), flags, weather, car positions; every rendered frame"},
	{"acc_static", "Assetto Corsa Competizione / AC Rally static", `Local\acpmf_static`, "none (written once per session)",
		"versions (sm_version is the format), car, track, player, limits; AC Rally fills it late, once on a stage"},
	{"ac_physics", "Assetto Corsa physics", `Local\acpmf_physics`, "frame: packetId", "the original Assetto Corsa's page (580 bytes, up to local_velocity): the player's car every physics step. ACC and AC Rally write a longer page under the same name: see acc_physics"},
	{"ac_graphics", "Assetto Corsa graphics", `Local\acpmf_graphics`, "frame: packetId", "status, session, lap times (UTF-16 strings and milliseconds), the player's position, flag, wind; every rendered frame"},
	{"ac_static", "Assetto Corsa static", `Local\acpmf_static`, "none (written once per session)", "versions (sm_version is the format), car and its limits, track and layout, player, aids, race options"},
	{"acevo_physics", "Assetto Corsa EVO physics", `Local\acevo_pmf_physics`, "frame: packetId",
		"the player's car, every physics step (about 333 Hz); ACC's physics page under a new name (brake_torque and road_vibrations where ACC has brake_pressure and g_vibrations). Early access: the static page's sm_version names the format"},
	{"acevo_graphics", "Assetto Corsa EVO graphics", `Local\acevo_pmf_graphics`, "frame: packetId",
		"the HUD's view every rendered frame: engine, tyres (tyre_lf … tyre_rr), damage, electronics, lap timing, session, car positions with their 128-bit ids (car_ids, two halves each); strings are ASCII"},
	{"acevo_static", "Assetto Corsa EVO static", `Local\acevo_pmf_static`, "none (written once per session)",
		"sm_version (the format) and ac_evo_version (the build), session, track and its place, starting conditions"},
	{"ams2", "Automobilista 2 / Project CARS 2", `$pcars2$`, "seqlock: mSequenceNumber",
		`in AMS2 set Options > System > Shared Memory to "Project CARS 2"; one page per graphics frame: the player's car in full, up to 64 participants (position, laps, sector and lap times, car names)`},
	{"r3e", "RaceRoom Racing Experience", `$R3E`, "frame: player.game_simulation_ticks",
		"one packed page the game rewrites in place (no lock): the session, the player's car in double precision, and num_cars drivers of the 128 in all_drivers_data_1, in place order; strings UTF-8"},
	{"rf2_telemetry", "rFactor 2 telemetry", `$rFactor2SMMP_Telemetry$`, "seqlock: mVersionUpdateBegin/End",
		"needs the rF2SharedMemoryMapPlugin; num_vehicles vehicles of 1888 bytes"},
	{"hwinfo", "HWiNFO sensors", `Global\HWiNFO_SENS_SM2`, `mutex: Global\HWiNFO_SM2_MUTEX`,
		"enable Shared Memory Support in HWiNFO; the daemon must run in the same session with rights to Global\\"},
	{"iracing", "iRacing telemetry", `Local\IRSDKMemMapFileName`, "ring: varBuf[].tickCount",
		`watch with event=Local\IRSDKDataValidEvent (open it first) to sample once per frame`},
}

// Source is the .ksy of the built-in layout id.
func Source(id string) ([]byte, error) {
	b, err := files.ReadFile(id + ".ksy")
	if err != nil {
		return nil, fmt.Errorf("no built-in layout %q", id)
	}
	return b, nil
}

// Lookup is the catalogue's entry for the layout id.
func Lookup(id string) (Producer, bool) {
	for _, p := range Producers {
		if p.Layout == id {
			return p, true
		}
	}
	return Producer{}, false
}

// Files are the catalogue's .ksy files.
func Files() fs.FS { return files }

// Sources are the built-in layouts' sources by id.
func Sources() map[string][]byte {
	out := make(map[string][]byte, len(Producers))
	for _, p := range Producers {
		src, err := Source(p.Layout)
		if err != nil {
			panic(err) // TestCatalogueCompiles
		}
		out[p.Layout] = src
	}
	return out
}
