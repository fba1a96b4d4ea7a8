package api

import (
	"io/fs"
	"net/http"
	"path"

	"github.com/go-chi/chi/v5"
)

// dashboardCSP lets the dashboard run its own module scripts and style sheet and talk to this daemon, and
// nothing else: no inline script or style, no other origin, no framing.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// dashboardPage godoc
//
//	@Summary	The dashboard (embedded in the binary; public: its data comes from the API)
//	@ID			getDashboard
//	@Tags		daemon
//	@Param		token	query	string	false	"Not taken: the token never goes in a URL (the browser's history would keep it); the page says so and takes it pasted"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found: this daemon serves no dashboard"
//	@Produce	html
//	@Success	200	{string}	string	"the page"
//	@Router		/ [get]
func (s *server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	return s.dashboardFile(w, r, "index.html")
}

// dashboardAsset godoc
//
//	@Summary	A script, style sheet or icon of the dashboard (public)
//	@ID			getDashboardAsset
//	@Tags		daemon
//	@Param		file	path	string	true	"File name, e.g. app.js"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	text/javascript,text/css,image/svg+xml
//	@Success	200	{string}	string	"the file"
//	@Router		/ui/{file} [get]
func (s *server) dashboardAsset(w http.ResponseWriter, r *http.Request) error {
	return s.dashboardFile(w, r, chi.URLParam(r, "file"))
}

func (s *server) dashboardFile(w http.ResponseWriter, r *http.Request, name string) error {
	if s.dashboard == nil {
		return fail(probNotFound, "this daemon serves no dashboard")
	}
	if path.Ext(name) == ".go" || !fs.ValidPath(name) {
		return fail(probNotFound, "no such file")
	}
	if _, err := fs.Stat(s.dashboard, name); err != nil {
		return fail(probNotFound, "no such file")
	}
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	http.ServeFileFS(w, r, s.dashboard, name)
	return nil
}
