package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/mirror"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/replay"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/session"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
	"github.com/swaggest/swgui/v5emb"
)

// Config configures the API handler.
type Config struct {
	// Hosts is the exact list of Host header values accepted ("127.0.0.1:8765"); anything else is refused
	// before routing (DNS rebinding). See LoopbackHosts.
	Hosts []string
	// Logger receives one line per request at debug level, lifecycle events at info, failures at warn/error.
	Logger *slog.Logger
	// Token is the bearer token every request but the public ones must carry (Authorization: Bearer), or a
	// session credential the daemon issued for it (POST /v1/sessions: the dashboard's login). "" disables
	// authentication.
	Token string
	// LoginCode is a one-time code for the dashboard's login link (the daemon prints it in a terminal): POST
	// /v1/sessions takes it once, before LoginCodeUntil, for a session. "": none.
	LoginCode      string
	LoginCodeUntil time.Time
	// AllowedOrigins are web origins ("https://dash.example") whose pages may call the API from a browser:
	// they get CORS headers and pass the cross-origin check. Empty (the default): no CORS headers at all.
	AllowedOrigins []string
	// MaxBody caps the body of a PUT of data, in bytes (0: only what the mapping can hold).
	MaxBody int64
	// TransferStall is how long a data transfer may go without moving another MiB before it is cut (0:
	// DefaultTransferStall).
	TransferStall time.Duration
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
	// Budget, if set, is the byte budget itself (shared with the runtimes beside the API); it overrides
	// MaxBuffered.
	Budget *budget.Bytes
	// Build describes the daemon's build (its version); GET /healthz reports it.
	Build string
	// Session0: the daemon runs in session 0 (a Windows service), where Local\ names are session 0's own and
	// invisible to programs in users' sessions. Creates of names that are not Global\ then carry a hint.
	Session0 bool
	// MaxWatchers caps the watch streams open at once; the next is 429 too-many-watchers. 0 means
	// DefaultMaxWatchers.
	MaxWatchers int
	// MaxSamplers caps the distinct sources watched at once (a sampler each: a range, its interval or event,
	// its format); past it a stream is 429 too-many-samplers. 0 means DefaultMaxSamplers.
	MaxSamplers int
	// MaxSampleRate caps the samples per second of every interval-driven sampler together (a 10 ms sampler
	// counts 100); past it a stream is 429 too-many-samplers. 0 means DefaultMaxSampleRate.
	MaxSampleRate float64
	// MinWatchInterval is the smallest ?interval= a watch may ask for. 0 means DefaultMinWatchInterval.
	MinWatchInterval time.Duration
	// WatchHeartbeat is how often a quiet watch stream sends a comment. 0 means DefaultWatchHeartbeat.
	WatchHeartbeat time.Duration
	// Hub, if set, is the hub of watch streams (see NewHub), shared with the runtimes beside the API as Budget
	// is: the daemon's, which it closes at shutdown; nil: New makes one.
	Hub *watch.Hub
	// Stopping, closed when the daemon begins to shut down, ends watch streams with event: closed (reason
	// shutdown). nil: never.
	Stopping <-chan struct{}
	// Dashboard holds the dashboard's files (index.html, its scripts and style sheet), served at / and /ui/;
	// nil serves 404 there. The daemon embeds web.FS.
	Dashboard fs.FS
	// Pages are the user's own pages (-pages-dir: a stream overlay), served at /pages/ under the dashboard's
	// Content-Security-Policy, public (a browser source cannot log in: their data needs a read token); nil
	// serves 404 there.
	Pages fs.FS
	// Layouts are the saved layouts (PUT /v1/layouts/{id}); nil: kept in memory only, with DefaultMaxLayouts.
	Layouts *layout.Store
	// Publishers are the configured publishers (POST /v1/publishers); nil: kept in memory only, with
	// DefaultMaxPublishers. MaxMetricSeries caps the gauges they export together (0: DefaultMaxMetricSeries).
	Publishers      *publish.Store
	MaxMetricSeries int
	// Tokens are the scoped tokens (POST /v1/tokens); nil: kept in memory only, at most
	// scope.DefaultMaxTokens.
	Tokens *scope.Store
	// Recordings keep the recordings (POST /v1/recordings); nil: recordings are off.
	Recordings *record.Store
	// Replays is the player of recordings into mappings (POST /v1/mappings/{name}/replay); its owner (the
	// daemon) closes it. nil: one of the handler's own, never closed (its replays end with their mappings).
	Replays *replay.Player
	// Broker is the broker mqtt publishers publish to, set by -mqtt (PUT /v1/mqtt cannot change it); nil: the
	// one kept in Publishers, if any. Only for a runtime New makes (PublishRuntime nil).
	Broker *mqtt.Config
	// PublishRuntime runs the publishers (its store is then Publishers): started, stopped and waited for by its
	// maker. New registers its collectors and loads it (its kept publishers checked, none started). nil: New
	// makes one over Publishers, Broker and MaxMetricSeries that runs a publisher only once one is added (and
	// connects to a broker only once one is PUT).
	PublishRuntime *publish.Runtime
	// Mirrors runs the mirrors (POST /v1/mirrors): started, stopped and waited for by its owner (the daemon).
	// nil: a runtime of New's own, kept in memory only.
	Mirrors *mirror.Runtime
	// Demo plays the demo (GET, POST, DELETE /v1/demo): started and stopped by its owner (the daemon) too,
	// which stops it at shutdown. nil: the routes answer 501 unsupported, for a handler never starts a demo it
	// would not stop (the demo writes the games' own names, machine-wide).
	Demo DemoRuntime
	// Spec is the OpenAPI document served at /openapi.yaml and rendered at /docs/ (the daemon embeds
	// openapi.yaml); nil serves 404 there.
	Spec []byte
}

