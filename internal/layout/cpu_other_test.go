//go:build !unix

package layout

import "time"

// cpuTime is not measured here (no getrusage): the tests that compare CPU times skip that comparison.
func cpuTime(f func()) (time.Duration, bool) {
	f()
	return 0, false
}

// peakRSS is not known here.
func peakRSS() int64 { return 0 }
