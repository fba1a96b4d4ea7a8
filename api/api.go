package api

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/cors"
	"github.com/shmbridge/shmbridge/shm"
	swguistatic "github.com/swaggest/swgui/v5/static"
	"github.com/swaggest/swgui/v5emb"
	"golang.org/x/time/rate"
)

// Config configures the API handler.
type Config struct {
	// Hosts is the exact list of Host header values accepted ("127.0.0.1:8765"); anything else is refused
	// before routing (DNS rebinding). See LoopbackHosts.
	Hosts []string
	// Logger receives one line per request at debug level, lifecycle events at info, failures at warn/error.
	Logger *slog.Logger
	// Token is the bearer token every request but GET /healthz must carry (Authorization: Bearer); the docs
	// page also takes it once as ?token= and keeps it in an HttpOnly, SameSite=Strict cookie. "" disables
	// authentication.
	Token string
	// AllowedOrigins are web origins ("https://dash.example") whose pages may call the API from a browser:
	// they get CORS headers and pass the cross-origin check. Empty (the default): no CORS headers at all.
	AllowedOrigins []string
	// MaxBody caps the body of a PUT of data, in bytes (0: only what the mapping can hold).
	MaxBody int64
	// RateLimit is how many requests per second the daemon answers, all clients together (everyone on
	// loopback is 127.0.0.1, so there is nothing better to key on before authentication); 0 disables it.
	// Burst is how many it answers at once above that rate.
	RateLimit float64
	Burst     int
	// MaxWaiters caps the requests waiting at once (event waits, ?wait= reads, mutex acquires and ?lock=
	// waits, together); the next one is 429 too-many-waiters. 0 means DefaultMaxWaiters.
	MaxWaiters int
	// MaxBuffered is the byte budget of all the copies requests make in memory at once (?lock= copies, text
	// PUTs); past it they get 503 busy. 0 means DefaultMaxBuffered.
	MaxBuffered int64
	// Version describes the daemon's build; GET /healthz reports it.
	Version string
	// Session0: the daemon runs in session 0 (a Windows service), where Local\ names are session 0's own and
	// invisible to programs in users' sessions. Creates of names that are not Global\ then carry a hint.
	Session0 bool
	// Spec is the OpenAPI document served at /openapi.yaml and rendered at /docs/ (the daemon embeds
	// openapi.yaml); nil serves 404 there.
	Spec []byte
}

// LoopbackHosts returns the Host values a client on this machine uses to reach a listener at addr:
// localhost, 127.0.0.1 and [::1] with addr's port.
func LoopbackHosts(addr string) []string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	return []string{net.JoinHostPort("localhost", port), net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port)}
}

// DefaultMaxWaiters is the default of Config.MaxWaiters.
const DefaultMaxWaiters = 1024

type server struct {
	reg      *shm.Registry
	waits    chan struct{} // a slot per waiting request
	log      *slog.Logger
	spec     []byte
	maxBody  int64
	token    []byte
	version  string
	session0 bool
	buffers  *buffers
}

// New returns the API handler over reg.
func New(reg *shm.Registry, cfg Config) http.Handler {
	if cfg.MaxWaiters <= 0 {
		cfg.MaxWaiters = DefaultMaxWaiters
	}
	s := &server{reg: reg, log: cfg.Logger, spec: cfg.Spec, maxBody: cfg.MaxBody, token: []byte(cfg.Token),
		waits: make(chan struct{}, cfg.MaxWaiters), version: cfg.Version, session0: cfg.Session0,
		buffers: newBuffers(cfg.MaxBuffered)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	r := chi.NewRouter()
	// The rate limit comes after the Host check and authentication: requests that are refused anyway (cheaply)
	// cannot spend the budget of the clients that hold the token.
	r.Use(s.logRequests, securityHeaders, checkHost(cfg.Hosts), allowOrigins(cfg.AllowedOrigins), s.crossOrigin(cfg.AllowedOrigins),
		refuseSimplePOST, s.authenticate, rateLimit(cfg.RateLimit, cfg.Burst), escapedRoutePath)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(kindNotFound, "no such route")
	}))
	r.MethodNotAllowed(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(kindMethod, "method not allowed on this route")
	}))
	r.Get("/healthz", s.handle(s.health))
	r.Get("/openapi.yaml", s.handle(s.openapi))
	ui := v5emb.New("shmbridge API", "/openapi.yaml", "/docs/")
	r.Get("/docs", s.handle(s.docsPage(ui)))
	r.Get("/docs/{asset}", s.handle(s.docsAsset(ui)))
	r.Route("/v1/mappings", func(r chi.Router) {
		r.Post("/", s.handle(s.createMapping))
		r.Get("/", s.handle(s.listMappings))
		r.Route("/{name}", func(r chi.Router) {
			r.Get("/", s.handle(s.getMapping))
			r.Delete("/", s.handle(s.closeMapping))
			r.Get("/data", s.handle(s.readData))
			r.Put("/data", s.handle(s.writeData))
			r.Post("/flush", s.handle(s.flush))
		})
	})
	r.Route("/v1/events", func(r chi.Router) {
		r.Post("/", s.handle(s.createEvent))
		r.Get("/", s.handle(s.listEvents))
		r.Route("/{name}", func(r chi.Router) {
			r.Get("/", s.handle(s.getEvent))
			r.Delete("/", s.handle(s.closeEvent))
			r.Post("/set", s.handle(s.setEvent))
			r.Post("/reset", s.handle(s.resetEvent))
			r.Post("/pulse", s.handle(s.pulseEvent))
			r.Post("/wait", s.handle(s.waitEvent))
		})
	})
	r.Route("/v1/mutexes", func(r chi.Router) {
		r.Post("/", s.handle(s.createMutex))
		r.Get("/", s.handle(s.listMutexes))
		r.Route("/{name}", func(r chi.Router) {
			r.Get("/", s.handle(s.getMutex))
			r.Delete("/", s.handle(s.closeMutex))
			r.Post("/acquire", s.handle(s.acquireMutex))
			r.Post("/release", s.handle(s.releaseMutex))
		})
	})
	return r
}

