//go:build !unix

package cdecl

import "time"

// cpuTime is the wall time f took (the CPU time where the system says it).
func cpuTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
