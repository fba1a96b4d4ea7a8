package layout

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// versioned is a header a producer stamps: a signature, a version, a build, a signed revision and a
// big-endian tag, then a value.
const versioned = `meta:
  id: versioned
  endian: le
  -shmbridge:
    version:
      - {field: head.magic, in: [SHMB, 'DEAD']}
      - {field: head.version, min: 3}
      - {field: head.build, is: 0x10}
      - {field: rev, min: -5}
      - {field: tag, is: 0xCAFE}
seq:
  - {id: head, type: header}
  - {id: rev, type: s1}
  - {id: tag, type: u2be}
  - {id: value, type: f4}
types:
  header:
    seq:
      - {id: magic, type: u4}
      - {id: version, type: u2}
      - {id: build, type: u2}
`

// versionedFrame is a frame of versioned that passes its checks, changed by edit.
func versionedFrame(edit func(b []byte)) []byte {
	b := make([]byte, 15)
	copy(b, "SHMB")
	binary.LittleEndian.PutUint16(b[4:], 3)
	binary.LittleEndian.PutUint16(b[6:], 0x10)
	b[8] = 0xfb // -5
	binary.BigEndian.PutUint16(b[9:], 0xcafe)
	if edit != nil {
		edit(b)
	}
	return b
}

// TestVersionChecks: each check reads its field as the layout places it (nested, signed, big-endian) and
// compares it as it says (is, min, in; text for the field's bytes); the first it fails is named with what the
// field holds, written as the check writes its values.
func TestVersionChecks(t *testing.T) {
	l, err := Compile([]byte(versioned), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var short []string
	for i := range l.VersionChecks {
		short = append(short, l.VersionChecks[i].String())
	}
	if got := strings.Join(short, "; "); got != "head.magic one of 'SHMB', 'DEAD'; head.version ≥ 3; head.build = 0x10; rev ≥ -5; tag = 0xCAFE" {
		t.Fatalf("the checks: %s", got)
	}
	for _, c := range []struct {
		what        string
		edit        func(b []byte)
		field, want string
		got         string
	}{
		{"a frame of the version described", nil, "", "", ""},
		{"the other signature", func(b []byte) { copy(b, "DEAD") }, "", "", ""},
		{"a later version", func(b []byte) { b[4] = 200 }, "", "", ""},
		{"a revision above the least", func(b []byte) { b[8] = 0x7f }, "", "", ""},
		{"another signature", func(b []byte) { copy(b, "ABCD") }, "head.magic", "one of 'SHMB', 'DEAD'", "'ABCD'"},
		{"a signature that is not text", func(b []byte) { copy(b, "\x00\x01\x02\x03") }, "head.magic", "one of 'SHMB', 'DEAD'", "0x3020100"},
		{"an earlier version", func(b []byte) { b[4] = 2 }, "head.version", "≥ 3", "2"},
		{"another build", func(b []byte) { b[6] = 0x11 }, "head.build", "= 0x10", "0x11"},
		{"a revision below the least (signed)", func(b []byte) { b[8] = 0xfa }, "rev", "≥ -5", "-6"},
		{"a tag read big-endian", func(b []byte) { b[9], b[10] = 0xfe, 0xca }, "tag", "= 0xCAFE", "0xFECA"},
		{"two failing: the first named", func(b []byte) { b[4], b[6] = 1, 1 }, "head.version", "≥ 3", "1"},
	} {
		frame := versionedFrame(c.edit)
		failed, got := l.CheckVersion(frame)
		if c.field == "" {
			if failed != nil {
				t.Errorf("%s: fails %s (holds %s)", c.what, failed, got)
			}
			continue
		}
		if failed == nil || failed.Field != c.field || failed.Want() != c.want || got != c.got {
			t.Errorf("%s: failed %v, holds %q; want %s %s, holding %s", c.what, failed, got, c.field, c.want, c.got)
		}
	}
	// A frame that ends before a field passes its check: the decode says where the frame ends.
	if failed, _ := l.CheckVersion(versionedFrame(nil)[:10]); failed != nil {
		t.Errorf("a short frame fails %s", failed)
	}
	if failed, _ := l.CheckVersion(append([]byte("ABCD"), versionedFrame(nil)[4:10]...)); failed == nil || failed.Field != "head.magic" {
		t.Errorf("a short frame with a field in it that fails: %v", failed)
	}
}

// TestVersionCheckProblems: a version check the layout cannot hold to is refused when the layout compiles,
// at the line of the check, saying what is wrong.
func TestVersionCheckProblems(t *testing.T) {
	const head = "meta:\n  id: v\n  endian: le\n  -shmbridge:\n    version:\n"
	const body = "seq:\n  - {id: version, type: u2}\n  - {id: speed, type: f4}\n  - {id: flag, type: b1}\n  - {id: name, type: strz, size: 4, encoding: ASCII}\n"
	for _, c := range []struct {
		checks, path, detail string
	}{
		{"      3\n", "/meta/-shmbridge/version", "version is a list of checks"},
		{"      - {field: version}\n", "/meta/-shmbridge/version/0", "needs one of is: N, min: N, in: [N, …]"},
		{"      - {is: 1}\n", "/meta/-shmbridge/version/0", "needs field"},
		{"      - {field: version, is: 1, min: 2}\n", "/meta/-shmbridge/version/0/min", "one of is, min, in; this one has is and min"},
		{"      - {field: version, is: 1, at: 1}\n", "/meta/-shmbridge/version/0/at", `unknown key "at"`},
		{"      - {field: version, in: []}\n", "/meta/-shmbridge/version/0/in", "in takes a list of values"},
		{"      - {field: version, in: 3}\n", "/meta/-shmbridge/version/0/in", "in takes a list of values"},
		{"      - {field: version, is: [3]}\n", "/meta/-shmbridge/version/0/is", "expected a string"},
		{"      - [version, 3]\n", "/meta/-shmbridge/version/0", "expected a map"},
		{"      - {field: nope, is: 1}\n", "/meta/-shmbridge/version/0/field", `"nope" is not a field at a fixed offset`},
		{"      - {field: speed, is: 1}\n", "/meta/-shmbridge/version/0/field", `an integer of 1, 2, 4 or 8 bytes; "speed" is f4`},
		{"      - {field: flag, is: 1}\n", "/meta/-shmbridge/version/0/field", `"flag" is b1`},
		{"      - {field: name, is: 1}\n", "/meta/-shmbridge/version/0/field", `"name" is strz ASCII`},
		{"      - {field: version, is: 70000}\n", "/meta/-shmbridge/version/0/is", "70000 does not fit version (u2, 0 to 65535): the check could never pass"},
		{"      - {field: version, min: -1}\n", "/meta/-shmbridge/version/0/min", "-1 does not fit version"},
		{"      - {field: version, is: 0x10000}\n", "/meta/-shmbridge/version/0/is", "0x10000 does not fit"},
		{"      - {field: version, is: 99999999999999999999999}\n", "/meta/-shmbridge/version/0/is", "does not fit"},
		{"      - {field: version, in: [1, abc]}\n", "/meta/-shmbridge/version/0/in/1", `"abc" is not a number (decimal, or hex as 0x…), nor 2 ASCII characters`},
		{"      - {field: version, is: 0x}\n", "/meta/-shmbridge/version/0/is", `"0x" is not a number`},
		{"      - {field: version, is: 1.5}\n", "/meta/-shmbridge/version/0/is", `"1.5" is not a number`},
		{"      - {field: version, is: 010}\n", "", ""}, // decimal, not octal: 10
		{"      - {field: version, is: ab}\n", "", ""},  // the field's 2 bytes as text
	} {
		_, err := Compile([]byte(head+c.checks+body), nil, DefaultLimits)
		if c.path == "" {
			if err != nil {
				t.Errorf("%q: %v", c.checks, err)
			}
			continue
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path != c.path || ps[0].Line != 6 || !strings.Contains(ps[0].Detail, c.detail) {
			t.Errorf("%q: %v; want one problem at %s (line 6) saying %q", c.checks, err, c.path, c.detail)
		}
	}
	// Every problem at once, each at the line of what is wrong.
	block := "      - field: nope\n        is: 1\n      - field: version\n        in:\n          - 1\n          - 70000\n"
	_, err := Compile([]byte(head+block+body), nil, DefaultLimits)
	var ps Problems
	if !errors.As(err, &ps) || ps.Error() != `/meta/-shmbridge/version/0/field (line 6): "nope" is not a field at a fixed offset of the layout; `+
		`/meta/-shmbridge/version/1/in/1 (line 11): 70000 does not fit version (u2, 0 to 65535): the check could never pass` {
		t.Errorf("two problems: %v", err)
	}
	l, err := Compile([]byte(head+"      - {field: version, is: 010}\n"+body), nil, DefaultLimits)
	if err != nil || l.VersionChecks[0].want[0] != 10 {
		t.Errorf("010: %v, %v", err, l)
	}
	// A number with no fixed byte order cannot be checked; nor can more checks than a layout may have.
	_, err = Compile([]byte("meta:\n  id: v\n  -shmbridge:\n    version: [{field: version, is: 1}]\nseq:\n  - {id: version, type: u2}\n"), nil, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), `a number of a fixed byte order; "version" has none`) {
		t.Errorf("no byte order: %v", err)
	}
	many := strings.Repeat("      - {field: version, is: 1}\n", maxVersionChecks+1)
	if _, err := Compile([]byte(head+many+body), nil, DefaultLimits); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at most %d", maxVersionChecks)) {
		t.Errorf("%d checks: %v", maxVersionChecks+1, err)
	}
	// -shmbridge names what it takes.
	_, err = Compile([]byte("meta:\n  id: v\n  -shmbridge:\n    versions: []\nseq:\n  - {id: version, type: u2le}\n"), nil, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "-shmbridge takes: consistency, pack, version") {
		t.Errorf("an unknown key: %v", err)
	}
}

// TestLayoutTitle: meta/title is kept (what lists the layout); one that is not text is let be.
func TestLayoutTitle(t *testing.T) {
	for src, want := range map[string]string{
		"meta: {id: t, title: Rig telemetry}\nseq: [{id: a, type: u1}]\n": "Rig telemetry",
		"meta: {id: t, title: [a]}\nseq: [{id: a, type: u1}]\n":           "",
		"meta: {id: t}\nseq: [{id: a, type: u1}]\n":                       "",
	} {
		l, err := Compile([]byte(src), nil, DefaultLimits)
		if err != nil || l.Title != want {
			t.Errorf("%q: %v, title %q, want %q", src, err, l.Title, want)
		}
	}
}
