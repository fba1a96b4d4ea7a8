//go:build unix

package fds

import (
	"math"

	"golang.org/x/sys/unix"
)

// Limit is the process's descriptor limit: its soft RLIMIT_NOFILE, which Go raises to the hard limit at start
// (since Go 1.19; Limit raises it too, where that is allowed and not done).
func Limit() int {
	var r unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &r) != nil {
		return 0
	}
	if r.Cur < r.Max {
		raised := r
		raised.Cur = r.Max
		if unix.Setrlimit(unix.RLIMIT_NOFILE, &raised) == nil {
			r = raised
		}
	}
	if r.Cur == unix.RLIM_INFINITY || r.Cur > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(r.Cur)
}
