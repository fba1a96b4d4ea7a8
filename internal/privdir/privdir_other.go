//go:build !unix

package privdir

// check finds nothing: on Windows a directory's access is its ACL (the daemon's files carry their own
// protected ACLs), not a mode.
func check(Dir) (Finding, bool) { return Finding{}, false }
