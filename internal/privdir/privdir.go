// Package privdir checks, once at start, that the directories the daemon keeps its files in are its user's
// alone. The daemon makes its directories 0700, but one that exists already is left as it is: the daemon's own
// default directory is tightened to 0700, one the operator named is only warned of (it may be shared on
// purpose).
package privdir

import (
	"fmt"
	"io/fs"
	"log/slog"
)

// Dir is a directory the daemon keeps files in. Own: the daemon chose it (a default, not a flag's): it may
// tighten it.
type Dir struct {
	Path string
	Own  bool
}

// Finding is a directory that others (its group, or anyone) may enter or list.
type Finding struct {
	Dir  Dir
	Mode fs.FileMode // its permissions as found
	// Tightened: it was made 0700 (Err: that failed).
	Tightened bool
	Err       error
}

// Check looks at each directory once (a missing one is skipped), tightens the daemon's own, and logs a
// warning for each that others could enter or list, naming it and its mode. It answers what it found.
func Check(log *slog.Logger, dirs []Dir) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, d := range dirs {
		if d.Path == "" || seen[d.Path] {
			continue
		}
		seen[d.Path] = true
		f, open := check(d)
		if !open {
			continue
		}
		out = append(out, f)
		mode := fmt.Sprintf("%#o", f.Mode)
		switch {
		case f.Tightened:
			log.Warn("a directory of the daemon's own was open to other users: made 0700", "dir", d.Path, "mode", mode)
		case f.Err != nil:
			log.Warn("a directory of the daemon's own is open to other users, and could not be made 0700", "dir", d.Path, "mode", mode, "error", f.Err)
		default:
			log.Warn("a directory the daemon keeps files in is open to other users (the daemon makes its own 0700; "+
				"it leaves one it was given as it is): chmod 700 it unless that is meant", "dir", d.Path, "mode", mode)
		}
	}
	return out
}
