package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestTokensKeptAcrossRestart: a scoped token made through the API is kept in -tokens-file (0600, hashed: never
// its text) and accepted again after a restart, its last use written at the stop.
func TestTokensKeptAcrossRestart(t *testing.T) {
	const main = "tokens-file-test-token-0123456789"
	t.Setenv("SHMBRIDGE_TOKEN", main)
	file := filepath.Join(testutil.TempDir(t), "tokens.json")
	args := []string{"-listen", "127.0.0.1:0", "-tokens-file", file, "-layouts-dir", "-", "-publishers-dir", "-", "-recordings-dir", "-"}
	var secret string
	t.Run("made", func(t *testing.T) {
		addr, _ := startDaemon(t, args...)
		status, body := call(t, "POST", "http://"+addr+"/v1/tokens", main, `{"name": "overlay", "scope": "read", "mappings": ["*"]}`)
		var tok struct{ Token string }
		if json.Unmarshal([]byte(body), &tok); status != 201 || tok.Token == "" {
			t.Fatalf("POST /v1/tokens: %d %s", status, body)
		}
		secret = tok.Token
		if status, body := call(t, "GET", "http://"+addr+"/v1/mappings", secret, ""); status != 200 {
			t.Fatalf("with the token: %d %s", status, body)
		}
	})
	data, err := os.ReadFile(file)
	if err != nil || secret == "" {
		t.Fatalf("the tokens file: %v", err)
	}
	if strings.Contains(string(data), secret[len("shmb_r_"):]) || !strings.Contains(string(data), `"last_used"`) {
		t.Fatalf("the tokens file holds the token's text, or not its last use:\n%s", data)
	}
	if st, _ := os.Stat(file); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("the tokens file's mode is %o, want 0600", st.Mode().Perm())
	}
	t.Run("restarted", func(t *testing.T) {
		addr, _ := startDaemon(t, args...)
		if status, body := call(t, "GET", "http://"+addr+"/v1/mappings", secret, ""); status != 200 {
			t.Fatalf("with the token after a restart: %d %s", status, body)
		}
		if status, body := call(t, "GET", "http://"+addr+"/v1/tokens", main, ""); status != 200 || !strings.Contains(body, `"overlay"`) {
			t.Fatalf("GET /v1/tokens after a restart: %d %s", status, body)
		}
	})
}

// call sends a request with token as its bearer credential (and body as JSON, if any), and answers its status
// and body.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
