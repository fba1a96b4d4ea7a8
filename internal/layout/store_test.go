package layout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestStoreKeepsLayouts: saved layouts are files that a new store (a restart) loads; a file that does not
// compile is listed with its problems and does not stop the others; imports resolve by id among them.
func TestStoreKeepsLayouts(t *testing.T) {
	dir := testutil.TempDir(t) // t.TempDir cannot clean up under Wine
	s, err := OpenStore(dir, DefaultLimits, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.Put("base", []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u1\n")); err != nil || !created {
		t.Fatal(err, created)
	}
	if _, _, err := s.Put("top", []byte("meta:\n  id: top\n  imports: [base]\nseq:\n  - id: b\n    type: base\n")); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.Put("base", []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u2le\n")); err != nil || created {
		t.Fatal(err, created)
	}
	os.WriteFile(filepath.Join(dir, "broken.ksy"), []byte("meta:\n  id: broken\nseq:\n  - id: x\n    type: nosuch\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "Not-An-Id.ksy"), []byte("meta: {id: x}\n"), 0o600)

	s2, err := OpenStore(dir, DefaultLimits, 8)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range s2.List() {
		ids = append(ids, e.ID)
	}
	if len(ids) != 3 || ids[0] != "base" || ids[1] != "broken" || ids[2] != "top" {
		t.Fatalf("after a restart: %v", ids)
	}
	if e, _ := s2.Get("broken"); e.Layout != nil || len(e.Problems) == 0 || e.Problems[0].Path != "/seq/0/type" {
		t.Errorf("broken: %+v", e)
	}
	top, _ := s2.Get("top")
	if top.Layout == nil || top.Layout.Fixed != 2 {
		t.Fatalf("top, importing the replaced base (u2le): %+v", top)
	}
	if err := s2.Delete("base"); err != nil {
		t.Fatal(err)
	}
	if top, _ := s2.Get("top"); top.Layout != nil || len(top.Problems) == 0 {
		t.Errorf("top still compiles without its import: %+v", top)
	}
	if _, err := os.Stat(filepath.Join(dir, "base.ksy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("base.ksy is still there: %v", err)
	}
	for _, id := range []string{"../../etc/passwd", "Upper", "", "a/b", "x.ksy"} {
		if _, _, err := s2.Put(id, []byte("meta: {id: x}\n")); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Put(%q): %v", id, err)
		}
	}
}

// TestStoreBounded: a store keeps at most its cap of layouts.
func TestStoreBounded(t *testing.T) {
	s, _ := OpenStore("", DefaultLimits, 2)
	for i, id := range []string{"a", "b", "c"} {
		_, _, err := s.Put(id, []byte("meta:\n  id: "+id+"\n"))
		if i < 2 && err != nil || i == 2 && !errors.Is(err, ErrFull) {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// TestCompileBounded: what a layout's text can make the compiler do is bounded too: a huge fixed array of an
// empty type, sizes past any mapping.
func TestCompileBounded(t *testing.T) {
	for _, ksy := range []string{
		"meta:\n  id: a\nseq:\n  - id: x\n    type: e\n    repeat: expr\n    repeat-expr: 1099511627776\ntypes:\n  e: {}\n",
		"meta:\n  id: a\nseq:\n  - id: x\n    type: u8\n    repeat: expr\n    repeat-expr: 1099511627776\n  - id: y\n    type: u8le\n    repeat: expr\n    repeat-expr: 1099511627776\n",
	} {
		done := make(chan error, 1)
		go func() { _, err := Compile([]byte(ksy), nil, DefaultLimits); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Logf("refused: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("compiling took more than 5 s: %q", ksy)
		}
	}
}

// hookedStore is a store in memory whose compiles a test counts and may hold: a compile of a source holding
// hold waits, once, for release to close, after saying so on started.
type hookedStore struct {
	*Store
	compiles atomic.Int64
	hold     []byte
	started  chan struct{}
	release  chan struct{}
	held     atomic.Bool
}

func newHookedStore(t *testing.T, dir string) *hookedStore {
	t.Helper()
	s, err := OpenStore(dir, DefaultLimits, 16)
	if err != nil {
		t.Fatal(err)
	}
	h := &hookedStore{Store: s, started: make(chan struct{}, 1), release: make(chan struct{})}
	s.compile = func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
		h.compiles.Add(1)
		if h.hold != nil && bytes.Contains(src, h.hold) && h.held.CompareAndSwap(false, true) {
			h.started <- struct{}{}
			<-h.release
		}
		return compileShared(ctx, src, imp, share, lim)
	}
	return h
}

func ksy(id string, imports ...string) []byte {
	src := "meta:\n  id: " + id + "\n"
	if len(imports) > 0 {
		src += "  imports: [" + strings.Join(imports, ", ") + "]\nseq:\n"
		for _, im := range imports {
			src += "  - id: f_" + im + "\n    type: " + im + "\n"
		}
		return []byte(src)
	}
	return []byte(src + "seq:\n  - id: a\n    type: u1\n")
}

// TestStoreNotBehindACompile: a compile that takes long (an unsaved layout's, POST …/decode, or a PUT's) holds
// no lock: every read, and every other write, goes on meanwhile.
func TestStoreNotBehindACompile(t *testing.T) {
	for _, slow := range []string{"compile", "put"} {
		t.Run(slow, func(t *testing.T) {
			s := newHookedStore(t, "")
			mustPut(t, s.Store, "base", ksy("base"))
			s.hold = []byte("slow")
			done := make(chan error, 1)
			go func() {
				var err error
				if slow == "compile" {
					_, err = s.Compile(ksy("slow", "base"))
				} else {
					_, _, err = s.Put("slow", ksy("slow", "base"))
				}
				done <- err
			}()
			<-s.started // it is compiling, and stays so until released
			mustPut(t, s.Store, "other", ksy("other"))
			mustPut(t, s.Store, "base", []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u2le\n"))
			if e, err := s.Get("base"); err != nil || e.Layout.Fixed != 2 {
				t.Fatalf("Get during the compile: %v %+v", err, e)
			}
			if err := s.Delete("other"); err != nil {
				t.Fatal(err)
			}
			if len(s.List()) != 1 {
				t.Fatalf("List during the compile: %d", len(s.List()))
			}
			close(s.release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if e, err := s.Get("slow"); slow == "put" && (err != nil || e.Layout.Fixed != 2) {
				t.Fatalf("the slow PUT, compiled against the old base, was not compiled again: %v %+v", err, e)
			}
		})
	}
}

func mustPut(t *testing.T, s *Store, id string, src []byte) *Entry {
	t.Helper()
	e, _, err := s.Put(id, src)
	if err != nil {
		t.Fatalf("Put %s: %v", id, err)
	}
	return e
}

// TestStoreRecompilesDependentsOnly: a PUT or DELETE compiles what it changes and the layouts that import it,
// directly or not; no other.
func TestStoreRecompilesDependentsOnly(t *testing.T) {
	s := newHookedStore(t, "")
	for _, id := range []string{"u1", "u2", "u3"} {
		mustPut(t, s.Store, id, ksy(id))
	}
	mustPut(t, s.Store, "base", ksy("base"))
	mustPut(t, s.Store, "mid", ksy("mid", "base"))
	mustPut(t, s.Store, "top", ksy("top", "mid"))
	count := func(what string, want int64, f func() error) {
		t.Helper()
		n := s.compiles.Load()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := s.compiles.Load() - n; got != want {
			t.Errorf("%s: %d compiles, want %d", what, got, want)
		}
	}
	put := func(id string, src []byte) func() error {
		return func() error { _, _, err := s.Put(id, src); return err }
	}
	count("PUT of an unrelated layout", 1, put("u1", ksy("u1")))
	count("PUT of base (mid and top import it)", 3, put("base", ksy("base")))
	count("PUT of mid (top imports it)", 2, put("mid", ksy("mid", "base")))
	count("PUT of top", 1, put("top", ksy("top", "mid")))
	count("DELETE of an unrelated layout", 0, func() error { return s.Delete("u2") })
	count("DELETE of base", 2, func() error { return s.Delete("base") })
	if e, _ := s.Get("top"); e.Layout != nil {
		t.Fatal("top compiles without base")
	}
	count("PUT of base again", 3, put("base", ksy("base")))
	if e, _ := s.Get("top"); e.Layout == nil {
		t.Fatalf("top does not compile with base back: %v", e.Problems)
	}
}

// TestStoreConcurrentPutsKeepBoth: two PUTs at once, one importing what the other changes, in either order:
// both are kept, and the importer ends compiled against the new import.
func TestStoreConcurrentPutsKeepBoth(t *testing.T) {
	base2 := []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u4le\n")
	for _, held := range []string{"top", "base"} {
		t.Run(held+" held", func(t *testing.T) {
			s := newHookedStore(t, "")
			mustPut(t, s.Store, "base", ksy("base"))
			s.hold = []byte("id: " + held)
			done := make(chan error, 1)
			go func() {
				var err error
				if held == "top" {
					_, _, err = s.Put("top", ksy("top", "base"))
				} else {
					_, _, err = s.Put("base", base2)
				}
				done <- err
			}()
			<-s.started
			if held == "top" {
				mustPut(t, s.Store, "base", base2)
			} else {
				mustPut(t, s.Store, "top", ksy("top", "base"))
			}
			close(s.release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			b, _ := s.Get("base")
			top, _ := s.Get("top")
			if !bytes.Equal(b.Source, base2) || top == nil || top.Layout == nil || top.Layout.Fixed != 4 {
				t.Fatalf("base %q, top %+v", b.Source, top)
			}
		})
	}
}

// TestStoreConflictIsBusy: a PUT whose import changes under every compile of it gives up (ErrConflict, the
// API's 503) instead of trying for ever; the store is unchanged by it.
func TestStoreConflictIsBusy(t *testing.T) {
	s := newHookedStore(t, "")
	mustPut(t, s.Store, "base", ksy("base"))
	var n atomic.Int64
	s.compile = func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
		if bytes.Contains(src, []byte("id: top")) {
			v := n.Add(1)
			if _, _, err := s.Put("base", []byte(fmt.Sprintf("meta:\n  id: base\n  title: v%d\n", v))); err != nil {
				t.Error(err)
			}
		}
		return compileShared(ctx, src, imp, share, lim)
	}
	if _, _, err := s.Put("top", ksy("top", "base")); !errors.Is(err, ErrConflict) {
		t.Fatalf("Put: %v", err)
	}
	if n.Load() != maxAttempts {
		t.Errorf("%d attempts, want %d", n.Load(), maxAttempts)
	}
	if _, err := s.Get("top"); !errors.Is(err, ErrNotFound) {
		t.Errorf("top: %v", err)
	}
}

// countingStore is a store in memory that counts the documents its compiles parse (a layout, and each import
// it compiles from its source rather than taking it compiled).
func countingStore(t *testing.T, dir string) (*Store, *atomic.Int64) {
	t.Helper()
	var docs atomic.Int64
	s, err := loadStore(context.Background(), dir, DefaultLimits, 16, nil, func(ctx context.Context, src []byte, imp Importer, share Shared, lim Limits) (*Layout, error) {
		l, c, err := compileCounted(ctx, src, imp, share, lim)
		docs.Add(int64(c.docs))
		return l, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, &docs
}

// TestStoreSharesImports: N layouts importing one large one hold one compiled copy of it, not N (heap in use
// after a GC grows by much less than N times what the import alone takes); it is parsed once per version.
func TestStoreSharesImports(t *testing.T) {
	const n = 5
	s, docs := countingStore(t, "")
	big := bigLayout("big", MaxSource-64)
	h0 := heapInUse()
	mustPut(t, s, "big", big)
	one := int64(heapInUse()) - int64(h0)
	for i := range n {
		mustPut(t, s, fmt.Sprintf("top%d", i), ksy(fmt.Sprintf("top%d", i), "big"))
	}
	all := int64(heapInUse()) - int64(h0) - one
	t.Logf("import of %d bytes: %d KB of heap; %d importers of it: %d KB more", len(big), one>>10, n, all>>10)
	if all > n*one/4 { // each importer keeps its own Fields (the import's placed in it), not its own tree
		t.Errorf("%d importers hold %d KB, the import alone %d KB: each holds its own copy", n, all>>10, one>>10)
	}
	if got := docs.Load(); got != 1+n {
		t.Errorf("%d documents parsed, want %d (the import once)", got, 1+n)
	}
	docs.Store(0)
	mustPut(t, s, "big", ksy("big"))
	b, _ := s.Get("big")
	for i := range n {
		top, _ := s.Get(fmt.Sprintf("top%d", i))
		if top.Layout == nil || top.Layout.Fixed != 1 || top.Layout.root.file.imports[0] != b.Layout.root.file {
			t.Fatalf("top%d does not share the new big: %+v", i, top)
		}
	}
	if got := docs.Load(); got != 1+n {
		t.Errorf("PUT of the import: %d documents parsed, want %d", got, 1+n)
	}
	runtime.KeepAlive(s)
}

// TestStoreSharesImportsAtStart: layouts read at start take their imports compiled, however the files are
// ordered (an importer before its import, a chain, a diamond); a cycle of imports still compiles each whole.
func TestStoreSharesImportsAtStart(t *testing.T) {
	dir := testutil.TempDir(t)
	files := map[string][]byte{
		"a_top": ksy("a_top", "m_left", "m_right"), "m_left": ksy("m_left", "z_base"),
		"m_right": ksy("m_right", "z_base"), "z_base": ksy("z_base"),
		"c_one": []byte("meta:\n  id: c_one\n  imports: [c_two]\nseq:\n  - id: a\n    type: u1\n"),
		"c_two": []byte("meta:\n  id: c_two\n  imports: [c_one]\nseq:\n  - id: b\n    type: c_one\n"),
	}
	for id, src := range files {
		os.WriteFile(filepath.Join(dir, id+".ksy"), src, 0o600)
	}
	s, docs := countingStore(t, dir)
	// Each parsed once, but for the cycle: c_two, compiled first as c_one's import, parses c_one (under way),
	// and c_one then parses c_two (which holds another c_one).
	if got := docs.Load(); got != int64(len(files))+2 {
		t.Errorf("%d documents parsed, want %d", got, len(files)+2)
	}
	get := func(id string) *Layout {
		e, _ := s.Get(id)
		if e == nil || e.Layout == nil {
			t.Fatalf("%s: %+v", id, e)
		}
		return e.Layout
	}
	base := get("z_base").root.file
	if get("m_left").root.file.imports[0] != base || get("m_right").root.file.imports[0] != base {
		t.Error("the base is not shared by its importers")
	}
	if get("a_top").Fixed != 2 || get("c_two").Fixed != 1 {
		t.Errorf("a_top %d bytes, c_two %d", get("a_top").Fixed, get("c_two").Fixed)
	}
}

// TestStoreSharedImportsConcurrent: importers of one layout compiled and decoded at once, each taking it
// compiled; run with -race, a compile or decode that changed the shared tree would be seen.
func TestStoreSharedImportsConcurrent(t *testing.T) {
	s := newHookedStore(t, "")
	mustPut(t, s.Store, "base", []byte("meta:\n  id: base\n  endian: le\nseq:\n  - id: n\n    type: u2\n  - id: inner\n    type: inner\ninstances:\n  twice:\n    value: n * 2\ntypes:\n  inner:\n    seq:\n      - id: v\n        type: u1\n        repeat: expr\n        repeat-expr: _parent.n % 4\n"))
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			id := fmt.Sprintf("top%d", i)
			src := ksy(id, "base")
			src = append(src, fmt.Sprintf("instances:\n  x:\n    value: f_base.twice + f_base.inner.v.size + %d\n", i)...)
			e, _, err := s.Put(id, src)
			if err == nil {
				_, err = e.Layout.Decode([]byte{3, 0, 1, 2, 3})
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
