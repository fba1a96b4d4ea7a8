package publish

import (
	"encoding/json"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestPublisherStore: publishers are kept as files and loaded again.
func TestPublisherStore(t *testing.T) {
	dir := testutil.TempDir(t)
	s, err := Open(dir, 4)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.Add(Spec{Kind: "metrics", Mapping: `Local\X`, Name: "x", Fields: []string{"a"}, Labels: map[string]Label{"k": {Literal: "v"}, "f": {Field: "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir, 4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := again.Get(sp.ID)
	a, _ := json.Marshal(got)
	w, _ := json.Marshal(sp)
	if err != nil || string(a) != string(w) {
		t.Fatalf("loaded %s, kept %s (%v)", a, w, err)
	}
	if err := again.Delete(sp.ID); err != nil || len(again.List()) != 0 {
		t.Fatal(err)
	}
	if third, _ := Open(dir, 4); len(third.List()) != 0 {
		t.Fatal("a deleted publisher came back")
	}
}
