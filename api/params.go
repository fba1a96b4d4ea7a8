package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/registry"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// pathName is the {name} in the path, unescaped once.
func pathName(r *http.Request) (string, error) {
	name, err := url.PathUnescape(chi.URLParam(r, "name"))
	if err != nil {
		return "", fail(probInvalidName, "bad percent-encoding in the name")
	}
	return name, nil
}

// intParam parses a non-negative integer query parameter; def when absent.
func intParam(q query, key string, def int64) (int64, bool, error) {
	v := q.Get(key)
	if v == "" {
		return def, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, fail(probInvalidRequest, key+" must be a non-negative integer")
	}
	return n, true, nil
}

func boolParam(q query, key string) (bool, error) {
	v := q.Get(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fail(probInvalidRequest, key+" must be true or false")
	}
	return b, nil
}

// maxWait caps every duration parameter: ?timeout=, ?lock_timeout=, ?hold=.
const maxWait = 5 * time.Minute

// durationParam parses a duration query parameter ("5s", "250ms", "1m"); def when absent, at most maxWait.
func durationParam(q query, key string, def time.Duration) (time.Duration, error) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > maxWait {
		return 0, fail(probInvalidRequest, fmt.Sprintf("%s must be a duration with a unit, from 0 to %s: 5s, 250ms, 2m", key, maxWait))
	}
	return d, nil
}

var modes = map[string]registry.Mode{"": registry.Create, "create": registry.Create, "open": registry.OpenExisting, "open_or_create": registry.OpenOrCreate}

// parseMode reads the "mode" of a create request ("" is create).
func parseMode(m string) (registry.Mode, error) {
	mode, ok := modes[m]
	if !ok {
		return 0, fail(probInvalidRequest, `mode must be "create", "open" or "open_or_create"`)
	}
	return mode, nil
}

// textEncoding is an encoding ?encoding= accepts, with its code unit size (the NUL terminator's width).
type textEncoding struct {
	name string
	enc  encoding.Encoding
	unit int
}