// handle adapts a handler that returns an error: the error becomes a problem response, logged once.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		err := h(rec, r)
		if err == nil {
			return
		}
		p := problemFor(err, r)
		if p.Status >= 500 && p.Status != http.StatusServiceUnavailable { // 4xx are the client's business (logRequests has them at debug); 503 is shutdown
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
		}
		if rec.status != 0 {
			// The status line is out: cut the connection so the client cannot take a short body for a whole one.
			panic(http.ErrAbortHandler)
		}
		writeProblem(w, p)
	}
}

// recorder notes the status a response started with (0: not started yet).
type recorder struct {
	http.ResponseWriter
	status int
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(p)
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// checkHost refuses any Host header not in hosts, before routing: DNS rebinding gives a hostile page a
// same-origin path to 127.0.0.1, and only the Host header (which the page cannot set) tells it apart.
func checkHost(hosts []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !slices.Contains(hosts, r.Host) {
				p := problemFor(fail(kindHostNotAllowed, "Host "+quote(r.Host)+" is not an allowed name for this daemon (see -allow-host)"), r)
				writeProblem(w, p)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// apiCSP is the Content-Security-Policy of every response but the docs page: nothing runs, nothing frames it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// docsCSP lets the embedded Swagger UI run its own (inline) scripts and styles, from this origin only.
const docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

// securityHeaders sets headers that keep browsers from framing, sniffing or caching what the daemon serves
// (the bytes of other programs' memory).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", apiCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// TokenCookie holds the token for the docs page once it has logged in with /docs?token=.
const TokenCookie = "shmbridge_token"

// authenticate lets a request through if it carries the token (constant-time compare): as a bearer token, or
// as the docs page's cookie. GET /healthz needs none. /docs?token=T with the right T sets the cookie and
// redirects to /docs, so the token leaves the address bar.
func (s *server) authenticate(next http.Handler) http.Handler {
	if len(s.token) == 0 {
		return next
	}
	valid := func(t string) bool { return subtle.ConstantTimeCompare([]byte(t), s.token) == 1 }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && r.Method == http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && valid(t) {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(TokenCookie); err == nil && valid(c.Value) {
			// A browser sends the cookie with requests from any page of this site (every localhost port is
			// same-site), and some GETs change state (?wait= takes a signal, ?lock= a mutex): the cookie
			// counts only for requests from the daemon's own pages, or typed in the address bar.
			if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
				writeProblem(w, problemFor(fail(kindCrossOrigin, "the login cookie is accepted only from the daemon's own pages (Sec-Fetch-Site: "+site+"); other clients send Authorization: Bearer"), r))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/docs" && valid(r.URL.Query().Get("token")) {
			http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: string(s.token), Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/docs", http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="shmbridge"`)
		writeProblem(w, problemFor(fail(kindUnauthorized, "send Authorization: Bearer <token> (curl: --oauth2-bearer \"$TOKEN\"); the daemon says at start where its token is"), r))
	})
}

// rateLimit answers 429 with Retry-After once requests come faster than perSecond (with burst above it).
func rateLimit(perSecond float64, burst int) func(http.Handler) http.Handler {
	if perSecond <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	lim := rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if res := lim.Reserve(); res.Delay() > 0 {
				res.Cancel()
				w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(res.Delay().Seconds())))))
				writeProblem(w, problemFor(fail(kindRateLimited, fmt.Sprintf("over %g requests per second (-rate-limit)", perSecond)), r))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// crossOrigin refuses state-changing requests a browser marks as cross-site (Sec-Fetch-Site, or an Origin that
// is not this host): http.CrossOriginProtection, answering a problem.
func (s *server) crossOrigin(trusted []string) func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		cop.AddTrustedOrigin(o) // checked by main
	}
	cop.SetDenyHandler(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(kindCrossOrigin, "a browser sent this request from another site")
	}))
	return cop.Handler
}

