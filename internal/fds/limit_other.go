//go:build !unix

package fds

// Limit is 0: Windows has no per-process descriptor limit worth counting (handles run to millions).
func Limit() int { return 0 }
