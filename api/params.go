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
	"github.com/shmbridge/shmbridge/shm"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// pathName is the {name} in the path, unescaped once.
func pathName(r *http.Request) (string, error) {
	name, err := url.PathUnescape(chi.URLParam(r, "name"))
	if err != nil {
		return "", fail(kindInvalidName, "bad percent-encoding in the name")
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
		return 0, false, fail(kindInvalidRequest, key+" must be a non-negative integer")
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
		return false, fail(kindInvalidRequest, key+" must be true or false")
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
		return 0, fail(kindInvalidRequest, fmt.Sprintf("%s must be a duration with a unit, from 0 to %s: 5s, 250ms, 2m", key, maxWait))
	}
	return d, nil
}

var modes = map[string]shm.Mode{"": shm.Create, "create": shm.Create, "open": shm.OpenExisting, "open_or_create": shm.OpenOrCreate}

// parseMode reads the "mode" of a create request ("" is create).
func parseMode(m string) (shm.Mode, error) {
	mode, ok := modes[m]
	if !ok {
		return 0, fail(kindInvalidRequest, `mode must be "create", "open" or "open_or_create"`)
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
		return nil, fail(kindInvalidRequest, `encoding must be "utf-8" or "utf-16le"`)
	}
	return enc, nil
}

const maxJSONBody = 64 << 10

// decodeJSON reads a JSON request body into v, strictly: application/json, at most maxJSONBody, valid UTF-8,
// no unknown field, nothing after the object.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fail(kindUnsupportedType, "the body must be application/json (curl: --json)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(kindTooLarge, fmt.Sprintf("JSON body over %d bytes", maxJSONBody))
		}
		return fail(kindInvalidRequest, "reading the body: "+err.Error())
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD silently, and a name must mean what was sent.
	if !utf8.Valid(body) {
		return fail(kindInvalidRequest, "invalid JSON body: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fail(kindInvalidRequest, "invalid JSON body: "+err.Error())
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return fail(kindInvalidRequest, "invalid JSON body: something follows the object")
	}
	return nil
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// splitNameHint explains a 404 whose path looks like a name split at its backslash: a literal \ in a URL
// becomes / in browsers, fetch and most URL parsers, so /v1/mappings/Local\X arrives as /v1/mappings/Local/X.
func splitNameHint(p string) string {
	for _, kind := range []string{"/v1/mappings/", "/v1/events/", "/v1/mutexes/"} {
		rest, ok := strings.CutPrefix(p, kind)
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
