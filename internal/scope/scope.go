// Package scope keeps the daemon's scoped tokens: credentials narrower than the main token, for what people plug
// into the bridge (a stream overlay, a second PC's dashboard, a teammate's script). A token is a read or a write
// scope over the mappings its globs name, made, listed and revoked through the API with the main token.
//
// A token's text is "shmb_r_" (read) or "shmb_w_" (write) and 26 base32 characters of crypto/rand (130 bits):
// the prefix says its kind to a reader and lets secret scanners find it. It is shown once, when made; the daemon
// keeps only its SHA-256 (a fast hash is enough for a secret of 130 random bits: slow hashes defend guessable
// passwords) in a file of its own (0600, written whole or not at all), with its name, scope, globs, when it
// was made, last used and expires. When it was last used is kept in memory and written at most once a minute,
// and when the store closes.
//
// It knows nothing of HTTP: the API decides which routes a scope opens.
package scope

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shmbridge/shmbridge/internal/atomicfile"
)

// Kind is what a token may do: read (and watch) its mappings, or write them too.
type Kind string

// The kinds of token.
const (
	Read  Kind = "read"
	Write Kind = "write"
)

// Prefixes of a token's text, by kind.
const (
	ReadPrefix  = "shmb_r_"
	WritePrefix = "shmb_w_"
)

// Bounds: what a client can make the daemon keep.
const (
	// DefaultMaxTokens is how many tokens a store keeps by default.
	DefaultMaxTokens = 1000
	// MaxName is the longest name, in bytes.
	MaxName = 100
	// MaxGlobs is how many globs a token may have; MaxGlob the longest, in bytes (a name is at most 255
	// bytes and its Global\ prefix).
	MaxGlobs = 32
	MaxGlob  = 300
	// FlushEvery is how often, at most, the file is written for a token's last use alone.
	FlushEvery = time.Minute
)

// Errors.
var (
	ErrInvalid  = errors.New("invalid token")
	ErrFull     = errors.New("too many tokens")
	ErrNotFound = errors.New("no such token")
	// ErrUnknown: the text is no token of this daemon's (never made, or revoked).
	ErrUnknown = errors.New("not a token of this daemon (revoked, or never made)")
	// ErrExpired: the token's expiry has passed.
	ErrExpired = errors.New("token expired")
)

// Spec is what a token is made of: its name, kind, the globs of the mappings it may use, and when it expires
// (zero: never).
type Spec struct {
	Name     string    `json:"name"`
	Scope    Kind      `json:"scope"`
	Mappings []string  `json:"mappings"`
	Expires  time.Time `json:"expires,omitzero"`
}

// Token is a token as kept and listed: never its text.
type Token struct {
	ID string `json:"id"`
	Spec
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

// Allows reports whether the token's globs name the mapping called name.
func (t *Token) Allows(name string) bool {
	return slices.ContainsFunc(t.Mappings, func(g string) bool { return Match(g, name) })
}

// Every reports whether the token's globs name every mapping (one of them is "*").
func (t *Token) Every() bool { return slices.Contains(t.Mappings, "*") }

// Grant is a token checked: what it is, and a channel closed when it is revoked.
type Grant struct {
	Token
	Revoked <-chan struct{}
}

type entry struct {
	tok     Token
	hash    [sha256.Size]byte
	revoked chan struct{}
}

// record is an entry as its file keeps it.
type record struct {
	Token
	SHA256 string `json:"sha256"`
}

// Store keeps the tokens, in memory and in a file ("" path: in memory only).
type Store struct {
	path string
	max  int

	mu      sync.Mutex
	byHash  map[[sha256.Size]byte]*entry
	byID    map[string]*entry
	used    bool      // a last use is not written yet
	written time.Time // when the file was last written

	wmu sync.Mutex // held from taking the records to writing them: one write at a time, in order
}

// Open loads the tokens kept at path (none if there is no file yet; "": in memory only), keeping at most max
// (0: DefaultMaxTokens).
func Open(path string, max int) (*Store, error) {
	s := &Store{path: path, max: max, byHash: map[[sha256.Size]byte]*entry{}, byID: map[string]*entry{}}
	if s.max <= 0 {
		s.max = DefaultMaxTokens
	}
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	var recs []record
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, rec := range recs {
		h, err := hex.DecodeString(rec.SHA256)
		if err != nil || len(h) != sha256.Size || rec.ID == "" {
			return nil, fmt.Errorf("%s: token %q: not a token this daemon wrote", path, rec.ID)
		}
		e := &entry{tok: rec.Token, revoked: make(chan struct{})}
		copy(e.hash[:], h)
		s.byHash[e.hash], s.byID[e.tok.ID] = e, e
	}
	return s, nil
}

// IsToken reports whether text is spelt as a scoped token (its kind's prefix), whether or not it is one.
func IsToken(text string) bool {
	return strings.HasPrefix(text, ReadPrefix) || strings.HasPrefix(text, WritePrefix)
}

// Create makes a token of spec, and answers it with its text: the only time the text is seen.
func (s *Store) Create(spec Spec, now time.Time) (Token, string, error) {
	if err := check(&spec, now); err != nil {
		return Token{}, "", err
	}
	text := ReadPrefix + rand.Text()
	if spec.Scope == Write {
		text = WritePrefix + rand.Text()
	}
	e := &entry{tok: Token{ID: strings.ToLower(rand.Text()[:12]), Spec: spec, Created: now.UTC().Truncate(time.Second)},
		hash: sha256.Sum256([]byte(text)), revoked: make(chan struct{})}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if len(s.byID) >= s.max {
		s.mu.Unlock()
		return Token{}, "", fmt.Errorf("%w: %d kept already, the most there may be (revoke one)", ErrFull, s.max)
	}
	s.byHash[e.hash], s.byID[e.tok.ID] = e, e
	recs := s.records()
	s.mu.Unlock()
	if err := s.write(recs); err != nil {
		s.mu.Lock()
		delete(s.byHash, e.hash)
		delete(s.byID, e.tok.ID)
		s.mu.Unlock()
		return Token{}, "", err
	}
	return e.tok, text, nil
}

// check validates spec, and tidies it: its globs without repeats.
func check(spec *Spec, now time.Time) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
	}
	switch {
	case spec.Name == "" || len(spec.Name) > MaxName:
		return bad("a name of 1 to %d bytes is needed (what the token is for: \"OBS overlay\")", MaxName)
	case !printable(spec.Name):
		return bad("the name must be UTF-8 text without control characters")
	case spec.Scope != Read && spec.Scope != Write:
		return bad(`scope must be "read" or "write"`)
	case len(spec.Mappings) == 0 || len(spec.Mappings) > MaxGlobs:
		return bad("mappings must list 1 to %d globs of mapping names (Local\\acpmf_*; * for every mapping)", MaxGlobs)
	case !spec.Expires.IsZero() && !spec.Expires.After(now):
		return bad("expires is in the past: give a time to come, or none (the token lasts until revoked)")
	}
	for _, g := range spec.Mappings {
		if g == "" || len(g) > MaxGlob || !printable(g) {
			return bad("a glob is 1 to %d bytes of UTF-8 text without control characters", MaxGlob)
		}
	}
	slices.Sort(spec.Mappings)
	spec.Mappings = slices.Compact(spec.Mappings)
	spec.Expires = spec.Expires.UTC()
	return nil
}

