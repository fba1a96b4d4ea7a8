package cdecl

import (
	"fmt"
	"modernc.org/token"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// maxProblems is how many problems a refusal lists; one more then says how many were left out.
const maxProblems = 100

// problems collects what is wrong with a header, each problem once.
type problems struct {
	list []layout.Problem
	seen map[layout.Problem]bool
	more int
}

// add notes a problem at a header position (line 0 where there is none).
func (ps *problems) add(path string, line, col int, format string, args ...any) {
	p := layout.Problem{Path: path, Line: line, Column: col, Detail: fmt.Sprintf(format, args...)}
	if ps.seen == nil {
		ps.seen = map[layout.Problem]bool{}
	}
	if ps.seen[p] {
		return
	}
	ps.seen[p] = true
	if len(ps.list) >= maxProblems {
		ps.more++
		return
	}
	ps.list = append(ps.list, p)
}

// at notes a problem at pos, a position in the header (other sources' positions are not the user's: line 0).
func (ps *problems) at(path string, pos token.Position, format string, args ...any) {
	if pos.Filename != headerName {
		pos.Line, pos.Column = 0, 0
	}
	ps.add(path, pos.Line, pos.Column, format, args...)
}

// err is the problems as layout.Problems, in the header's order, or nil when there are none.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	out := append(layout.Problems(nil), ps.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Column < out[j].Column
	})
	if ps.more > 0 {
		out = append(out, layout.Problem{Detail: fmt.Sprintf("and %d more problems", ps.more)})
	}
	return out
}

var (
	ccPosition = regexp.MustCompile(`^(.*?):(\d+):(\d+): (.*)$`)
	ccOrigin   = regexp.MustCompile(` \([a-z0-9_]+\.go:\d+:[^)]*\)$`)
	ccInclude  = regexp.MustCompile(`^include file not found: (.*)$`)
)

// addCC notes the errors of the C front end (one a line: file:line:col: message).
func (ps *problems) addCC(err error) {
	for _, msg := range strings.Split(err.Error(), "\n") {
		msg = strings.TrimSpace(ccOrigin.ReplaceAllString(msg, ""))
		if msg == "" {
			continue
		}
		if d, ok := strings.CutPrefix(msg, "-: "); ok {
			ps.add("", 0, 0, "at the end of the header: %s (a declaration is not finished)", d)
			continue
		}
		m := ccPosition.FindStringSubmatch(msg)
		if m == nil {
			ps.add("", 0, 0, "%s", msg)
			continue
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		detail := m[4]
		if inc := ccInclude.FindStringSubmatch(detail); inc != nil {
			detail = fmt.Sprintf("#include %s: only the built-in prelude's headers can be included (%s); paste the declarations the header needs instead", inc[1], strings.Join(includable(), ", "))
		}
		if m[1] == endName {
			ps.add("", 0, 0, "at the end of the header: %s (a declaration is not finished)", detail)
			continue
		}
		if m[1] != headerName {
			ps.add("", 0, 0, "in the built-in prelude (a macro of the header may clash with it): %s", detail)
			continue
		}
		ps.add("", line, col, "%s", detail)
	}
}
