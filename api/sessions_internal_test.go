package api

import (
	"testing"
	"time"
)

// TestSessionLifetime: a session is valid until its expiry and not after; a revoked one is refused at once;
// the list of revoked sessions stays bounded however many log out; a session signed for another token is
// refused.
func TestSessionLifetime(t *testing.T) {
	now := time.Now()
	ss := newSessions([]byte("token-a-0123456789"), "", time.Time{})
	cred, until := ss.issue(now)
	if _, _, ok := ss.check(cred, now.Add(sessionLife-time.Minute)); !ok {
		t.Fatal("refused before its expiry")
	}
	if _, _, ok := ss.check(cred, until); ok {
		t.Fatal("valid at its expiry")
	}
	if _, _, ok := newSessions([]byte("token-b-0123456789"), "", time.Time{}).check(cred, now); ok {
		t.Fatal("valid for another token")
	}
	id, u, _ := ss.check(cred, now)
	ss.revoke(id, u, now)
	if _, _, ok := ss.check(cred, now); ok {
		t.Fatal("valid after its logout")
	}
	for range maxRevoked + 100 {
		c, _ := ss.issue(now)
		id, u, _ := ss.check(c, now)
		ss.revoke(id, u, now)
	}
	if n := len(ss.revoked); n > maxRevoked {
		t.Fatalf("%d revoked sessions kept, more than %d", n, maxRevoked)
	}
}
