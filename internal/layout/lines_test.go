package layout

import (
	"errors"
	"testing"
)

// A problem is said at the line of what is wrong (an editor marks that line), not of the attribute around it.
func TestProblemLines(t *testing.T) {
	src := "meta:\n  id: x\nseq:\n  - id: a\n    type: u4\n  - id: b\n    size: 2\n    type: u9\n  - id: c\n    type: u1\n    repeat: sometimes\n"
	_, err := Compile([]byte(src), nil, DefaultLimits)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("compiled: %v", err)
	}
	lines := map[string]int{}
	for _, p := range ps {
		lines[p.Path] = p.Line
	}
	if lines["/seq/1/type"] != 8 || lines["/seq/2/repeat"] != 11 {
		t.Errorf("problems at %v, want /seq/1/type at line 8 and /seq/2/repeat at 11 (%v)", lines, ps)
	}
}