// NewHub returns the hub of watch streams cfg describes, its samplers' memory taken from b (nil: a budget of
// cfg.MaxBuffered of its own).
func NewHub(cfg Config, b *budget.Bytes) *watch.Hub {
	if b == nil {
		b = budget.New(cmp.Or(max(cfg.MaxBuffered, 0), DefaultMaxBuffered))
	}
	h := watch.New()
	h.MaxWatchers = cmp.Or(cfg.MaxWatchers, DefaultMaxWatchers)
	h.MaxSamplers = cmp.Or(cfg.MaxSamplers, DefaultMaxSamplers)
	h.MaxSampleRate = cmp.Or(cfg.MaxSampleRate, DefaultMaxSampleRate)
	h.ProblemKind = ProblemKind
	h.Budget = b // samplers and messages take from the same budget as every other copy
	return h
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

type server struct {
	reg       *registry.Registry
	waits     chan struct{} // a slot per waiting request
	log       *slog.Logger
	spec      []byte
	dashboard fs.FS
	pages     fs.FS
	maxBody   int64
	token     []byte
	// transferStall: Config.TransferStall
	transferStall time.Duration
	sessions      *session.Store
	tokens        *scope.Store
	build         string
	session0      bool
	budget        *budget.Bytes
	layouts       *layout.Store
	plans         *view.Planner
	// publishers are kept in the store, and run by the runtime (publish).
	publishers *publish.Store
	publish    *publish.Runtime
	mirrors    *mirror.Runtime
	demo       DemoRuntime
	recordings *record.Store
	replays    *replay.Player
	resources  record.Resources // what recordings and replays take from the server

	metrics   *metrics
	hub       *watch.Hub
	minWatch  time.Duration
	heartbeat time.Duration
	stopping  <-chan struct{}

	// mux is the router, and classes each route's class by "METHOD pattern": what authenticate looks up for a
	// request without a credential (public or not), before routing.
	mux     *chi.Mux
	classes map[string]class
	// publicDirs are the folders of public GET routes that take a file's name (/ui/, /docs/, /pages/).
	publicDirs []string
}

// New returns the API handler over reg.
func New(reg *registry.Registry, cfg Config) http.Handler {
	s := newServer(reg, cfg)
	return s.routes(cfg)
}

// newServer is the server cfg describes, with a store or a runtime of its own for each cfg leaves nil (tests;
// the daemon passes its own); it starts no goroutine.
func newServer(reg *registry.Registry, cfg Config) *server {
	if cfg.MaxWaiters <= 0 {
		cfg.MaxWaiters = DefaultMaxWaiters
	}
	s := &server{reg: reg, log: cfg.Logger, spec: cfg.Spec, dashboard: cfg.Dashboard, pages: cfg.Pages, maxBody: cfg.MaxBody, token: []byte(cfg.Token),
		waits: make(chan struct{}, cfg.MaxWaiters), build: cfg.Build, session0: cfg.Session0,
		budget: cfg.Budget, layouts: cfg.Layouts, publishers: cfg.Publishers, publish: cfg.PublishRuntime,
		recordings: cfg.Recordings, replays: cfg.Replays, mirrors: cfg.Mirrors, demo: cfg.Demo, hub: cfg.Hub, transferStall: cfg.TransferStall, tokens: cfg.Tokens}
	if s.transferStall <= 0 {
		s.transferStall = DefaultTransferStall
	}
	if s.budget == nil {
		s.budget = budget.New(cmp.Or(max(cfg.MaxBuffered, 0), DefaultMaxBuffered))
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.defaultStores()
	s.sessions = session.New(s.token, cfg.LoginCode, cfg.LoginCodeUntil)
	if err := s.layouts.AddBuiltins(catalogue.Sources()); err != nil {
		panic(err) // the catalogue's own test compiles them
	}
	s.plans = view.NewPlanner(reg)
	if s.hub == nil {
		s.hub = NewHub(cfg, s.budget)
	}
	s.minWatch = max(cfg.MinWatchInterval, 0)
	if s.minWatch == 0 {
		s.minWatch = DefaultMinWatchInterval
	}
	s.heartbeat = cmp.Or(cfg.WatchHeartbeat, DefaultWatchHeartbeat)
	s.resources = s.recordingResources()
	s.stopping = cfg.Stopping
	if s.publish == nil {
		s.publish = publish.NewRuntime(publish.Options{Store: s.publishers, Registry: reg, Layouts: s.layouts, Hub: s.hub,
			Budget: s.budget, Broker: cfg.Broker, MinInterval: s.minWatch, MaxInterval: maxWatchInterval,
			MaxSeries: cmp.Or(cfg.MaxMetricSeries, DefaultMaxMetricSeries), Log: s.log})
	}
	if s.mirrors == nil {
		mirrors, _ := mirror.Open("", 0)
		s.mirrors = mirror.NewRuntime(mirror.Options{Store: mirrors, Registry: reg, Layouts: s.layouts, MinInterval: s.minWatch, Log: s.log})
	}
	s.metrics = newMetrics(s)
	s.publish.Load(s.metrics.reserved) // kept from before: checked as at their creation
	return s
}

// defaultStores gives the server the stores cfg left nil: in memory only.
func (s *server) defaultStores() {
	if s.recordings == nil {
		s.recordings, _ = record.Open("", record.Options{})
	}
	if s.replays == nil {
		s.replays = replay.NewPlayer(s.log)
	}
	if s.publish != nil {
		s.publishers = s.publish.Store()
	}
	if s.publishers == nil {
		s.publishers, _ = publish.Open("", DefaultMaxPublishers)
	}
	if s.layouts == nil {
		s.layouts, _ = layout.OpenStore("", layout.DefaultLimits, DefaultMaxLayouts)
	}
	if s.tokens == nil {
		s.tokens, _ = scope.Open("", 0)
	}
}

// router is a router with the checks every request passes, in order, and the answers to a path or a method
// no route takes.
func (s *server) router(cfg Config) *chi.Mux {
	r := chi.NewRouter()
	// The Host check comes first (before CORS answers a preflight); the rate limit comes after the Host check
	// and authentication: requests that are refused anyway (cheaply) cannot spend the budget of the clients
	// that hold the token.
	r.Use(s.observe, securityHeaders,
		s.checks(checkHost(cfg.Hosts)),
		allowOrigins(cfg.AllowedOrigins),
		s.checks(crossOrigin(cfg.AllowedOrigins), refuseSimplePOST),
		s.authenticate,
		s.checks(rateLimit(cfg.RateLimit, cfg.Burst)),
		escapedRoutePath)
	r.NotFound(s.handle(func(_ http.ResponseWriter, r *http.Request) error {
		return fail(probNotFound, "no such route"+splitNameHint(r.URL.Path))
	}))
	r.MethodNotAllowed(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(probMethod, "method not allowed on this route")
	}))
	return r
}

