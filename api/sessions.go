package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A browser never holds the token in a cookie: a cookie is sent to, and can be set by, every port of
// localhost. The dashboard holds a session credential instead, in its tab's sessionStorage (which only the
// daemon's own origin can read), and sends it as Authorization: Bearer, as any client sends the token. It gets
// one by posting the token (the login form) or a one-time code (the login link the daemon prints in a
// terminal: a link in a browser's history must be worth nothing once used).
//
// A session is "s1.<id and expiry>.<MAC>", signed with a key derived from the token: the daemon keeps no list
// of them, a restart with the same token keeps them valid (the dashboard reconnects by itself), and a new token
// ends them all. A logout revokes one until it would have expired (in memory: a restart forgets logouts).

// Session lifetimes and caps.
const (
	sessionLife = 24 * time.Hour
	// LoginCodeLife is how long the login link's one-time code is valid (Config.LoginCodeUntil).
	LoginCodeLife  = 15 * time.Minute
	maxRevoked     = 4096
	sessionVersion = "s1."
)

// sessions issues, checks and revokes the dashboard's session credentials, and takes the one-time login code.
type sessions struct {
	key []byte // HMAC key, derived from the token

	mu       sync.Mutex
	revoked  map[string]time.Time // id → the session's expiry, for sessions logged out
	code     []byte               // the one-time login code; nil once used or never made
	codeTill time.Time
}

func newSessions(token []byte, code string, codeTill time.Time) *sessions {
	mac := hmac.New(sha256.New, token)
	mac.Write([]byte("shmbridge session key v1"))
	s := &sessions{key: mac.Sum(nil), revoked: make(map[string]time.Time)}
	if code != "" {
		s.code, s.codeTill = []byte(code), codeTill
	}
	return s
}

// issue makes a session valid until now+sessionLife.
func (ss *sessions) issue(now time.Time) (string, time.Time) {
	var payload [24]byte
	rand.Read(payload[:16])
	until := now.Add(sessionLife).Truncate(time.Second)
	binary.BigEndian.PutUint64(payload[16:], uint64(until.Unix()))
	p := sessionVersion + base64.RawURLEncoding.EncodeToString(payload[:])
	return p + "." + base64.RawURLEncoding.EncodeToString(ss.sign(p)), until
}

func (ss *sessions) sign(p string) []byte {
	mac := hmac.New(sha256.New, ss.key)
	mac.Write([]byte(p))
	return mac.Sum(nil)
}

// check reports whether cred is a session this daemon issued, not expired or revoked; id names it.
func (ss *sessions) check(cred string, now time.Time) (id string, until time.Time, ok bool) {
	if !strings.HasPrefix(cred, sessionVersion) {
		return "", time.Time{}, false
	}
	p, sig, found := strings.Cut(cred[len(sessionVersion):], ".")
	if !found {
		return "", time.Time{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, ss.sign(sessionVersion+p)) {
		return "", time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || len(payload) != 24 {
		return "", time.Time{}, false
	}
	until = time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0)
	id = base64.RawURLEncoding.EncodeToString(payload[:16])
	ss.mu.Lock()
	_, revoked := ss.revoked[id]
	ss.mu.Unlock()
	if revoked || !now.Before(until) {
		return "", time.Time{}, false
	}
	return id, until, true
}

// revoke ends the session id (valid until until).
func (ss *sessions) revoke(id string, until, now time.Time) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, t := range ss.revoked {
		if !now.Before(t) {
			delete(ss.revoked, k) // expired anyway
		}
	}
	if len(ss.revoked) >= maxRevoked { // bounded: forget the one that expires first
		var first string
		for k, t := range ss.revoked {
			if first == "" || t.Before(ss.revoked[first]) {
				first = k
			}
		}
		delete(ss.revoked, first)
	}
	ss.revoked[id] = until
}

// takeCode uses up the one-time login code, if code is it and it has not expired.
func (ss *sessions) takeCode(code string, now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.code == nil || subtle.ConstantTimeCompare([]byte(code), ss.code) != 1 || !now.Before(ss.codeTill) {
		return false
	}
	ss.code = nil
	return true
}

// SessionRequest is the body of POST /v1/sessions: the token, or the one-time code of the login link; or,
// with a session (or the token) as the request's bearer credential, nothing: a new session for the same client.
type SessionRequest struct {
	Token string `json:"token,omitempty"`
	Code  string `json:"code,omitempty"`
}

// Session is a session credential: send it as Authorization: Bearer, as the token.
type Session struct {
	Session   string    `json:"session" validate:"required" example:"s1.AbC…"`
	ExpiresAt time.Time `json:"expires_at" validate:"required" format:"date-time"`
}

// createSession godoc
//
//	@Summary		Log in: a session credential for a browser (the dashboard's login)
//	@ID				createSession
//	@Description	A session credential to send as `Authorization: Bearer` instead of the token, valid for 24 h: what the
//	@Description	dashboard keeps in its tab (sessionStorage, which no other origin can read; never a cookie, which every
//	@Description	port of localhost receives). Post the token, or the one-time `code` of the login link the daemon prints
//	@Description	in a terminal (used up by its first use, valid 15 minutes); or, with a session or the token as the
//	@Description	request's bearer credential, an empty object: a new session (the dashboard renews its own). A restart
//	@Description	with the same token keeps sessions valid; a new token ends them all.
//	@Tags			sessions
//	@Param			request	body	SessionRequest	true	"The token, or the code; {} to renew"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		401	{object}	Problem	"unauthorized: a wrong token, a code used, expired or wrong"
//	@Failure		413	{object}	Problem	"too-large"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Produce		json
//	@Success		201	{object}	Session
//	@Router			/v1/sessions [post]
func (s *server) createSession(w http.ResponseWriter, r *http.Request) error {
	var req SessionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	now := time.Now()
	switch {
	case req.Token != "" && req.Code != "":
		return fail(probInvalidRequest, "send the token or the code, not both")
	case req.Code != "":
		if !s.sessions.takeCode(req.Code, now) {
			return fail(probUnauthorized, "this login link was used already, has expired (after 15 minutes) or is not this daemon's: paste the token instead")
		}
	case req.Token != "":
		if !s.validToken(req.Token) {
			return fail(probUnauthorized, "that token is not this daemon's: check which daemon (and which token file) this is")
		}
	default:
		if _, _, ok := s.credential(r); !ok {
			return unauthorized()
		}
	}
	cred, until := s.sessions.issue(now)
	return writeJSON(w, http.StatusCreated, Session{Session: cred, ExpiresAt: until.UTC()})
}

// deleteSession godoc
//
//	@Summary		Log out: end the session this request carries
//	@ID				deleteSession
//	@Description	The session sent as the bearer credential is revoked at once (until the daemon restarts; a new token
//	@Description	ends every session). The token itself cannot be logged out: 400.
//	@Tags			sessions
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: the credential is the token, not a session"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/sessions/current [delete]
func (s *server) deleteSession(w http.ResponseWriter, r *http.Request) error {
	id, until, ok := s.credential(r)
	if !ok {
		return unauthorized()
	}
	if id == "" {
		return fail(probInvalidRequest, "this request carries the token, not a session: there is nothing to log out (change the token to end every session)")
	}
	s.sessions.revoke(id, until, time.Now())
	w.WriteHeader(http.StatusNoContent)
	return nil
}
