//go:build unix

package privdir

import "os"

// check answers whether group or others have any permission on d (open), tightening it to 0700 if it is the
// daemon's own.
func check(d Dir) (f Finding, open bool) {
	st, err := os.Stat(d.Path)
	if err != nil || !st.IsDir() || st.Mode().Perm()&0o077 == 0 {
		return f, false
	}
	f = Finding{Dir: d, Mode: st.Mode().Perm()}
	if d.Own {
		f.Err = os.Chmod(d.Path, 0o700)
		f.Tightened = f.Err == nil
	}
	return f, true
}
