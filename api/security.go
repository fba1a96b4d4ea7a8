package api

import (
	"crypto/subtle"
	"fmt"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/cors"
	"golang.org/x/time/rate"
)

// check is one of the checks every request passes before routing: nil lets it through, an error is its
// answer (to writeError, like a handler's).
type check func(*http.Request) error

// checks runs cs in order as a middleware; the first error answers the request.
func (s *server) checks(cs ...check) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, c := range cs {
				if err := c(r); err != nil {
					s.writeError(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// checkHost refuses any Host header not in hosts: DNS rebinding gives a hostile page a same-origin path to
// 127.0.0.1, and only the Host header (which the page cannot set) tells it apart.
func checkHost(hosts []string) check {
	return func(r *http.Request) error {
		if !slices.Contains(hosts, r.Host) {
			return fail(probHostNotAllowed, "Host "+quote(r.Host)+" is not an allowed name for this daemon (see -allow-host)")
		}
		return nil
	}
}

// crossOrigin refuses state-changing requests a browser marks as cross-site (Sec-Fetch-Site, or an Origin that
// is not this host): http.CrossOriginProtection.
func crossOrigin(trusted []string) check {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		cop.AddTrustedOrigin(o) // checked by main
	}
	return func(r *http.Request) error {
		if cop.Check(r) != nil {
			return fail(probCrossOrigin, "a browser sent this request from another site")
		}
		return nil
	}
}

// refuseSimplePOST refuses a POST whose body is text/plain or a form: the only bodies a page on another site
// can POST without a CORS preflight. The API's POST bodies are JSON.
func refuseSimplePOST(r *http.Request) error {
	if r.Method != http.MethodPost {
		return nil
	}
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return fail(probCrossOrigin, "POST bodies are JSON: send Content-Type: application/json. A "+mt+" body is refused "+
			"because any web page can send one (Python's urllib and curl -d send application/x-www-form-urlencoded unless told otherwise)")
	}
	return nil
}

func (s *server) validToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), s.token) == 1
}

// credential reads the request's bearer credential: the token (id "") or a session the daemon issued (its id
// and expiry). No cookie is ever read: any port of localhost can set one for the daemon's host, and receives
// the daemon's.
func (s *server) credential(r *http.Request) (id string, until time.Time, ok bool) {
	cred, found := bearerOf(r)
	if !found {
		return "", time.Time{}, false
	}
	if s.validToken(cred) {
		return "", time.Time{}, true
	}
	return s.sessions.Check(cred, time.Now())
}

func unauthorized() error {
	return fail(probUnauthorized, "send Authorization: Bearer <token> (curl: --oauth2-bearer \"$TOKEN\"); the daemon says at start where its token is").
		with("WWW-Authenticate", `Bearer realm="shmbridge"`)
}

// rateLimit answers 429 with Retry-After once requests come faster than perSecond (with burst above it), but
// for the requests that are never limited (unlimited).
func rateLimit(perSecond float64, burst int) check {
	if perSecond <= 0 {
		return func(*http.Request) error { return nil }
	}
	lim := rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	return func(r *http.Request) error {
		if unlimited(r) {
			return nil
		}
		if res := lim.Reserve(); res.Delay() > 0 {
			res.Cancel()
			return fail(probRateLimited, fmt.Sprintf("over %g requests per second (-rate-limit)", perSecond)).
				with("Retry-After", strconv.Itoa(max(1, int(math.Ceil(res.Delay().Seconds())))))
		}
		return nil
	}
}

// unlimited reports whether r goes past the rate limit without spending it: GET /healthz (a container's
// HEALTHCHECK must not fail, and restart, a busy but healthy daemon) and the login page with its files (the
// dashboard's page and /ui/: embedded, static). The login itself (POST /v1/sessions) checks a secret: it is
// limited.
func unlimited(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	p := r.URL.Path
	return p == "/healthz" || p == "/" || strings.HasPrefix(p, "/ui/")
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

// apiCSP is the Content-Security-Policy of every response but the docs page: nothing runs, nothing frames it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// securityHeaders sets headers that keep browsers from framing, sniffing or caching what the daemon serves
// (the bytes of other programs' memory).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaderValues {
			h[k] = v // canonical keys, values never modified: no copy, no canonicalisation per request
		}
		next.ServeHTTP(w, r)
	})
}

// SecurityHeaders returns (a copy of) the headers securityHeaders adds to every response: the benchmarks'
// bare baselines send them too, to measure what they cost by themselves.
func SecurityHeaders() http.Header { return securityHeaderValues.Clone() }

var securityHeaderValues = http.Header{
	"Content-Security-Policy": {apiCSP},
	"X-Frame-Options":         {"DENY"},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"no-referrer"},
	"Cache-Control":           {"no-store"},
}
