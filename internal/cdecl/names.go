package cdecl

import (
	"strconv"
	"strings"
	"unicode"
)

// kaitaiWords are the words of Kaitai's expression language: an id spelt as one of them gets a _ appended.
var kaitaiWords = map[string]bool{"and": true, "or": true, "not": true, "true": true, "false": true, "as": true,
	"sizeof": true, "bitsizeof": true}

// spell is a C name in Kaitai's spelling (^[a-z][a-z0-9_]*$): words split where a lower-case letter is
// followed by an upper-case one (mSpeedKmh: m_speed_kmh) and before the last capital of a run followed by a
// lower-case letter (RPMValue: rpm_value), lower-cased, runs of _ and other characters made one _, leading and
// trailing _ dropped; a name then starting with a digit gets n_ before it, an empty one is fallback, a Kaitai
// keyword gets _ after it.
func spell(name, fallback string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if unicode.IsLower(prev) || unicode.IsUpper(prev) && unicode.IsLower(next) {
				b.WriteByte('_')
			}
		}
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(collapse(b.String()), "_")
	switch {
	case s == "":
		s = fallback
	case s[0] >= '0' && s[0] <= '9':
		s = "n_" + s
	}
	if kaitaiWords[s] {
		s += "_"
	}
	return s
}

// collapse makes each run of _ in s one _.
func collapse(s string) string {
	for strings.Contains(s, "__") {
		s = strings.ReplaceAll(s, "__", "_")
	}
	return s
}

// names hands out unique ids in one namespace: a second use of an id gets _2, a third _3….
type names map[string]bool

// unique is id, or id_N for the smallest N from 2 that is not taken yet; it is then taken.
func (n names) unique(id string) string {
	out := id
	for i := 2; n[out]; i++ {
		out = id + "_" + strconv.Itoa(i)
	}
	n[out] = true
	return out
}
