package layout

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// CheckEncoding says whether name is an encoding the decoder knows (a layout naming another is taken, and fails
// only when a string in it is read, as in Kaitai).
func CheckEncoding(name string) error {
	_, err := lookupEncoding(name)
	return err
}

// lookupEncoding finds a string encoding by the name a layout gives (IANA names and aliases, any case).
func lookupEncoding(name string) (encoding.Encoding, error) {
	switch strings.ToUpper(strings.ReplaceAll(name, "_", "-")) {
	case "UTF-8", "UTF8":
		return unicode.UTF8, nil
	case "ASCII", "US-ASCII":
		return nil, nil // decoded by decodeString
	case "UTF-16LE":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	case "UTF-16BE":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	case "UTF-32LE":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), nil
	case "UTF-32BE":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), nil
	}
	if alias, ok := aliases[strings.ToUpper(name)]; ok {
		name = alias
	}
	e, err := ianaindex.IANA.Encoding(name)
	if err != nil || e == nil {
		return nil, fmt.Errorf("unknown encoding %q", name)
	}
	return e, nil
}

// decodeString decodes b in the encoding name.
func decodeString(b []byte, name string) (string, error) {
	e, err := lookupEncoding(name)
	if err != nil {
		return "", err
	}
	if e == nil { // ASCII: bytes above 0x7f are not ASCII; keep them as U+FFFD rather than guess
		var s strings.Builder
		s.Grow(len(b)) // grown once: by appends, a large string would allocate several times its size
		for _, c := range b {
			if c < 0x80 {
				s.WriteByte(c)
			} else {
				s.WriteRune(utf8.RuneError)
			}
		}
		return s.String(), nil
	}
	if e == unicode.UTF8 && utf8.Valid(b) {
		return string(b), nil
	}
	// Invalid UTF-8 becomes U+FFFD as WHATWG says (one per maximal invalid subsequence, as browsers and
	// Kaitai's JavaScript runtime do).
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%s: %v", name, err)
	}
	return string(out), nil
}

// aliases are names Kaitai's runtimes accept that IANA's registry spells otherwise.
var aliases = map[string]string{"SJIS": "Shift_JIS", "CP437": "IBM437", "CP850": "IBM850", "CP1252": "windows-1252", "CP1251": "windows-1251", "EUC-JP": "EUC-JP", "GB2312": "GBK"}

// encodeString encodes s in the encoding name, refusing what the encoding cannot hold.
func encodeString(s, name string) ([]byte, error) {
	e, err := lookupEncoding(name)
	if err != nil {
		return nil, err
	}
	if e == nil {
		for _, r := range s {
			if r >= 0x80 {
				return nil, fmt.Errorf("%q is not ASCII", s)
			}
		}
		return []byte(s), nil
	}
	if e == unicode.UTF8 {
		return []byte(s), nil
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%q cannot be written in %s", s, name)
	}
	return b, nil
}
