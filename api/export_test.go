package api

import "time"

// SetTransferStall sets how long a data transfer may go without progress, for a test; it answers the undo.
func SetTransferStall(d time.Duration) (undo func()) {
	old := transferStall
	transferStall = d
	return func() { transferStall = old }
}
