package scope

import "unicode/utf8"

// Match reports whether name matches glob: * matches any run of characters (none too), ? one character, and
// every other character itself, case and all (Windows compares mapping names so, and Linux file names). There
// is no escape and no [class]: a mapping's name holds a backslash (Local\acpmf_physics), which path.Match
// would take for an escape (its "Local\acpmf_*" matches "Localacpmf_x", never "Local\acpmf_x"), and * stops
// at no separator.
func Match(glob, name string) bool {
	// Greedy with one step of backtracking: on a mismatch, the last * takes one more character. Linear in
	// practice, at most len(glob)×len(name) steps (both bounded: MaxGlob, the names' 262 bytes).
	gi, ni := 0, 0
	star, from := -1, 0 // the last * seen in glob, and where in name it began to match
	for ni < len(name) {
		if gi < len(glob) {
			switch g := glob[gi]; {
			case g == '*':
				star, from = gi, ni
				gi++
				continue
			case g == '?':
				_, n := utf8.DecodeRuneInString(name[ni:])
				gi, ni = gi+1, ni+n
				continue
			case g == name[ni]:
				gi, ni = gi+1, ni+1
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(name[from:])
		from += n
		gi, ni = star+1, from
	}
	for gi < len(glob) && glob[gi] == '*' {
		gi++
	}
	return gi == len(glob)
}
