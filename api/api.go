// Package api is shmbridge's REST API: thin HTTP handlers over a shm.Registry.
package api

import (
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/shm"
)

// Config configures the API handler.
type Config struct {
	// Hosts is the exact list of Host header values accepted ("127.0.0.1:8765"); anything else is refused
	// before routing (DNS rebinding). See LoopbackHosts.
	Hosts []string
	// Logger receives one line per request at debug level, lifecycle events at info, failures at warn/error.
	Logger *slog.Logger
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
	reg *shm.Registry
	log *slog.Logger
}

// New returns the API handler over reg.
func New(reg *shm.Registry, cfg Config) http.Handler {
	s := &server{reg: reg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	r := chi.NewRouter()
	r.Use(s.logRequests, checkHost(cfg.Hosts), escapedRoutePath)
	r.NotFound(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(kindNotFound, "no such route")
	}))
	r.MethodNotAllowed(s.handle(func(http.ResponseWriter, *http.Request) error {
		return fail(kindMethod, "method not allowed on this route")
	}))
	r.Get("/healthz", s.handle(s.health))
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
	return r
}

// handle adapts a handler that returns an error: the error becomes a problem response, logged once.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		err := h(tw, r)
		if err == nil {
			return
		}
		p := problemFor(err, r)
		if p.Status >= 500 { // 4xx are the client's business (logRequests has them at debug)
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
		}
		if tw.started {
			// The status line is out: cut the connection so the client cannot take a short body for a whole one.
			panic(http.ErrAbortHandler)
		}
		writeProblem(w, p)
	}
}

// trackingWriter records whether the response has started.
type trackingWriter struct {
	http.ResponseWriter
	started bool
}

func (t *trackingWriter) WriteHeader(code int) { t.started = true; t.ResponseWriter.WriteHeader(code) }
func (t *trackingWriter) Write(p []byte) (int, error) {
	t.started = true
	return t.ResponseWriter.Write(p)
}
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

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
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int)        { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
