// Package session is the dashboard's login: session credentials signed with a key derived from the token,
// and the one-time code of the login link.
package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
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

// Lifetimes and caps.
const (
	// Life is how long a session is valid.
	Life = 24 * time.Hour
	// CodeLife is how long the login link's one-time code is valid.
	CodeLife   = 15 * time.Minute
	maxRevoked = 4096
	version    = "s1."
)

// Store issues, checks and revokes the dashboard's session credentials, and takes the one-time login code.
type Store struct {
	key []byte // HMAC key, derived from the token

	mu       sync.Mutex
	revoked  map[string]time.Time // id → the session's expiry, for sessions logged out
	code     []byte               // the one-time login code; nil once used or never made
	codeTill time.Time
}

// New returns the sessions of token, with the one-time login code (""; none) valid until codeTill.
func New(token []byte, code string, codeTill time.Time) *Store {
	mac := hmac.New(sha256.New, token)
	mac.Write([]byte("shmbridge session key v1"))
	s := &Store{key: mac.Sum(nil), revoked: make(map[string]time.Time)}
	if code != "" {
		s.code, s.codeTill = []byte(code), codeTill
	}
	return s
}

// Issue makes a session valid until now+Life.
func (ss *Store) Issue(now time.Time) (string, time.Time) {
	var payload [24]byte
	rand.Read(payload[:16])
	until := now.Add(Life).Truncate(time.Second)
	binary.BigEndian.PutUint64(payload[16:], uint64(until.Unix()))
	p := version + base64.RawURLEncoding.EncodeToString(payload[:])
	return p + "." + base64.RawURLEncoding.EncodeToString(ss.sign(p)), until
}

// sign is p's MAC.
func (ss *Store) sign(p string) []byte {
	mac := hmac.New(sha256.New, ss.key)
	mac.Write([]byte(p))
	return mac.Sum(nil)
}

// Check reports whether cred is a session this daemon issued, not expired or revoked; id names it.
func (ss *Store) Check(cred string, now time.Time) (id string, until time.Time, ok bool) {
	if !strings.HasPrefix(cred, version) {
		return "", time.Time{}, false
	}
	p, sig, found := strings.Cut(cred[len(version):], ".")
	if !found {
		return "", time.Time{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, ss.sign(version+p)) {
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

// Revoke ends the session id (valid until until).
func (ss *Store) Revoke(id string, until, now time.Time) {
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

// TakeCode uses up the one-time login code, if code is it and it has not expired.
func (ss *Store) TakeCode(code string, now time.Time) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.code == nil || subtle.ConstantTimeCompare([]byte(code), ss.code) != 1 || !now.Before(ss.codeTill) {
		return false
	}
	ss.code = nil
	return true
}
