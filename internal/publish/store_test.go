package publish

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// TestOpenChecksFiles: files edited by hand are skipped with an error naming them, and left as they are: an id
// the daemon does not make (markup in it), an id that is not the file's name, a metric name a publisher loaded
// before has.
func TestOpenChecksFiles(t *testing.T) {
	dir := testutil.TempDir(t)
	s, _ := Open(dir, 8)
	good, err := s.Add(Spec{Kind: Metrics, Mapping: "m", Name: "same", Fields: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"x' onmouseover='alert(1).json": `{"id": "x' onmouseover='alert(1)", "kind": "mqtt", "mapping": "m", "topic": "t"}`,
		"P0123456789AB.json":            `{"id": "P0123456789AB", "kind": "mqtt", "mapping": "m", "topic": "t"}`,
		"pffffffffffff.json":            `{"id": "pffffffffffff", "kind": "metrics", "mapping": "m", "name": "same", "fields": ["a"]}`,
		"p000000000001.json":            `{"id": "p000000000002", "kind": "mqtt", "mapping": "m", "topic": "t"}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	again, err := Open(dir, 8)
	if l := again.List(); len(l) != 1 || l[0].ID != good.ID {
		t.Fatalf("loaded %+v", l)
	}
	for name, body := range files {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s not said: %v", name, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != body {
			t.Errorf("%s changed", name)
		}
	}
	again.Forget(good.ID)
	if len(again.List()) != 0 {
		t.Error("Forget kept it")
	}
	if _, err := os.Stat(filepath.Join(dir, good.ID+".json")); err != nil {
		t.Errorf("Forget removed its file: %v", err)
	}
}
