package session

import (
	"testing"
	"time"
)

// TestSessionLifetime: a session is valid until its expiry and not after; a revoked one is refused at once;
// the list of revoked sessions stays bounded however many log out; a session signed for another token is
// refused.
func TestSessionLifetime(t *testing.T) {
	now := time.Now()
	ss := New([]byte("token-a-0123456789"), "", time.Time{})
	cred, until := ss.Issue(now)
	if _, _, ok := ss.Check(cred, now.Add(Life-time.Minute)); !ok {
		t.Fatal("refused before its expiry")
	}
	if _, _, ok := ss.Check(cred, until); ok {
		t.Fatal("valid at its expiry")
	}
	if _, _, ok := New([]byte("token-b-0123456789"), "", time.Time{}).Check(cred, now); ok {
		t.Fatal("valid for another token")
	}
	id, u, _ := ss.Check(cred, now)
	ss.Revoke(id, u, now)
	if _, _, ok := ss.Check(cred, now); ok {
		t.Fatal("valid after its logout")
	}
	for range maxRevoked + 100 {
		c, _ := ss.Issue(now)
		id, u, _ := ss.Check(c, now)
		ss.Revoke(id, u, now)
	}
	if n := len(ss.revoked); n > maxRevoked {
		t.Fatalf("%d revoked sessions kept, more than %d", n, maxRevoked)
	}
}
