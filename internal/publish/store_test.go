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

// TestNameUsedOnce: a metric name is one publisher's, however many ask for it at once.
func TestNameUsedOnce(t *testing.T) {
	s, _ := Open("", 64)
	done := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := s.Add(Spec{Kind: Metrics, Mapping: "m", Name: "same", Fields: []string{"a"}})
			done <- err
		}()
	}
	ok := 0
	for range 16 {
		if <-done == nil {
			ok++
		}
	}
	if ok != 1 || len(s.List()) != 1 {
		t.Fatalf("%d of 16 took the name", ok)
	}
}
