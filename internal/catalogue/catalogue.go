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
	{"acc_physics", "Assetto Corsa / ACC physics", `Local\acpmf_physics`, "frame: packetId",
		"open it read-only while the game runs; updated every physics step"},
	{"acc_graphics", "Assetto Corsa / ACC graphics", `Local\acpmf_graphics`, "frame: packetId",
		"status, session, lap times (UTF-16 strings), car positions"},
	{"acc_static", "Assetto Corsa / ACC static", `Local\acpmf_static`, "none (written once per session)",
		"versions, car, track, player, limits"},
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
