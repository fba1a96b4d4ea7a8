package layout

import (
	"testing"
)

// jsonOf compiles src (no imports), decodes data by it and answers the JSON of the fields sel lists ("": all).
func jsonOf(t *testing.T, src string, data []byte, sel string) (string, error) {
	t.Helper()
	l, err := Compile([]byte(src), nil, DefaultLimits)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	v, err := l.Decode(data)
	if err != nil {
		return "", err
	}
	s, err := ParseSelection(sel)
	if err != nil {
		t.Fatal(err)
	}
	out, err := v.AppendJSON(nil, s, 1<<20)
	return string(out), err
}

// TestSwitchWithoutMatchIsNull: a switch-on that no case matches, with no `_` case and no size, reads nothing
// and leaves the attribute null (absent from the JSON, an array's item null), as Kaitai does; the attributes
// after it are read where it left the stream.
func TestSwitchWithoutMatchIsNull(t *testing.T) {
	const src = "meta: {id: x}\nseq:\n  - id: tag\n    type: u1\n  - id: body\n    type:\n      switch-on: tag\n      cases:\n        1: u1\n        2: u2le\n  - id: items\n    repeat: expr\n    repeat-expr: 2\n    type:\n      switch-on: tag + _index\n      cases:\n        8: u1\n  - id: next\n    type: u1\ninstances:\n  seen:\n    value: tag == 7\n"
	for _, c := range []struct {
		data []byte
		want string
	}{
		{[]byte{1, 5, 6}, `{"tag":1,"body":5,"items":[null,null],"next":6,"seen":false}`},
		{[]byte{7, 5, 6}, `{"tag":7,"items":[null,5],"next":6,"seen":true}`},
	} {
		got, err := jsonOf(t, src, c.data, "")
		if err != nil || got != c.want {
			t.Errorf("%v: %s, %v; want %s", c.data, got, err, c.want)
		}
	}
	if got, err := jsonOf(t, src, []byte{7, 5, 6}, "body,next"); err != nil || got != `{"next":6}` {
		t.Errorf("?fields=body,next: %s, %v", got, err)
	}
}
