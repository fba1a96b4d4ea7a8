package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/shmbridge/shmbridge/shm"
)

// TestProblemTypesInSpec: openapi.yaml lists exactly the problem types the code can answer, so scripts can
// rely on the list.
func TestProblemTypesInSpec(t *testing.T) {
	spec, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	problem, ok := model.Model.Components.Schemas.Get("api.Problem")
	if !ok {
		t.Fatal("no api.Problem schema in openapi.yaml")
	}
	typ, ok := problem.Schema().Properties.Get("type")
	if !ok {
		t.Fatal("api.Problem has no type property")
	}
	var inSpec, inCode []string
	for _, v := range typ.Schema().Enum {
		inSpec = append(inSpec, v.Value)
	}
	for _, k := range problemTypes {
		inCode = append(inCode, ProblemTypePrefix+k.name)
	}
	slices.Sort(inSpec)
	slices.Sort(inCode)
	if !slices.Equal(inSpec, inCode) {
		t.Fatalf("Problem.type enum in openapi.yaml:\n  %v\nproblem types in problem.go:\n  %v", inSpec, inCode)
	}
}

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
