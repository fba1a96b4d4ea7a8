package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/scope"
)

// class is who may use a route: every route is registered with one (route, in routes), and authorize is the one
// place that holds a request to it, after routing, when the route's {name} is known.
type class int

const (
	// classPublic: anyone, without a credential (liveness, the dashboard's files, the spec, the login).
	classPublic class = iota
	// classRead: the main token, its sessions, and scoped tokens of either kind, for the mappings their globs
	// name: reads and watches of a mapping, its fields, the lists (of what the token may see) and the layouts.
	classRead
	// classWrite: the main token, its sessions, and write tokens; a route that names a mapping (its {name}, a
	// mapping= of its query) only for the mappings the token's globs name.
	classWrite
	// classUnscoped: write routes whose reach no glob bounds (a mapping named in a body, the OS's every name,
	// recordings and publishers, which carry any mapping's data): a write token only if it names every mapping
	// ("*").
	classUnscoped
	// classAdmin: the main token and its sessions alone (the tokens themselves, a session's logout).
	classAdmin
)

// who is whose credential a request carries.
type who int

const (
	anonymous who = iota
	mainToken     // the token, or a session made with it
	scoped        // a scoped token (read or write: see grant.Scope)
)

// principal is who sent a request: authenticate puts it in the request's context, authorize reads it.
type principal struct {
	who   who
	grant *scope.Grant // a scoped token's
}

type principalKey struct{}

// principalOf is the request's principal (anonymous before authenticate has run).
func principalOf(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// grantOf is the scoped token r carries, nil if it carries none (the main token, a session).
func grantOf(r *http.Request) *scope.Grant { return principalOf(r).grant }

// authenticate finds who sent the request and puts it in its context; a credential that is no credential of
// this daemon's is 401, as is no credential at all on a route that is not public (before the rate limit: a
// flood of them spends nothing).
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.token) == 0 { // authentication disabled: everyone holds the main token
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, principal{who: mainToken})))
			return
		}
		p, err := s.identify(r)
		if (err != nil || p.who == anonymous) && s.classOf(r) == classPublic {
			p, err = principal{}, nil // a public route looks at no credential
		} else if err == nil && p.who == anonymous {
			err = unauthorized()
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// identify reads the request's credential: Authorization: Bearer (the token, a session, a scoped token), or a
// read token in ?access_token= on a GET (a browser source that cannot send a header). No credential is
// anonymous; one that is not this daemon's is an error.
func (s *server) identify(r *http.Request) (principal, error) {
	inQuery := queryOf(r).Has("access_token")
	bearer, hasBearer := bearerOf(r)
	switch {
	case inQuery && hasBearer:
		return principal{}, unauthorizedBecause("send one credential: Authorization: Bearer, or a read token in access_token=, not both")
	case inQuery:
		return s.queryCredential(r)
	case !hasBearer:
		return principal{}, nil
	case scope.IsToken(bearer):
		g, err := s.tokens.Check(bearer, time.Now())
		if err != nil {
			return principal{}, unauthorizedBecause("this token is refused: " + err.Error())
		}
		return principal{who: scoped, grant: g}, nil
	case s.validToken(bearer):
		return principal{who: mainToken}, nil
	}
	if _, _, ok := s.sessions.Check(bearer, time.Now()); ok {
		return principal{who: mainToken}, nil
	}
	return principal{}, unauthorized()
}

// queryCredential is the principal of a read token in ?access_token=: taken on GET only, and read tokens only
// (a URL ends up in histories, logs and Referer headers: a token that can write, or manage tokens, must not).
func (s *server) queryCredential(r *http.Request) (principal, error) {
	text := queryOf(r).Get("access_token")
	if !strings.HasPrefix(text, scope.ReadPrefix) {
		return principal{}, unauthorizedBecause("access_token= takes a read token (shmb_r_…) alone: a token that can write " +
			"does not go in a URL, where histories and logs keep it. Send Authorization: Bearer <token>")
	}
	if r.Method != http.MethodGet {
		return principal{}, unauthorizedBecause("access_token= is taken on GET routes only: send Authorization: Bearer <token>")
	}
	g, err := s.tokens.Check(text, time.Now())
	if err != nil {
		return principal{}, unauthorizedBecause("this token is refused: " + err.Error())
	}
	return principal{who: scoped, grant: g}, nil
}

// bearerOf is the request's bearer credential (the scheme in any case, RFC 9110 §11.1), and whether it has one.
func bearerOf(r *http.Request) (string, bool) {
	scheme, cred, found := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(cred), true
}

// classOf is the class of the route r goes to (a lookup in the router, as chi will route it). A GET that no
// route takes under a public route's folder (/ui/, /docs/) is public, as its folder is (a 404 to anyone); any
// other request no route takes is classWrite: it needs a credential to learn that.
func (s *server) classOf(r *http.Request) class {
	pattern := s.mux.Find(chi.NewRouteContext(), r.Method, routePath(r))
	if c, ok := s.classes[r.Method+" "+pattern]; ok {
		return c
	}
	if r.Method == http.MethodGet && slices.ContainsFunc(s.publicDirs, func(d string) bool { return strings.HasPrefix(escapedPath(r), d) }) {
		return classPublic
	}
	return classWrite
}

// authorize holds a request to its route's class, and a scoped token to the mappings its globs name, before h
// runs.
func (s *server) authorize(c class, h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.allowed(c, r); err != nil {
			return err
		}
		return h(w, r)
	}
}

