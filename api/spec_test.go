//go:build !nospec

package api_test

// Every request the API tests send and every response they receive goes through specCheck, which validates it
// against the generated openapi.yaml (operation, parameters, status, content type, body schema): a handler
// that drifts from the spec fails the suite; each watch message is checked against api.WatchData. Requests a
// test sends invalid on purpose are marked with invalidOnPurpose and only their responses are checked.
//
// -tags nospec leaves these checks out (nospec_test.go), and libopenapi, two thirds of what the API tests
// compile, with them: CI checks the contract in the race suite and builds the plain and Windows tests so.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// readSpec parses openapi.yaml. Each caller gets a document of its own: libopenapi renders schemas as it
// validates, which is not safe for concurrent use.
func readSpec() (libopenapi.Document, error) {
	spec, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		return nil, err
	}
	return libopenapi.NewDocument(spec)
}

var loadSpec = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := readSpec()
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.yaml: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI 3.1 document: %v", verrs)
	}
	return v, nil
})

// maxChecked is the largest body specCheck buffers to validate; larger ones (the 1 GiB transfer) are
// octet-stream, whose schema is "binary string", and stream through with status and headers checked.
const maxChecked = 1 << 20

type specCheck struct {
	t    testing.TB
	base http.RoundTripper
	mu   *sync.Mutex // the validator is not documented as safe for concurrent use
}

// newSpecCheck answers a transport that sends requests by base, checking each and its response.
func newSpecCheck(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if _, err := loadSpec(); err != nil {
		t.Fatal(err)
	}
	return specCheck{t: t, base: base, mu: &sync.Mutex{}}
}

func (c specCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	req = withToken(req)
	v, _ := loadSpec()
	where := req.Method + " " + req.URL.RequestURI()
	var inSpec bool
	if req.Context().Value(invalidKey{}) != nil {
		inSpec = c.hasOperation(req)
	} else {
		// One validation says both whether the spec has the operation and whether the request matches it
		// (a validation is the costly part of every API test under -race).
		check := req.Clone(req.Context())
		if req.Body != nil && req.ContentLength >= 0 && req.ContentLength <= maxChecked {
			body, err := io.ReadAll(req.Body)
			if err != nil {
				return nil, err
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			check.Body = io.NopCloser(bytes.NewReader(body))
		}
		c.mu.Lock()
		ok, errs := v.ValidateHttpRequest(check)
		c.mu.Unlock()
		if inSpec = !noOperation(errs); inSpec && !ok {
			c.t.Errorf("request %s does not match openapi.yaml:%s", where, describe(errs))
		}
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	check := *resp
	if resp.ContentLength >= 0 && resp.ContentLength <= maxChecked || resp.ContentLength < 0 && !strings.Contains(resp.Header.Get("Content-Type"), "octet-stream") {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		check.Body = io.NopCloser(bytes.NewReader(body))
	} else {
		check.Body = http.NoBody // a big octet-stream body: the validator does not read it anyway
	}
	if req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" && resp.StatusCode < 300 {
		return resp, nil // a CORS preflight: protocol, not an API operation
	}
	if !inSpec {
		// Unknown routes and methods are outside the spec: they must still answer a problem.
		var p map[string]any
		b, _ := io.ReadAll(check.Body)
		if check.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(b, &p) != nil ||
			p["type"] == nil || p["title"] == nil || p["status"] == nil {
			c.t.Errorf("%s (outside the spec) answered %d %s %s, not a problem", where, resp.StatusCode, check.Header.Get("Content-Type"), b)
		}
		return resp, nil
	}
	c.mu.Lock()
	ok, errs := v.ValidateHttpResponse(req, &check)
	c.mu.Unlock()
	if !ok {
		c.t.Errorf("response %d to %s does not match openapi.yaml:%s", resp.StatusCode, where, describe(errs))
	}
	return resp, nil
}

// hasOperation reports whether the spec has an operation for the request's method and path.
func (c specCheck) hasOperation(req *http.Request) bool {
	v, _ := loadSpec()
	probe := req.Clone(context.Background())
	probe.Body = http.NoBody
	c.mu.Lock()
	_, errs := v.ValidateHttpRequest(probe)
	c.mu.Unlock()
	return !noOperation(errs)
}

// noOperation reports whether a validation's errors say the spec has no operation for the request's method
// and path.
func noOperation(errs []*verrors.ValidationError) bool {
	for _, e := range errs {
		if e.ValidationType == helpers.PathValidation &&
			(e.ValidationSubType == helpers.ValidationMissing || e.ValidationSubType == helpers.ValidationMissingOperation) {
			return true
		}
	}
	return false
}

// watchSchema is the spec's schema of a watch message's data.
var watchSchema = sync.OnceValues(func() (*base.Schema, error) {
	doc, err := readSpec()
	if err != nil {
		return nil, err
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	s, ok := model.Model.Components.Schemas.Get("api.WatchData")
	if !ok {
		return nil, errors.New("openapi.yaml has no api.WatchData schema")
	}
	return s.Schema(), nil
})

var watchValidating sync.Mutex // libopenapi renders the schema as it validates: not safe for concurrent use

// watchDataCheck answers a function that says how a watch message's data differs from api.WatchData in the
// spec ("" when it matches).
func watchDataCheck(t testing.TB) func(data string) string {
	schema, err := watchSchema()
	if err != nil {
		t.Fatal(err)
	}
	validator := schema_validation.NewSchemaValidator()
	return func(data string) string {
		watchValidating.Lock()
		defer watchValidating.Unlock()
		if ok, errs := validator.ValidateSchemaString(schema, data); !ok {
			return describe(errs)
		}
		return ""
	}
}

func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n    %s: %s", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n      at %s: %s", se.FieldPath, se.Reason)
		}
	}
	return b.String()
}
