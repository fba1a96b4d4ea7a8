//go:build !nospec

package api

import (
	"os"
	"slices"
	"testing"

	"github.com/pb33f/libopenapi"
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
