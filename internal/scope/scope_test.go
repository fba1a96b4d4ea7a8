package scope

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		glob, name string
		want       bool
	}{
		{`Local\acpmf_*`, `Local\acpmf_physics`, true},
		{`Local\acpmf_*`, `Local\acpmf_`, true},
		{`Local\acpmf_*`, `Localacpmf_physics`, false}, // path.Match's answer would be true: \a is its escape
		{`Local\acpmf_*`, `Global\acpmf_physics`, false},
		{`Local\acpmf_*`, `local\acpmf_physics`, false},
		{`*`, `Global\x`, true},
		{`*`, ``, true},
		{`*physics`, `Local\acpmf_physics`, true},
		{`*physics`, `Local\acpmf_physics2`, false},
		{`a*b*c`, `a_b_b_c`, true},
		{`a*b*c`, `a_b_b_`, false},
		{`?`, `é`, true},
		{`??`, `é`, false},
		{`x?z`, `x/z`, true},
		{`Local\$pcars2$`, `Local\$pcars2$`, true},
		{`Local\[x]`, `Local\[x]`, true},
		{`Local\[x]`, `Local\x`, false},
		{`**`, `abc`, true},
		{`a`, `ab`, false},
	} {
		if got := Match(c.glob, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.glob, c.name, got, c.want)
		}
	}
}

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func TestCreateCheckRevoke(t *testing.T) {
	s, err := Open("", 0)
	if err != nil {
		t.Fatal(err)
	}
	tok, text, err := s.Create(Spec{Name: "overlay", Scope: Read, Mappings: []string{`Local\acpmf_*`}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, ReadPrefix) || len(text) != len(ReadPrefix)+26 {
		t.Fatalf("text %q: want %s and 26 base32 characters (130 bits)", text, ReadPrefix)
	}
	g, err := s.Check(text, t0.Add(time.Second))
	if err != nil || g.ID != tok.ID || !g.Allows(`Local\acpmf_physics`) || g.Allows(`Local\other`) {
		t.Fatalf("Check: %+v %v", g, err)
	}
	changed := text[:len(text)-1] + "A"
	if changed == text { // one text in 32 ends in A already
		changed = text[:len(text)-1] + "B"
	}
	if _, err := s.Check(changed, t0); !errors.Is(err, ErrUnknown) {
		t.Fatalf("a changed text: %v, want ErrUnknown", err)
	}
	if got := s.List(); len(got) != 1 || !got[0].LastUsed.Equal(t0.Add(time.Second)) {
		t.Fatalf("List: %+v", got)
	}
	if err := s.Revoke(tok.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.Revoked:
	default:
		t.Fatal("the grant's Revoked channel is open after Revoke")
	}
	if _, err := s.Check(text, t0); !errors.Is(err, ErrUnknown) {
		t.Fatalf("revoked: %v, want ErrUnknown", err)
	}
	if err := s.Revoke(tok.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked twice: %v, want ErrNotFound", err)
	}
}

func TestExpired(t *testing.T) {
	s, _ := Open("", 0)
	_, text, err := s.Create(Spec{Name: "x", Scope: Write, Mappings: []string{"*"}, Expires: t0.Add(time.Hour)}, t0)
	if err != nil || !strings.HasPrefix(text, WritePrefix) {
		t.Fatal(text, err)
	}
	if _, err := s.Check(text, t0.Add(time.Hour-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Check(text, t0.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v, want ErrExpired", err)
	}
}

func TestBounds(t *testing.T) {
	s, _ := Open("", 2)
	ok := Spec{Name: "n", Scope: Read, Mappings: []string{"a"}}
	many := make([]string, MaxGlobs+1)
	for i := range many {
		many[i] = "m" + strings.Repeat("x", i)
	}
	for _, bad := range []Spec{
		{Name: "", Scope: Read, Mappings: []string{"a"}},
		{Name: strings.Repeat("n", MaxName+1), Scope: Read, Mappings: []string{"a"}},
		{Name: "a\nb", Scope: Read, Mappings: []string{"a"}},
		{Name: "n", Scope: "admin", Mappings: []string{"a"}},
		{Name: "n", Scope: Read},
		{Name: "n", Scope: Read, Mappings: many},
		{Name: "n", Scope: Read, Mappings: []string{""}},
		{Name: "n", Scope: Read, Mappings: []string{strings.Repeat("g", MaxGlob+1)}},
		{Name: "n", Scope: Read, Mappings: []string{"a"}, Expires: t0},
	} {
		if _, _, err := s.Create(bad, t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("Create(%+v): %v, want ErrInvalid", bad, err)
		}
	}
	for range 2 {
		if _, _, err := s.Create(ok, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Create(ok, t0); !errors.Is(err, ErrFull) {
		t.Fatalf("past the most: %v, want ErrFull", err)
	}
}

// TestKeptHashed: the file holds the tokens across a reopen, never their text, mode 0600; a last use is
// written at most once a minute, and at Close.
func TestKeptHashed(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "tokens", "tokens.json") // t.TempDir fails its cleanup under Wine
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	tok, text, err := s.Create(Spec{Name: "dash", Scope: Read, Mappings: []string{"*"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), text[len(ReadPrefix):]) {
		t.Fatalf("the file holds the token's text: %s", data)
	}
	if st, _ := os.Stat(path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o, want 0600", st.Mode().Perm())
	}
	lastUse := func() time.Time {
		t.Helper()
		s2, err := Open(path, 0)
		if err != nil {
			t.Fatal(err)
		}
		l := s2.List()
		if len(l) != 1 || l[0].ID != tok.ID {
			t.Fatalf("reopened: %+v", l)
		}
		return l[0].LastUsed
	}
	for _, c := range []struct {
		at, want time.Time
	}{
		{t0.Add(time.Second), t0.Add(time.Second)},           // the first use is written
		{t0.Add(30 * time.Second), t0.Add(time.Second)},      // within the minute: in memory only
		{t0.Add(61 * time.Second), t0.Add(61 * time.Second)}, // a minute on
	} {
		if _, err := s.Check(text, c.at); err != nil {
			t.Fatal(err)
		}
		if got := lastUse(); !got.Equal(c.want) {
			t.Fatalf("used at %s: the file says %s, want %s", c.at, got, c.want)
		}
	}
	s.Check(text, t0.Add(70*time.Second))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.Equal(t0.Add(70 * time.Second)) {
		t.Fatalf("after Close the file says %s", got)
	}
	s2, _ := Open(path, 0)
	if g, err := s2.Check(text, t0.Add(80*time.Second)); err != nil || g.ID != tok.ID {
		t.Fatalf("reopened, Check: %v", err)
	}
	if err := s2.Revoke(tok.ID); err != nil {
		t.Fatal(err)
	}
	if s3, _ := Open(path, 0); len(s3.List()) != 0 {
		t.Fatal("a revoked token is back after a reopen")
	}
}

// FuzzMatch: Match answers as the regular expression the glob means (* any run, ? one character, the rest
// literally), anchored at both ends.
func FuzzMatch(f *testing.F) {
	f.Add(`Local\acpmf_*`, `Local\acpmf_physics`)
	f.Add(`a*b?c*`, `aXbYcZ`)
	f.Add(`*é?`, `xéé`)
	f.Fuzz(func(t *testing.T, glob, name string) {
		if !utf8.ValidString(glob) || !utf8.ValidString(name) || len(glob) > MaxGlob || len(name) > 300 {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, r := range glob {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		if want := regexp.MustCompile(re.String()).MatchString(name); Match(glob, name) != want {
			t.Fatalf("Match(%q, %q) = %v, the regular expression %s says %v", glob, name, !want, re.String(), want)
		}
	})
}
