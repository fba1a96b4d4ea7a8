package api_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// TestSession0Hint: a daemon running as a Windows service (session 0) says, in the answer of every create of a
// name that is not Global\, that programs in users' sessions will not see it; Global\ names and daemons in a
// user's session answer no hint.
func TestSession0Hint(t *testing.T) {
	for _, session0 := range []bool{true, false} {
		b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Session0 = session0 })
		for _, kind := range []string{"mappings", "events", "mutexes"} {
			for i, prefix := range []string{`Local\`, ``, `Global\`} {
				n := fmt.Sprintf(`%sshmbridge-hint-%d-%s-%t-%d`, prefix, os.Getpid(), kind, session0, i)
				body, _ := json.Marshal(map[string]any{"name": n})
				if kind == "mappings" {
					body, _ = json.Marshal(map[string]any{"name": n, "size": 64})
				}
				resp, data := b.do("POST", "/v1/"+kind, strings.NewReader(string(body)), "Content-Type", "application/json")
				if resp.StatusCode != 201 {
					t.Fatalf("create %s %s: %d %s", kind, n, resp.StatusCode, data)
				}
				var got struct{ Hint string }
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				want := session0 && prefix != `Global\`
				if (got.Hint != "") != want || want && !strings.Contains(got.Hint, `use a Global\ name`) {
					t.Errorf("session0=%t create %s %q: hint %q", session0, kind, n, got.Hint)
				}
			}
		}
	}
}