var textEncodings = map[string]*textEncoding{
	"utf-8":    {"utf-8", unicode.UTF8, 1},
	"utf-16le": {"utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2},
}

// encodingParam reads ?encoding= (def when absent; nil for "").
func encodingParam(q query, def string) (*textEncoding, error) {
	name := cmp.Or(strings.ToLower(q.Get("encoding")), def)
	enc, ok := textEncodings[name]
	if !ok && name != "" {
		return nil, fail(probInvalidRequest, `encoding must be "utf-8" or "utf-16le"`)
	}
	return enc, nil
}

const maxJSONBody = 64 << 10

// decodeJSON reads a JSON request body into v, strictly: application/json, at most maxJSONBody, valid UTF-8,
// no unknown field, nothing after the object.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fail(probUnsupportedType, "the body must be application/json (curl: --json)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(probTooLarge, fmt.Sprintf("JSON body over %d bytes", maxJSONBody))
		}
		return fail(probInvalidRequest, "reading the body: "+err.Error())
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD silently, and a name must mean what was sent.
	if !utf8.Valid(body) {
		return fail(probInvalidRequest, "invalid JSON body: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fail(probInvalidRequest, "invalid JSON body: "+err.Error())
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return fail(probInvalidRequest, "invalid JSON body: something follows the object")
	}
	return nil
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// splitNameHint explains a 404 whose path looks like a name split at its backslash: a literal \ in a URL
// becomes / in browsers, fetch and most URL parsers, so /v1/mappings/Local\X arrives as /v1/mappings/Local/X.
func splitNameHint(p string) string {
	for _, k := range registry.Kinds {
		rest, ok := strings.CutPrefix(p, collection(k)+"/")
		if !ok {
			continue
		}
		if ns, _, ok := strings.Cut(rest, "/"); ok && (strings.EqualFold(ns, "local") || strings.EqualFold(ns, "global")) {
			return `: this looks like a name whose \ became / (URLs turn a literal backslash into a slash); ` +
				`percent-encode the name: Local%5CX (JavaScript: encodeURIComponent(name); Python: urllib.parse.quote(name, safe=""))`
		}
	}
	return ""
}

// collection is the route of a kind's collection: /v1/mappings, /v1/events, /v1/mutexes.
func collection(k registry.Kind) string { return "/v1/" + k.Plural() }

// objectURL is the path of the object of kind k called name (its Location).
func objectURL(k registry.Kind, name string) string {
	return collection(k) + "/" + url.PathEscape(name)
}

// dataParams are the parameters of the data routes (GET and PUT …/data), parsed in one place: the mapping,
// where, what encoding, and the waits (?wait= before a read, ?lock= around the copy), each looked up in the
// registry now, so that a bad parameter or an object the daemon does not hold fails at once, not after a
// wait or a body upload.
type dataParams struct {
	mapping        *registry.Mapping
	off, n         int64
	hasOff, hasLen bool
	text           *textEncoding // a read: as=text, decoded from it; a write: the UTF-8 body converted to it
	nul            bool          // a write: a NUL code unit after the text
	wait           *registry.Event
	waitTimeout    time.Duration
	lock           *registry.Mutex
	lockTimeout    time.Duration
}

// Defaults of ?timeout= (long-polls), ?lock_timeout= and ?hold= (mutex leases); maxWait caps them all.
const (
	defaultWaitTimeout = 30 * time.Second
	defaultLockTimeout = 5 * time.Second
	defaultLease       = 30 * time.Second
)

// maxLockedCopy caps a ?lock= copy, which is made in memory while the mutex is held.
const maxLockedCopy = 64 << 20

func (s *server) parseData(r *http.Request, write bool) (dataParams, error) {
	var p dataParams
	var err error
	q := queryOf(r)
	if p.mapping, err = s.mapping(r); err != nil {
		return p, err
	}
	if p.off, p.hasOff, err = intParam(q, "offset", 0); err != nil {
		return p, err
	}
	if p.lock, p.lockTimeout, err = lookupParam(q, "lock", "lock_timeout", defaultLockTimeout, s.reg.GetMutex, registry.KindMutex); err != nil {
		return p, err
	}
	if write {
		if p.text, err = encodingParam(q, ""); err != nil {
			return p, err
		}
		if p.nul, err = boolParam(q, "nul"); err != nil {
			return p, err
		}
		if p.nul && p.text == nil {
			return p, fail(probInvalidRequest, "nul=true needs a text encoding (encoding=utf-8 or utf-16le)")
		}
		return p, nil
	}
	if p.n, p.hasLen, err = intParam(q, "length", max(p.mapping.Size()-p.off, 0)); err != nil {
		return p, err
	}
	switch as := q.Get("as"); {
	case as == "text":
		if p.text, err = encodingParam(q, "utf-8"); err != nil {
			return p, err
		}
	case as != "" && as != "bytes":
		return p, fail(probInvalidRequest, `as must be "bytes" or "text"`)
	case q.Has("encoding"):
		return p, fail(probInvalidRequest, "encoding needs as=text")
	}
	p.wait, p.waitTimeout, err = lookupParam(q, "wait", "timeout", defaultWaitTimeout, s.reg.GetEvent, registry.KindEvent)
	return p, err
}

// lookupParam reads a parameter naming an object the daemon holds (?wait=EVENT, ?lock=MUTEX) and the
// duration that goes with it (?timeout=, ?lock_timeout=): nil if absent; the duration alone is an error.
func lookupParam[T any](q query, key, durKey string, def time.Duration, get func(string) (T, error), k registry.Kind) (T, time.Duration, error) {
	var zero T
	name := q.Get(key)
	d, err := durationParam(q, durKey, def)
	switch {
	case err != nil:
		return zero, 0, err
	case name == "" && q.Has(durKey):
		return zero, 0, fail(probInvalidRequest, fmt.Sprintf("%s needs %s=%s", durKey, key, strings.ToUpper(string(k))))
	case name == "":
		return zero, 0, nil
	}
	obj, err := heldObject(get, k, name)
	return obj, d, err
}

// heldObject looks up an object a parameter names, explaining one the daemon does not hold.
func heldObject[T any](get func(string) (T, error), k registry.Kind, name string) (T, error) {
	obj, err := get(name)
	if errors.Is(err, registry.ErrNotFound) {
		return obj, fail(probNotFound, fmt.Sprintf("the daemon holds no %s %s: open it first with POST %s", k, quote(name), collection(k)))
	}
	return obj, err
}

// lockFits refuses a copy of n bytes under ?lock= that is too large to make in memory.
func (p dataParams) lockFits(n int64) error {
	if p.lock != nil && n > maxLockedCopy {
		return fail(probTooLarge, fmt.Sprintf("a copy under ?lock= is made in memory while the mutex is held: at most %d bytes (use offset and length)", maxLockedCopy))
	}
	return nil
}
