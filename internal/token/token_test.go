package token_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/internal/token"
)

func TestTokenFileMadeOnceAndPrivate(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "cfg", "shmbridge", "token")
	tok, created, err := token.Load(path)
	if err != nil || !created || len(tok) < 26 { // rand.Text: 26 base32 characters, 130 bits
		t.Fatalf("first start: %q created=%v err=%v", tok, created, err)
	}
	again, created, err := token.Load(path)
	if err != nil || created || again != tok {
		t.Fatalf("second start: %q created=%v err=%v, want the same token", again, created, err)
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(path)
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("token file mode %04o, want 0600", st.Mode().Perm())
		}
		os.Chmod(path, 0o644)
		if _, _, err := token.Load(path); err == nil {
			t.Fatal("a token file others can read was accepted")
		}
	}
}

// TestCreateKeepsAToken: Create makes a token once; a second Create (a reinstall) keeps it.
func TestCreateKeepsAToken(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "token")
	if created, err := token.Create(path); err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	before, _ := os.ReadFile(path)
	if created, err := token.Create(path); err != nil || created {
		t.Fatalf("second: %v %v", created, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) || len(before) < 27 {
		t.Fatalf("token %q then %q", before, after)
	}
}
