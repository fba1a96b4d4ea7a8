package api

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

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

// page godoc
//
//	@Summary		A page of -pages-dir (public)
//	@ID				getPage
//	@Description	The files of the directory -pages-dir names (a stream overlay: examples/overlay), under the dashboard's
//	@Description	Content-Security-Policy: their scripts and style sheets, and this daemon's API, nothing else. A
//	@Description	directory answers its index.html. Public: a browser source cannot log in; what a page shows comes from
//	@Description	the API with a read token.
//	@Tags			daemon
//	@Param			path	path	string	true	"The file, under -pages-dir, slashes included (which OpenAPI's path parameters cannot say): overlay/, overlay/overlay.js"
//	@Produce		application/problem+json
//	@Failure		404	{object}	Problem	"not-found: no such file, or no -pages-dir"
//	@Produce		html,text/javascript,text/css
//	@Success		200	{string}	string	"the file"
//	@Success		301	"a directory without its slash: Location is the directory"
//	@Header			301	{string}	Location	"the directory, with its slash"
//	@Router			/pages/{path} [get]
func (s *server) page(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "*")
	if s.pages == nil {
		return fail(probNotFound, "this daemon serves no pages (-pages-dir)")
	}
	if strings.HasSuffix(r.URL.Path, "/") { // a directory: its index.html
		name = path.Join(name, "index.html")
	}
	if !fs.ValidPath(name) || strings.HasPrefix(path.Base(name), ".") {
		return fail(probNotFound, "no such page")
	}
	if st, err := fs.Stat(s.pages, name); err != nil || st.IsDir() {
		if err == nil { // a directory without its slash: where its index.html is
			http.Redirect(w, r, path.Base(name)+"/", http.StatusMovedPermanently)
			return nil
		}
		return fail(probNotFound, "no such page")
	}
	f, err := s.pages.Open(name)
	if err != nil {
		return fail(probNotFound, "no such page")
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return fail(probNotFound, "no such page")
	}
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	http.ServeContent(w, r, name, time.Time{}, rs)
	return nil
}
