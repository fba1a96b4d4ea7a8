package api

import (
	"net/http"
	"time"
)

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
		if !s.sessions.TakeCode(req.Code, now) {
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
	cred, until := s.sessions.Issue(now)
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
	s.sessions.Revoke(id, until, time.Now())
	w.WriteHeader(http.StatusNoContent)
	return nil
}
