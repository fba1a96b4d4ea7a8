package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/scope"
)

// Scoped tokens: their routes. What a token may do is authorize's (access.go); what is kept, package scope's.

// TokenRequest is the body of POST /v1/tokens.
type TokenRequest struct {
	// Name says what the token is for.
	Name string `json:"name" validate:"required" maxLength:"100" example:"OBS overlay"`
	// Scope: read (read and watch its mappings, their fields and layouts) or write (what the main token does
	// but manage tokens; limited to its mappings where a route names one).
	Scope string `json:"scope" validate:"required" enums:"read,write" example:"read"`
	// Mappings are globs of the names of the mappings the token may use: * matches any run of characters,
	// ? one; no escape (a name's backslash is itself). "*": every mapping.
	Mappings []string `json:"mappings" validate:"required" minItems:"1" maxItems:"32" example:"Local\\acpmf_*"`
	// Expires is when it stops being accepted (RFC 3339; none: until revoked).
	Expires *time.Time `json:"expires,omitempty" format:"date-time"`
}

// Token is a scoped token as listed: never its secret.
type Token struct {
	ID       string   `json:"id" validate:"required" example:"k3jz7q2m4x5a"`
	Name     string   `json:"name" validate:"required" example:"OBS overlay"`
	Scope    string   `json:"scope" validate:"required" enums:"read,write" example:"read"`
	Mappings []string `json:"mappings" validate:"required" example:"Local\\acpmf_*"`
	// Created is when it was made; LastUsed when it was last accepted (kept in memory, written to its file at
	// most once a minute); Expires when it stops being accepted (none: until revoked).
	Created  time.Time  `json:"created" validate:"required" format:"date-time"`
	LastUsed *time.Time `json:"last_used,omitempty" format:"date-time"`
	Expires  *time.Time `json:"expires,omitempty" format:"date-time"`
}

// NewToken is a token just made, with its secret: shown this once.
type NewToken struct {
	Token
	// Secret is the token to send (Authorization: Bearer; a read token may go in ?access_token=): shmb_r_ or
	// shmb_w_ and 26 characters. The daemon keeps only its SHA-256: it cannot show it again.
	Secret string `json:"token" validate:"required" example:"shmb_r_ABCDEFGHIJKLMNOPQRSTUVWXYZ"`
}

func tokenOf(t scope.Token) Token {
	v := Token{ID: t.ID, Name: t.Name, Scope: string(t.Scope), Mappings: t.Mappings, Created: t.Created}
	if !t.LastUsed.IsZero() {
		v.LastUsed = &t.LastUsed
	}
	if !t.Expires.IsZero() {
		v.Expires = &t.Expires
	}
	return v
}

// createToken godoc
//
//	@Summary		Make a scoped token
//	@ID				createToken
//	@Description	A token narrower than the main one, for what is plugged into the bridge: a `read` token reads and
//	@Description	watches the mappings its globs name (their fields, the layouts built in or theirs by default) and
//	@Description	nothing else, and may travel in `?access_token=` on GET routes (a browser source that cannot send a
//	@Description	header); a `write` token does what the main token does but manage tokens, where a route names a mapping
//	@Description	only for its mappings (routes that reach any mapping's data take a write token for `*`). The secret
//	@Description	is in this answer only: the daemon keeps its SHA-256, in the tokens file beside the layouts. At most
//	@Description	1000 tokens. Only the main token (or a dashboard session) manages tokens.
//	@Tags			tokens
//	@Param			request	body	TokenRequest	true	"Its name, scope, mapping globs, expiry"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: a name of 1 to 100 bytes, scope read or write, 1 to 32 globs of 1 to 300 bytes, an expiry to come"
//	@Failure		409	{object}	Problem	"limit-reached: 1000 tokens kept already"
//	@Failure		413	{object}	Problem	"too-large"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Produce		json
//	@Success		201	{object}	NewToken	"made: its secret, shown this once"
//	@Security		BearerAuth
//	@Router			/v1/tokens [post]
func (s *server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req TokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	spec := scope.Spec{Name: req.Name, Scope: scope.Kind(req.Scope), Mappings: req.Mappings}
	if req.Expires != nil {
		spec.Expires = *req.Expires
	}
	t, secret, err := s.tokens.Create(spec, time.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/tokens/"+t.ID)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, NewToken{Token: tokenOf(t), Secret: secret})
}

// listTokens godoc
//
//	@Summary	List the scoped tokens (never their secrets)
//	@ID			listTokens
//	@Tags		tokens
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Token
//	@Security	BearerAuth
//	@Router		/v1/tokens [get]
func (s *server) listTokens(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.tokens.List(), tokenOf)
}

// revokeToken godoc
//
//	@Summary		Revoke a scoped token
//	@ID				revokeToken
//	@Description	At once: the next request with it is 401, and the watch streams open with it end with `event: closed`
//	@Description	(reason `revoked`).
//	@Tags			tokens
//	@Param			id	path	string	true	"Token id"
//	@Produce		application/problem+json
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/tokens/{id} [delete]
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := s.tokens.Revoke(chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
