// Package fds keeps the daemon within its file descriptor limit. Out of descriptors, Go's accept loop backs
// off and a new client hears nothing at all, not even for /healthz or for the DELETE that would free one: so
// the caps on what holds descriptors are fitted to the limit at start (Fit), and connections are kept below
// what is left (Listener), with room to spare.
package fds

import "fmt"

// Caps are the daemon's caps on what holds a descriptor: each held mapping, event and mutex holds one (Linux:
// its /dev/shm file), and each connection one, the watch streams and waiting requests among them. 0 is no cap.
type Caps struct {
	Mappings, SyncObjects int // SyncObjects: events, and mutexes, each
	Watchers, Waiters     int
}

// Reserve is what Fit keeps free of every cap: the process's own descriptors (standard streams, the
// listener, the poller, a directory being listed, a token file being read) and the connections of plain
// requests (the health check, a DELETE) when every cap is reached.
const Reserve = 64

// Fit fits c to a descriptor limit: when the caps (with Reserve) need more than limit, each is lowered in the
// same proportion, and a cap of 0 (none) takes only what the others leave. conns is how many connections the
// listener may then hold: the limit less the objects' descriptors and a little of the reserve. limit 0 (no
// limit worth counting: Windows) leaves c as it is and conns 0 (no cap). notes say what changed, for the log.
func Fit(c Caps, limit int) (fitted Caps, conns int, notes []string) {
	if limit <= 0 {
		return c, 0, nil
	}
	avail := max(limit-Reserve, 8)
	need := func(c Caps) int { return c.Mappings + 2*c.SyncObjects + c.Watchers + c.Waiters }
	f := c
	// A cap of none takes what is left, at least one each.
	unbounded := 0
	for _, v := range []int{c.Mappings, c.SyncObjects, c.Watchers, c.Waiters} {
		if v == 0 {
			unbounded++
		}
	}
	if unbounded > 0 {
		left := max(avail-need(c), 4*unbounded)
		share := max(left/(unbounded+1), 1) // the 2 descriptors of a sync cap counted roughly: it is a bound, not a plan
		for _, p := range []*int{&f.Mappings, &f.SyncObjects, &f.Watchers, &f.Waiters} {
			if *p == 0 {
				*p = share
			}
		}
	}
	if n := need(f); n > avail {
		scale := float64(avail) / float64(n)
		for _, p := range []*int{&f.Mappings, &f.SyncObjects, &f.Watchers, &f.Waiters} {
			*p = max(int(float64(*p)*scale), 1)
		}
	}
	for _, d := range []struct {
		flag     string
		was, now int
	}{
		{"-max-mappings", c.Mappings, f.Mappings},
		{"-max-sync-objects", c.SyncObjects, f.SyncObjects},
		{"-max-watchers", c.Watchers, f.Watchers},
		{"-max-waiters", c.Waiters, f.Waiters},
	} {
		if d.was != d.now {
			was := fmt.Sprint(d.was)
			if d.was == 0 {
				was = "0 (none)"
			}
			notes = append(notes, fmt.Sprintf("%s %s → %d", d.flag, was, d.now))
		}
	}
	conns = max(limit-f.Mappings-2*f.SyncObjects-Reserve/2, 1)
	return f, conns, notes
}
