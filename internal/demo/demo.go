// Package demo plays live data into the named mappings of the catalogue's producers, as each of those programs
// writes them, so that the daemon, the dashboard and scripts can be tried without a game or a hardware
// monitor: a car lapping a track (ACC, rFactor 2, iRacing), HWiNFO's sensors drifting.
//
// A producer is a table entry (Producers): the pages it writes, each a catalogue layout (whose producer names
// the mapping, and whose consistency protocol says how a frame is written) and a function from the time to the
// page's field values. The values are written through the layout itself (layout.Encode, as a PATCH of fields
// is): the demo knows field paths, never offsets, except where the producer places data by its own header
// (Frame.Records and Frame.Raw). The demo creates every object itself and removes, when it stops, only what it
// created: a producer whose mapping exists already (the game runs) is refused, never written into.
//
// A producer added to the catalogue joins the demo as an entry of Producers: a func making its pages, each a
// layout id, a period and a func from a Clock to the page's Values (the car's state at that time is
// field[0].at(c.Seconds()); fieldAt gives the whole field). TestPagesEncode encodes and decodes every page of
// the table, and api's TestDemoProducers reads every producer through the API.
//
// Runtime is the daemon's demo: one at a time, started by -demo or POST /v1/demo and stopped by DELETE
// /v1/demo or the daemon's shutdown, whichever comes; what it made is removed, and the daemon lets go of it.
package demo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Producer is one program the demo stands in for.
type Producer struct {
	Name  string // as the command line names it: acc, rf2, hwinfo, iracing
	Title string
	// Pages makes the pages the producer writes (a page's Frame may keep state from one frame to the next:
	// each run of the producer makes its own).
	Pages func() []Page
}

// Page is one mapping a producer writes, by a catalogue layout.
type Page struct {
	// Layout is the catalogue layout: the mapping is its producer's (catalogue.Lookup), the way a frame is
	// written its consistency protocol (a seqlock's counters around it, its mutex held, its frame field or a
	// ring's tick written last).
	Layout string
	// Size is the mapping's size: 0 for the layout's fixed size.
	Size int
	// Event, if set, is a named event the producer creates and pulses after each frame (iRacing's).
	Event string
	// Start is the first frame (what is written once: names, sizes, offsets); nil, none.
	Start func(c Clock) Frame
	// Frame is each later frame, every Period; nil, the page is written once, by Start.
	Frame  func(c Clock) Frame
	Period time.Duration
}

// Clock is when a frame is written: the time since the demo began, the frame's number (1 for Start's, then
// one more each frame) and the wall clock the demo began at.
type Clock struct {
	T     time.Duration
	N     int64
	Began time.Time
}

// Seconds is T in seconds.
func (c Clock) Seconds() float64 { return c.T.Seconds() }

// Frame is what one frame writes: the layout's statically placed fields by path ("gear", "wheels[2].temp",
// nested objects too), records of the layout's types at the offsets the producer places them, and bytes the
// producer places itself where the layout can only find them through the data (iRacing's variables' values).
type Frame struct {
	Fields  Values
	Records []Record
	Raw     []Raw
}

// Values are field values by path: numbers, strings, booleans, enum members by name.
type Values map[string]any

// Record is a record of one of the layout's types (layout.Record), at an offset of the mapping.
type Record struct {
	Type   string
	Offset int
	Fields Values
}

// Raw is bytes at an offset of the mapping.
type Raw struct {
	Offset int
	Bytes  []byte
}

// Producers are the demo's producers, in the catalogue's order.
var Producers = []Producer{
	{Name: "acc", Title: "Assetto Corsa Competizione", Pages: accPages},
	{Name: "rf2", Title: "rFactor 2", Pages: rf2Pages},
	{Name: "hwinfo", Title: "HWiNFO", Pages: hwinfoPages},
	{Name: "iracing", Title: "iRacing", Pages: iracingPages},
}

// Names are the producers' names.
func Names() []string {
	names := make([]string, len(Producers))
	for i, p := range Producers {
		names[i] = p.Name
	}
	return names
}

// ErrUnknown: a name that is none of the producers'.
var ErrUnknown = errors.New("no demo producer")

// Select is the producers named (each once, in the table's order); none named: all of them. An unknown name
// is an error naming the known ones.
func Select(names []string) ([]Producer, error) {
	if len(names) == 0 {
		return Producers, nil
	}
	var out []Producer
	for _, n := range names {
		i := slices.IndexFunc(Producers, func(p Producer) bool { return p.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("%w %q: the demo plays %s", ErrUnknown, n, strings.Join(Names(), ", "))
		}
		if !slices.ContainsFunc(out, func(p Producer) bool { return p.Name == n }) {
			out = append(out, Producers[i])
		}
	}
	slices.SortFunc(out, func(a, b Producer) int {
		return slices.IndexFunc(Producers, func(p Producer) bool { return p.Name == a.Name }) -
			slices.IndexFunc(Producers, func(p Producer) bool { return p.Name == b.Name })
	})
	return out, nil
}