// allowed is nil if r's principal may use a route of class c as r asks, or why not.
func (s *server) allowed(c class, r *http.Request) error {
	p := principalOf(r)
	switch {
	case c == classPublic || p.who == mainToken:
		return nil
	case p.who == anonymous:
		return unauthorized()
	case c == classAdmin:
		return outOfScope("only the main token (or a session of the dashboard's made with it) manages tokens and sessions")
	case p.grant.Scope == scope.Read && c != classRead:
		return outOfScope("a read token reads and watches the mappings it names, their fields and layouts: nothing else")
	case c == classUnscoped && !p.grant.Every():
		return outOfScope(`this route reaches beyond the mappings a route names (a name in a body, every name, any mapping's recordings): ` +
			`it takes a write token for every mapping (mappings: ["*"])`)
	case p.grant.Scope == scope.Read:
		if err := s.readOnly(p.grant, r); err != nil {
			return err
		}
	}
	return namesAllowed(p.grant, r)
}

// namesAllowed is nil if every mapping r names — {name} of a /v1/mappings/ route, every mapping= — is one of g's.
func namesAllowed(g *scope.Grant, r *http.Request) error {
	names := queryOf(r).All("mapping")
	if strings.HasPrefix(chi.RouteContext(r.Context()).RoutePattern(), "/v1/mappings/{name}") {
		name, err := pathName(r)
		if err != nil {
			return err
		}
		names = append(names, name)
	}
	for _, n := range names {
		if !g.Allows(n) {
			return outOfScope("this token's mappings (" + strings.Join(g.Mappings, ", ") + ") do not include " + quote(n))
		}
	}
	return nil
}

// readOnly is nil unless r asks a read token's route for what a read token may not have: a mutex held while
// copying (other programs wait on it), an event to wait on or sample by, a layout neither built in nor the
// default of one of its mappings.
func (s *server) readOnly(g *scope.Grant, r *http.Request) error {
	q := queryOf(r)
	switch {
	case q.Has("lock") || q.Has("lock_timeout"):
		return outOfScope("lock= takes a mutex other programs wait on: a read token reads without it")
	case q.Has("event") || q.Has("wait"):
		return outOfScope("event= and wait= name an event, not a mapping (a wait on a Windows auto-reset event takes its " +
			"signal from the program waiting for it): a read token reads its mappings as they are, and watches them by interval")
	}
	ids := q.All("layout")
	if id := chi.URLParam(r, "id"); id != "" {
		ids = append(ids, id)
	}
	for _, id := range ids {
		if id != "" && !s.layoutVisible(g, id) {
			return outOfScope("the layout " + quote(id) + " is neither built in nor the default layout of one of this token's mappings")
		}
	}
	return nil
}

// layoutVisible reports whether a read token may see the layout id: one built into the daemon (public, as the
// daemon is), or the default layout of a mapping its globs name.
func (s *server) layoutVisible(g *scope.Grant, id string) bool {
	if e, err := s.layouts.Get(id); err == nil && e.Builtin {
		return true
	}
	for _, m := range s.reg.Mappings() {
		if m.Layout() == id && g.Allows(m.Name()) {
			return true
		}
	}
	return false
}

func outOfScope(detail string) error { return fail(probOutOfScope, detail) }

func unauthorizedBecause(detail string) error {
	return fail(probUnauthorized, detail).with("WWW-Authenticate", `Bearer realm="shmbridge"`)
}