// routes is the handler: the checks every request passes, then one flat table of routes.
func (s *server) routes(cfg Config) http.Handler {
	r := s.router(cfg)
	s.mux, s.classes = r, map[string]class{}
	// One flat table (not nested routers): a request is routed by one tree lookup, and its pattern is the
	// metrics' route label as it stands. escapedRoutePath drops a trailing slash, so /v1/mappings/ is
	// /v1/mappings. Each route lists the query parameters it takes: any other is 400 (TestQueryParamsAsSpec
	// holds the lists to openapi.yaml's), and its class: who may use it (authorize, the one place that checks;
	// TestRouteClasses tries every route with every kind of credential). A read route takes access_token too.
	route := func(c class, method, pattern string, h func(http.ResponseWriter, *http.Request) error, params ...string) {
		if c == classRead {
			params = append(params, "access_token")
		}
		s.classes[method+" "+pattern] = c
		if i := strings.IndexAny(pattern, "{*"); c == classPublic && method == "GET" && i >= 0 {
			s.publicDirs = append(s.publicDirs, pattern[:i])
		}
		r.Method(method, pattern, s.handle(s.authorize(c, takes(params, h))))
	}
	const public, read, write, unscoped, admin = classPublic, classRead, classWrite, classUnscoped, classAdmin
	route(public, "GET", "/healthz", s.health)
	route(write, "GET", "/metrics", s.metricsPage)
	route(public, "GET", "/", s.dashboardPage, "token")
	route(public, "GET", "/ui/{file}", s.dashboardAsset)
	route(public, "GET", "/pages/*", s.page)
	route(public, "GET", "/openapi.yaml", s.openapi)
	ui := v5emb.New("shmbridge API", "/openapi.yaml", "/docs/")
	route(public, "GET", "/docs", s.docsPage(ui))
	route(public, "GET", "/docs/{asset}", s.docsAsset(ui))
	route(public, "POST", "/v1/sessions", s.createSession)
	route(admin, "DELETE", "/v1/sessions/current", s.deleteSession)
	route(admin, "POST", "/v1/tokens", s.createToken)
	route(admin, "GET", "/v1/tokens", s.listTokens)
	route(admin, "DELETE", "/v1/tokens/{id}", s.revokeToken)
	route(unscoped, "POST", "/v1/mappings", s.createMapping)
	route(read, "GET", "/v1/mappings", s.listMappings)
	route(read, "GET", "/v1/mappings/{name}", s.getMapping)
	route(write, "DELETE", "/v1/mappings/{name}", s.closeMapping, "unlink")
	route(read, "GET", "/v1/mappings/{name}/data", s.readData, "offset", "length", "as", "encoding", "wait", "timeout", "lock", "lock_timeout")
	route(write, "PUT", "/v1/mappings/{name}/data", s.writeData, "offset", "encoding", "nul", "lock", "lock_timeout")
	route(write, "POST", "/v1/mappings/{name}/flush", s.flush)
	route(read, "GET", "/v1/mappings/{name}/watch", s.watchMapping, "offset", "length", "interval", "event", "format", "as", "encoding", "lock", "lock_timeout", "full", "layout", "fields")
	route(read, "GET", "/v1/watch", s.watchMany, "mapping", "event", "interval", "format", "as", "encoding", "full", "layout", "fields")
	route(unscoped, "GET", "/v1/os/objects", s.listOSObjects, "kind")
	route(write, "PUT", "/v1/layouts/{id}", s.putLayout, "struct", "abi", "encoding")
	route(write, "POST", "/v1/layouts/convert", s.convertLayout, "id", "struct", "abi", "encoding")
	route(read, "GET", "/v1/layouts", s.listLayouts)
	route(read, "GET", "/v1/layouts/{id}", s.getLayout)
	route(write, "DELETE", "/v1/layouts/{id}", s.deleteLayout)
	route(read, "GET", "/v1/mappings/{name}/fields", s.readFields, "layout", "fields")
	route(write, "PATCH", "/v1/mappings/{name}/fields", s.patchFields, "layout")
	route(write, "POST", "/v1/mappings/{name}/decode", s.decodeMapping, "fields", "struct", "abi", "encoding")
	route(write, "PATCH", "/v1/mappings/{name}", s.patchMapping)
	route(unscoped, "POST", "/v1/publishers", s.createPublisher)
	route(unscoped, "GET", "/v1/publishers", s.listPublishers)
	route(unscoped, "GET", "/v1/publishers/{id}", s.getPublisher)
	route(unscoped, "DELETE", "/v1/publishers/{id}", s.deletePublisher)
	route(admin, "GET", "/v1/mqtt", s.getBroker)
	route(admin, "PUT", "/v1/mqtt", s.putBroker)
	route(admin, "DELETE", "/v1/mqtt", s.deleteBroker)
	route(admin, "POST", "/v1/mirrors", s.createMirror)
	route(admin, "GET", "/v1/mirrors", s.listMirrors)
	route(admin, "GET", "/v1/mirrors/{id}", s.getMirror)
	route(admin, "DELETE", "/v1/mirrors/{id}", s.deleteMirror, "keep")
	route(admin, "GET", "/v1/demo", s.getDemo)
	route(admin, "POST", "/v1/demo", s.startDemo)
	route(admin, "DELETE", "/v1/demo", s.stopDemo)
	route(unscoped, "POST", "/v1/recordings", s.createRecording)
	route(unscoped, "GET", "/v1/recordings", s.listRecordings)
	route(unscoped, "GET", "/v1/recordings/{id}", s.getRecording)
	route(unscoped, "DELETE", "/v1/recordings/{id}", s.deleteRecording)
	route(unscoped, "POST", "/v1/recordings/{id}/stop", s.stopRecording)
	route(unscoped, "GET", "/v1/recordings/{id}/fields", s.exportFields, "layout", "fields", "format")
	route(unscoped, "POST", "/v1/mappings/{name}/replay", s.startReplay)
	route(unscoped, "GET", "/v1/mappings/{name}/replay", s.getReplay)
	route(unscoped, "DELETE", "/v1/mappings/{name}/replay", s.stopReplay)
	route(write, "POST", "/v1/events", s.createEvent)
	route(write, "GET", "/v1/events", s.listEvents)
	route(write, "GET", "/v1/events/{name}", s.getEvent)
	route(write, "DELETE", "/v1/events/{name}", s.closeEvent, "unlink")
	route(write, "POST", "/v1/events/{name}/set", s.setEvent)
	route(write, "POST", "/v1/events/{name}/reset", s.resetEvent)
	route(write, "POST", "/v1/events/{name}/pulse", s.pulseEvent)
	route(write, "POST", "/v1/events/{name}/wait", s.waitEvent, "timeout")
	route(write, "POST", "/v1/mutexes", s.createMutex)
	route(write, "GET", "/v1/mutexes", s.listMutexes)
	route(write, "GET", "/v1/mutexes/{name}", s.getMutex)
	route(write, "DELETE", "/v1/mutexes/{name}", s.closeMutex, "unlink")
	route(write, "POST", "/v1/mutexes/{name}/acquire", s.acquireMutex, "timeout", "hold")
	route(write, "POST", "/v1/mutexes/{name}/release", s.releaseMutex, "lease")
	return r
}

