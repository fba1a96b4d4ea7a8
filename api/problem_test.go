package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/shm"
)

// TestUnsupportedIs501: on a system without a backend (shm_other.go) every open fails with shm.ErrUnsupported,
// which clients must see as 501 unsupported, not as an internal error.
func TestUnsupportedIs501(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/mappings", nil)
	p, _ := problemFor(&shm.Error{Op: "create", Name: "X", Err: shm.ErrUnsupported}, r)
	if p.Status != http.StatusNotImplemented || p.Type != ProblemTypePrefix+"unsupported" {
		t.Fatalf("got %d %s, want 501 %sunsupported", p.Status, p.Type, ProblemTypePrefix)
	}
	if !strings.Contains(p.Detail, "Linux and Windows") {
		t.Fatalf("detail %q does not say which systems are supported", p.Detail)
	}
}

// TestProblemTypesInDocs: docs/problems.md's table of problem types lists every problem type, with its
// status, and no other.
func TestProblemTypesInDocs(t *testing.T) {
	readme, err := os.ReadFile("../docs/problems.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (\\d{3}) \\|").FindAllStringSubmatch(string(readme), -1)
	inREADME := map[string]string{}
	for _, row := range rows {
		inREADME[row[1]] = row[2]
	}
	for _, k := range problemTypes {
		if got, want := inREADME[k.name], strconv.Itoa(k.status); got != want {
			t.Errorf("docs/problems.md: %s is %q, want %s", k.name, got, want)
		}
		delete(inREADME, k.name)
	}
	for name := range inREADME {
		t.Errorf("docs/problems.md lists %s, which the API never answers", name)
	}
}
