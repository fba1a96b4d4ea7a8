package layout

import (
	"fmt"
)

// Warning is something a layout decodes but likely gets wrong, e.g. padding a C compiler adds that the layout
// does not describe: the field it is about ("" for the layout as a whole) and what is likely missing.
type Warning struct {
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// MaxWarnings bounds the warnings Lint lists: past it, the last one says how many more fields are off.
const MaxWarnings = 16

// lintAlign is the alignment Lint expects at most: a number of n bytes is expected at a multiple of
// min(n, lintAlign). 4, not 8: 32-bit x86 ABIs align 8-byte numbers to 4, and the Windows SDKs of games
// (#pragma pack(4)) do too, so an 8-byte number at 4 mod 8 is no sign of a mistake by itself (a missing
// 4 bytes there still shows as a fixed size smaller than the mapping).
const lintAlign = 4

// Lint is what a layout's own field placement says is likely wrong: numbers at offsets a C compiler would not
// give them. A C compiler places a 2-, 4- or 8-byte number (u2…f8) at a multiple of its size from the start
// of the struct (at least of 4, for an 8-byte one: see lintAlign); a layout written by hand from a C struct
// that leaves out the padding puts the numbers after the gap too early. Each warning names the field that
// lands off its alignment and the padding likely missing before it, to the number's natural alignment, and
// later fields are judged as if that padding were there: one gap left out is one warning, not one per field
// after it, and a field of an array or of a repeated type is named once. Bit fields, single bytes, strings
// and bytes have no alignment.
//
// A layout that reads a big-endian number, or checks a magic (contents) in its top-level seq, describes a file
// or wire format, packed by design, not a C struct in memory: it gets no warnings. Lint depends on the layout
// only, costs one pass over Layout.Fields (at most 4096) and answers at most MaxWarnings warnings.
func Lint(l *Layout) []Warning {
	if l == nil || fileFormat(l) {
		return nil
	}
	var out []Warning
	more := 0
	shift := 0 // the padding the warnings so far say is missing before the field at hand
	named := map[*attr]bool{}
	prev := ""
	align := lintAlign
	if l.Pack > 0 {
		align = min(align, l.Pack) // packed on purpose, as its meta says
	}
	for _, f := range l.Fields {
		n := alignment(f)
		at := f.Offset + shift
		if n > 1 && at%min(n, align) != 0 {
			gap := (n - at%n) % n
			switch {
			case named[f.attr]: // another item of an array, or of a repeated type, already named
			case len(out) < MaxWarnings-1:
				out = append(out, misplaced(f, n, shift, gap, prev))
			default:
				more++
			}
			named[f.attr] = true
			shift += gap
		}
		prev = f.Path
	}
	if more > 0 {
		out = append(out, Warning{Detail: fmt.Sprintf("and %d more fields off their alignment", more)})
	}
	return out
}

// fileFormat says whether l describes a file or wire format rather than a C struct: a number of its read
// big-endian, or a magic its top-level seq checks.
func fileFormat(l *Layout) bool {
	for _, f := range l.Fields {
		if f.Endian == "be" {
			return true
		}
	}
	if l.root != nil {
		for _, a := range l.root.seq {
			if a.contents != nil {
				return true
			}
		}
	}
	return false
}

// alignment is what a C compiler places a field's type at a multiple of: a number's size; 1 for anything
// else (bytes, strings, bit fields).
func alignment(f Field) int {
	if f.attr == nil || f.Bits > 0 {
		return 1
	}
	switch k := f.attr.kind; k.prim {
	case "u", "s", "f":
		return k.size
	}
	return 1
}

// misplaced is the warning for f, of alignment n, found at its offset plus shift: gap bytes are likely
// missing after the field prev ("": f is the first field).
func misplaced(f Field, n, shift, gap int, prev string) Warning {
	name := shortName(f.Path)
	at := fmt.Sprintf("at offset %d", f.Offset)
	if shift > 0 {
		at += fmt.Sprintf(" (%d with the %s of padding missing before it)", f.Offset+shift, byteCount(shift))
	}
	where := "before it"
	if prev != "" {
		where = "after " + shortName(prev)
	}
	return Warning{Field: f.Path, Detail: fmt.Sprintf("%s (%s) is %s, which a C compiler would not choose for %s number: %s of padding %s likely missing %s",
		name, shortName(f.Type), at, sizedNumber(n), byteCount(gap), isAre(gap), where)}
}

// maxName bounds a name as a warning's detail says it: a detail is at most a few hundred bytes, whatever the
// ids (a layout's text may be 256 KiB).
const maxName = 64

// shortName is s, its middle left out ("...") past maxName bytes.
func shortName(s string) string {
	if len(s) <= maxName {
		return s
	}
	return s[:maxName/2-2] + "..." + s[len(s)-(maxName/2-1):]
}

// byteCount is "1 byte", "3 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// sizedNumber is "a 4-byte", "an 8-byte".
func sizedNumber(n int) string {
	if n == 8 {
		return "an 8-byte"
	}
	return fmt.Sprintf("a %d-byte", n)
}