// takes refuses a request with a query parameter that is not one of params, naming it, before h runs.
func takes(params []string, h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if k := queryOf(r).unknown(params); k != "" {
			takes := "no query parameters"
			if len(params) > 0 {
				takes = "only " + strings.Join(params, ", ")
			}
			return fail(probInvalidRequest, fmt.Sprintf("unknown query parameter %s: this route takes %s", quote(k), takes))
		}
		return h(w, r)
	}
}

// handle adapts a handler that returns an error to http.HandlerFunc: the error goes to writeError.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sw, ok := w.(*statusWriter) // observe's, for every routed request
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		if err := h(sw, r); err != nil {
			if sw.status != 0 {
				// The status line is out: cut the connection so the client cannot take a short body for a whole one.
				s.logFailure(r, http.StatusInternalServerError, err)
				panic(http.ErrAbortHandler)
			}
			s.writeError(w, r, err)
		}
	}
}

// writeError is the one place an error becomes a response: its problem, logged once if it is the daemon's
// failure rather than the client's.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p, header := problemFor(err, r)
	s.logFailure(r, p.Status, err)
	s.countRejection(p)
	writeProblem(w, p, header)
}

// logFailure logs a 5xx at error level: 4xx are the client's business (logRequests has them at debug), 503 is
// shutdown or a full budget.
func (s *server) logFailure(r *http.Request, status int, err error) {
	if status >= 500 && status != http.StatusServiceUnavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
}

// statusWriter notes the status a response started with (0: not started yet).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(p []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(p)
}

func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// escapedRoutePath makes chi route on the escaped path, so a name's %2F or %25 stays inside its path segment
// (pathName unescapes the parameter exactly once), without a trailing slash (/v1/mappings/ is /v1/mappings).
func escapedRoutePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rctx := chi.RouteContext(r.Context()); rctx != nil {
			rctx.RoutePath = routePath(r)
		}
		next.ServeHTTP(w, r)
	})
}

// routePath is the path r is routed by: as the client escaped it, without a trailing slash.
func routePath(r *http.Request) string {
	p := escapedPath(r)
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// escapedPath is the request's path as the client escaped it: the request target up to its query, as the
// server received it (r.URL.EscapedPath would escape the unescaped path again, a copy per request, to the same
// effect: the names pathName unescapes are the same); EscapedPath for a request that was not received so.
func escapedPath(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ := strings.Cut(r.RequestURI, "?")
		return p
	}
	return r.URL.EscapedPath()
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
