package api

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	swguistatic "github.com/swaggest/swgui/v5/static"
)

// docsCSP lets the embedded Swagger UI run its own (inline) scripts and styles, from this origin only.
const docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

// Health answers GET /healthz.
type Health struct {
	Status string `json:"status" validate:"required" example:"ok"`
	// Version is the daemon's build: module version, VCS commit and Go version (shmbridge -version prints the same).
	Version string `json:"version,omitempty" example:"shmbridge v0.2.0 (commit 724b743) go1.26.8 linux/amd64"`
}

// openapi godoc
//
//	@Summary	This API's OpenAPI 3.1 description (public, like the repository's openapi.yaml)
//	@ID			getOpenAPI
//	@Tags		daemon
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found: no spec configured"
//	@Produce	application/yaml
//	@Success	200	{string}	string	"openapi.yaml"
//	@Router		/openapi.yaml [get]
func (s *server) openapi(w http.ResponseWriter, r *http.Request) error {
	if s.spec == nil {
		return fail(probNotFound, "this daemon serves no OpenAPI document")
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, err := w.Write(s.spec)
	return err
}

// docsPage godoc
//
//	@Summary	A readable API page (Swagger UI, embedded in the binary: works offline; public; its "Try it out" takes the token under Authorize)
//	@ID			getDocsPage
//	@Tags		daemon
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found: no spec configured"
//	@Produce	html
//	@Success	200	{string}	string	"the page"
//	@Router		/docs [get]
func (s *server) docsPage(ui http.Handler) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.spec == nil {
			return fail(probNotFound, "this daemon serves no OpenAPI document")
		}
		w.Header().Set("Content-Security-Policy", docsCSP)
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/docs/" // the UI's index
		ui.ServeHTTP(w, r2)
		return nil
	}
}

// docsAsset godoc
//
//	@Summary	A script, style sheet or icon of the API page (public)
//	@ID			getDocsAsset
//	@Tags		daemon
//	@Param		asset	path	string	true	"File name, e.g. swagger-ui-bundle.js"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	application/javascript,text/css,image/png,text/html
//	@Success	200	{string}	string	"the file"
//	@Router		/docs/{asset} [get]
func (s *server) docsAsset(ui http.Handler) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !hasAsset(chi.URLParam(r, "asset")) || s.spec == nil {
			return fail(probNotFound, "no such asset")
		}
		w.Header().Set("Content-Security-Policy", docsCSP)
		ui.ServeHTTP(w, r)
		return nil
	}
}

// hasAsset reports whether the embedded UI has the file (stored plain or gzipped).
func hasAsset(name string) bool {
	for _, n := range []string{name, name + ".gz"} {
		if _, err := fs.Stat(swguistatic.FS, n); err == nil && fs.ValidPath(name) {
			return true
		}
	}
	return false
}

// health godoc
//
//	@Summary	Liveness
//	@ID			health
//	@Tags		daemon
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, Health{Status: "ok", Version: s.build})
}
