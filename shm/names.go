package shm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest name accepted, not counting a Local\ or Global\ prefix (Linux's NAME_MAX).
const MaxNameLen = 255

// Key validates name and returns the identity of the OS object it denotes: two names with the same key are the
// same object ("Telemetry" and "Local\Telemetry" on Windows; any prefix on Linux).
func Key(name string) (string, error) {
	base, err := splitName("", name)
	if err != nil {
		return "", err
	}
	return key(name, base), nil
}

// splitName validates name and returns it without its namespace prefix; a failure is ErrInvalidName for op.
func splitName(op, name string) (string, error) {
	base := name
	for _, p := range []string{`Local\`, `Global\`} {
		if strings.HasPrefix(name, p) {
			base = name[len(p):]
			break
		}
	}
	if shmOpenSlash && base == name {
		base = strings.TrimPrefix(base, "/") // shm_open's spelling, /Telemetry: the same name
	}
	bad := func(why string) (string, error) {
		return "", newErr(op, name, ErrInvalidName, why)
	}
	switch {
	case base == "":
		return bad("empty name")
	case len(base) > MaxNameLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxNameLen))
	case base == "." || base == "..":
		return bad(`"." and ".." are not names`)
	case strings.ContainsAny(base, `/\`):
		return bad(`a name may not contain "/" or "\" (other than the Local\ or Global\ prefix)`)
	case !utf8.ValidString(base):
		return bad("not valid UTF-8")
	case strings.ContainsFunc(base, unicode.IsControl):
		return bad("control characters are not allowed")
	case strings.ContainsFunc(base, func(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }):
		// They reorder text as it displays: a name with one shows as another (adv3x\u202egpj.exe as adv3xexe.jpg).
		return bad("bidirectional-text controls (U+202E and the like) are not allowed: they make a name display as another")
	}
	return base, nil
}
