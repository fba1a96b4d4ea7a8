package cdecl

import "unicode/utf8"

// docs finds a member's comment: one trailing on its line, else the comments (consecutive lines of them
// merged) that end on the line above it or just before it on its line.
type docs struct {
	trailing, leading map[int]string
}

func newDocs(cs []comment) docs {
	d := docs{trailing: map[int]string{}, leading: map[int]string{}}
	last := -10
	for _, c := range cs {
		if c.text == "" {
			continue
		}
		if c.trailing {
			if d.trailing[c.startLine] == "" {
				d.trailing[c.startLine] = c.text
			}
			continue
		}
		if prev, ok := d.leading[last]; ok && c.startLine == last+1 {
			delete(d.leading, last)
			d.leading[c.endLine] = prev + "\n" + c.text
		} else {
			d.leading[c.endLine] = c.text
		}
		last = c.endLine
	}
	return d
}

// maxDoc bounds a doc's bytes: a longer comment is cut (at a character) and ends with ….
const maxDoc = 1024

// of is the comment of what is declared on line.
func (d docs) of(line int) string {
	s := d.trailing[line]
	if s == "" {
		s = d.leading[line-1]
	}
	if s == "" {
		s = d.leading[line]
	}
	if len(s) > maxDoc {
		cut := maxDoc
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
