package view

import (
	"context"
	"errors"
	"testing"
)

// TestDecodeChecksVersion: a frame that passes the layout's version checks is decoded; one that fails a check
// is a *VersionError naming the layout, the field, what the layout describes and what the memory holds, and
// is not decoded (its bytes would not decode by this layout either way: here, a valid that fails).
func TestDecodeChecksVersion(t *testing.T) {
	l := compiled(t, "meta:\n  id: game\n  endian: le\n  -shmbridge:\n    version: [{field: version, in: [7, 8]}]\n"+
		"seq:\n  - {id: version, type: u4}\n  - {id: speed, type: u1, valid: {max: 200}}\n")
	v, err := Decode(context.Background(), l, []byte{8, 0, 0, 0, 120})
	if err != nil {
		t.Fatalf("version 8: %v", err)
	}
	if j, _ := v.EvalJSON("speed"); string(j) != "120" {
		t.Errorf("speed %s", j)
	}
	_, err = Decode(context.Background(), l, []byte{9, 0, 0, 0, 255})
	var ve *VersionError
	if !errors.As(err, &ve) || !errors.Is(err, ErrVersionMismatch) || *ve != (VersionError{Layout: "game", Field: "version", Want: "one of 7, 8", Got: "9"}) {
		t.Fatalf("version 9: %#v", err)
	}
	if want := `the layout "game" describes version one of 7, 8; the memory holds version 9`; err.Error() != want {
		t.Errorf("it says %q, want %q", err, want)
	}
	if err := CheckVersion(compiled(t, "meta: {id: plain}\nseq: [{id: a, type: u1}]\n"), []byte{1}); err != nil {
		t.Errorf("a layout with no checks: %v", err)
	}
}