// allowOrigins answers CORS (preflights included, before authentication: a preflight carries no token) for
// the operator's listed origins only; with none, it adds nothing.
func allowOrigins(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return cors.Handler(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{"GET", "POST", "PUT", "DELETE"},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Range"},
		ExposedHeaders: []string{"Location", "Content-Range", "Retry-After", AbandonedHeader},
		MaxAge:         600,
	})
}

// refuseSimplePOST refuses a POST whose body is text/plain or a form: the only bodies a page on another site
// can POST without a CORS preflight. The API's POST bodies are JSON.
func refuseSimplePOST(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
			case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
				writeProblem(w, problemFor(fail(kindCrossOrigin, "a POST with a "+mt+" body could come from any web page: send application/json"), r))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// escapedRoutePath makes chi route on the escaped path, so a name's %2F or %25 stays inside its path segment;
// name() unescapes the parameter exactly once.
func escapedRoutePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rctx := chi.RouteContext(r.Context()); rctx != nil {
			rctx.RoutePath = r.URL.EscapedPath()
		}
		next.ServeHTTP(w, r)
	})
}

// logRequests logs each request at debug level: under polling, info stays quiet.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", time.Since(start))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// Health answers GET /healthz.
type Health struct {
	Status string `json:"status" validate:"required" example:"ok"`
	// Version is the daemon's build: module version, VCS commit and Go version (shmbridge -version prints the same).
	Version string `json:"version,omitempty" example:"shmbridge v0.2.0 (commit 724b743) go1.26.8 linux/amd64"`
}

// openapi godoc
//
//	@Summary	This API's OpenAPI 3.1 description
//	@ID			getOpenAPI
//	@Tags		daemon
//	@Produce	application/problem+json
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure	404	{object}	Problem	"not-found: no spec configured"
//	@Produce	application/yaml
//	@Success	200	{string}	string	"openapi.yaml"
//	@Security	BearerAuth
//	@Router		/openapi.yaml [get]
func (s *server) openapi(w http.ResponseWriter, r *http.Request) error {
	if s.spec == nil {
		return fail(kindNotFound, "this daemon serves no OpenAPI document")
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, err := w.Write(s.spec)
	return err
}

// docsPage godoc
//
//	@Summary	A readable API page (Swagger UI, embedded in the binary: works offline)
//	@ID			getDocsPage
//	@Tags		daemon
//	@Produce	application/problem+json
//	@Failure	401		{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403		{object}	Problem	"host-not-allowed"
//	@Failure	429		{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure	404		{object}	Problem	"not-found: no spec configured"
//	@Param		token	query		string	false	"The token: logs the browser in (an HttpOnly cookie) and redirects to /docs"
//	@Produce	html
//	@Success	200	{string}	string		"the page"
//	@Success	303	{string}	string		"logged in: the cookie is set, go to /docs"
//	@Header		303	{string}	Location	"/docs"
//	@Header		303	{string}	Set-Cookie	"shmbridge_token (HttpOnly; SameSite=Strict)"
//	@Security	BearerAuth
//	@Router		/docs [get]
func (s *server) docsPage(ui http.Handler) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.spec == nil {
			return fail(kindNotFound, "this daemon serves no OpenAPI document")
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
//	@Summary	A script, style sheet or icon of the API page
//	@ID			getDocsAsset
//	@Tags		daemon
//	@Param		asset	path	string	true	"File name, e.g. swagger-ui-bundle.js"
//	@Produce	application/problem+json
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	application/javascript,text/css,image/png,text/html
//	@Success	200	{string}	string	"the file"
//	@Security	BearerAuth
//	@Router		/docs/{asset} [get]
func (s *server) docsAsset(ui http.Handler) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !hasAsset(chi.URLParam(r, "asset")) || s.spec == nil {
			return fail(kindNotFound, "no such asset")
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
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, Health{Status: "ok", Version: s.version})
}

// sessionHint is what a create answers in Hint: empty, except when the daemon runs in session 0 (a Windows
// service) and created a name that is not a Global\ one, which programs in users' sessions would never see.
func (s *server) sessionHint(name string, created bool) string {
	if !s.session0 || !created || strings.HasPrefix(strings.ToLower(name), `global\`) {
		return ""
	}
	return `this daemon runs as a Windows service, in session 0: ` + name + ` is in session 0's Local\ namespace, ` +
		`which programs in a user's session do not see; use a Global\ name to share with them`
}