func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// Check finds the token whose text this is, not expired, and notes its use at now.
func (s *Store) Check(text string, now time.Time) (*Grant, error) {
	h := sha256.Sum256([]byte(text))
	s.mu.Lock()
	e := s.byHash[h]
	if e == nil || subtle.ConstantTimeCompare(e.hash[:], h[:]) != 1 {
		s.mu.Unlock()
		return nil, ErrUnknown
	}
	if !e.tok.Expires.IsZero() && !now.Before(e.tok.Expires) {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w at %s: make a new one", ErrExpired, e.tok.Expires.Format(time.RFC3339))
	}
	e.tok.LastUsed, s.used = now.UTC().Truncate(time.Second), true
	g := &Grant{Token: e.tok, Revoked: e.revoked}
	if now.Sub(s.written) < FlushEvery || !s.wmu.TryLock() { // a write under way: the next one carries it
		s.mu.Unlock()
		return g, nil
	}
	defer s.wmu.Unlock()
	recs := s.records()
	s.used, s.written = false, now
	s.mu.Unlock()
	if s.write(recs) != nil {
		s.mu.Lock()
		s.used = true // the next write carries it
		s.mu.Unlock()
	}
	return g, nil
}

// List is every token, oldest first.
func (s *Store) List() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]Token, 0, len(s.byID))
	for _, e := range s.byID {
		list = append(list, e.tok)
	}
	slices.SortFunc(list, func(a, b Token) int { return cmpToken(&a, &b) })
	return list
}

func cmpToken(a, b *Token) int {
	if c := a.Created.Compare(b.Created); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Revoke ends the token id at once: it is refused from now on, and its Grants' Revoked channel closes.
func (s *Store) Revoke(id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	e := s.byID[id]
	if e == nil {
		s.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	delete(s.byID, id)
	delete(s.byHash, e.hash)
	close(e.revoked)
	recs := s.records()
	s.mu.Unlock()
	return s.write(recs)
}

// Close writes the last uses not written yet.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if !s.used {
		s.mu.Unlock()
		return nil
	}
	recs := s.records()
	s.used = false
	s.mu.Unlock()
	return s.write(recs)
}

// records is what the file keeps; s.mu is held.
func (s *Store) records() []record {
	recs := make([]record, 0, len(s.byID))
	for _, e := range s.byID {
		recs = append(recs, record{Token: e.tok, SHA256: hex.EncodeToString(e.hash[:])})
	}
	slices.SortFunc(recs, func(a, b record) int { return cmpToken(&a.Token, &b.Token) })
	return recs
}

// write writes recs to the file, whole (mode 0600, in a directory only the daemon's user can open); s.wmu is
// held, so that the files are written in the order their records were taken.
func (s *Store) write(recs []record) error {
	if s.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(recs, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("keeping the tokens in %s: %w", s.path, err)
	}
	return nil
}
