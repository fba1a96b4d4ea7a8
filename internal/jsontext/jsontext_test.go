package jsontext

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzJSONString: AppendString writes what encoding/json writes for a string without HTML escaping, and
// StringLen is its length exactly: a message's size is known before it is made.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "hello", "<&>", "\"\\", "\x00\x01\b\f\n\r\t\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é\xc3", "日本\xe6\x97"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(string(s)); err != nil {
			t.Fatal(err)
		}
		w := bytes.TrimSuffix(want.Bytes(), []byte("\n"))
		got := AppendString(nil, s)
		if !bytes.Equal(got, w) {
			t.Fatalf("%q: AppendString %s, encoding/json %s", s, got, w)
		}
		if n := StringLen(s); n != len(got) {
			t.Fatalf("%q: StringLen %d, written %d", s, n, len(got))
		}
	})
}
