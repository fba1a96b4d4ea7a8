package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// ProblemTypePrefix starts every problem "type": scripts branch on the part after it.
const ProblemTypePrefix = "urn:shmbridge:problem:"

// Problem is an RFC 9457 problem detail, served as application/problem+json.
type Problem struct {
	// Type identifies the kind of failure; scripts branch on it. (TestProblemTypesInSpec keeps this list true.)
	Type     string `json:"type" validate:"required" enums:"urn:shmbridge:problem:invalid-request,urn:shmbridge:problem:invalid-name,urn:shmbridge:problem:not-found,urn:shmbridge:problem:exists,urn:shmbridge:problem:incompatible,urn:shmbridge:problem:too-small,urn:shmbridge:problem:read-only,urn:shmbridge:problem:access-denied,urn:shmbridge:problem:host-not-allowed,urn:shmbridge:problem:cross-origin,urn:shmbridge:problem:out-of-range,urn:shmbridge:problem:too-large,urn:shmbridge:problem:length-required,urn:shmbridge:problem:unsupported-media-type,urn:shmbridge:problem:method-not-allowed,urn:shmbridge:problem:fault,urn:shmbridge:problem:internal,urn:shmbridge:problem:limit-reached,urn:shmbridge:problem:rate-limited,urn:shmbridge:problem:unauthorized,urn:shmbridge:problem:too-many-waiters,urn:shmbridge:problem:too-many-watchers,urn:shmbridge:problem:too-many-samplers,urn:shmbridge:problem:locked,urn:shmbridge:problem:not-held,urn:shmbridge:problem:shutting-down,urn:shmbridge:problem:unsupported,urn:shmbridge:problem:no-space,urn:shmbridge:problem:busy"`
	Title    string `json:"title" validate:"required" example:"Not found"`
	Status   int    `json:"status" validate:"required" example:"404"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty" example:"/v1/mappings/Local%5CTelemetry"`
	// MissingRight names the right or privilege an access-denied failure lacks, e.g. SeCreateGlobalPrivilege.
	MissingRight string `json:"missing_right,omitempty" example:"SeCreateGlobalPrivilege"`
}

// kind is one stable problem type.
type kind struct {
	name   string
	status int
	title  string
}

// kinds lists every problem kind, in the order they are declared: newKind adds each.
var kinds []kind

func newKind(name string, status int, title string) kind {
	k := kind{name, status, title}
	kinds = append(kinds, k)
	return k
}

var (
	kindInvalidRequest  = newKind("invalid-request", http.StatusBadRequest, "Invalid request")
	kindInvalidName     = newKind("invalid-name", http.StatusBadRequest, "Invalid name")
	kindNotFound        = newKind("not-found", http.StatusNotFound, "Not found")
	kindExists          = newKind("exists", http.StatusConflict, "Name already exists")
	kindIncompatible    = newKind("incompatible", http.StatusConflict, "Held already, otherwise")
	kindTooSmall        = newKind("too-small", http.StatusConflict, "Existing object is smaller than requested")
	kindReadOnly        = newKind("read-only", http.StatusConflict, "Mapping is read-only")
	kindAccessDenied    = newKind("access-denied", http.StatusForbidden, "Access denied")
	kindHostNotAllowed  = newKind("host-not-allowed", http.StatusForbidden, "Host not allowed")
	kindCrossOrigin     = newKind("cross-origin", http.StatusForbidden, "Cross-origin request refused")
	kindOutOfRange      = newKind("out-of-range", http.StatusRequestedRangeNotSatisfiable, "Range not satisfiable")
	kindTooLarge        = newKind("too-large", http.StatusRequestEntityTooLarge, "Body does not fit")
	kindLengthRequired  = newKind("length-required", http.StatusLengthRequired, "Content-Length required")
	kindUnsupportedType = newKind("unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type")
	kindMethod          = newKind("method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed")
	kindFault           = newKind("fault", http.StatusInternalServerError, "Memory fault during copy")
	kindInternal        = newKind("internal", http.StatusInternalServerError, "Internal error")
	kindLimitReached    = newKind("limit-reached", http.StatusConflict, "Too many objects open")
	kindRateLimited     = newKind("rate-limited", http.StatusTooManyRequests, "Too many requests")
	kindUnauthorized    = newKind("unauthorized", http.StatusUnauthorized, "Authentication required")
	kindTooManyWaiters  = newKind("too-many-waiters", http.StatusTooManyRequests, "Too many requests waiting")
	kindTooManyWatchers = newKind("too-many-watchers", http.StatusTooManyRequests, "Too many watch streams")
	kindTooManySamplers = newKind("too-many-samplers", http.StatusTooManyRequests, "Too much being watched")
	kindLocked          = newKind("locked", http.StatusLocked, "Mutex stayed held")
	kindNotHeld         = newKind("not-held", http.StatusConflict, "Mutex not held by the daemon")
	kindShuttingDown    = newKind("shutting-down", http.StatusServiceUnavailable, "Daemon shutting down")
	kindUnsupported     = newKind("unsupported", http.StatusNotImplemented, "Not supported on this system")
	kindNoSpace         = newKind("no-space", http.StatusInsufficientStorage, "No space left for the object")
	kindBusy            = newKind("busy", http.StatusServiceUnavailable, "Daemon busy")
)

// causes maps the errors of the layers below to their problem kind, first match wins. An error that matches
// none is 500 internal.
var causes = []struct {
	err    error
	kind   kind
	detail string // replaces the error's text, if set
}{
	{registry.ErrInvalidName, kindInvalidName, ""},
	{registry.ErrInvalid, kindInvalidRequest, ""},
	{registry.ErrNotFound, kindNotFound, ""},
	{registry.ErrClosed, kindNotFound, ""},
	{registry.ErrExists, kindExists, ""},
	{registry.ErrIncompatible, kindIncompatible, ""},
	{registry.ErrTooSmall, kindTooSmall, ""},
	{registry.ErrLimit, kindLimitReached, ""},
	{registry.ErrReadOnly, kindReadOnly, ""},
	{registry.ErrAccessDenied, kindAccessDenied, ""},
	{registry.ErrOutOfRange, kindOutOfRange, ""},
	{registry.ErrFault, kindFault, ""},
	{registry.ErrNotHeld, kindNotHeld, ""},
	{registry.ErrTimeout, kindLocked, ""},
	{registry.ErrResources, kindBusy, ""},
	{registry.ErrNoSpace, kindNoSpace, ""},
	{errors.ErrUnsupported, kindUnsupported, ""},
	{context.Canceled, kindShuttingDown, "the wait was cancelled: the daemon is shutting down"},
}

// apiError is a failure with its problem kind decided here: one the HTTP layer detects itself, or an error
// from below that means another kind here than it does by itself (see recast). It may carry response headers
// (Retry-After, WWW-Authenticate, Content-Range).
type apiError struct {
	kind   kind
	detail string
	cause  error
	header http.Header
}

func (e *apiError) Error() string { return e.kind.name + ": " + e.detail }
func (e *apiError) Unwrap() error { return e.cause }

// with adds a header to the problem response.
func (e *apiError) with(key, value string) *apiError {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(key, value)
	return e
}

func fail(k kind, detail string) *apiError { return &apiError{kind: k, detail: detail} }

// recast makes err a problem of kind k, its text the detail (a range that does not fit is 416 on a read and
// 413 on a write: it is the body that is too large). Any other error passes unchanged.
func recast(k kind, match, err error) error {
	if !errors.Is(err, match) {
		return err
	}
	return &apiError{kind: k, detail: err.Error(), cause: err}
}

// problemFor maps an error to its problem and the headers that go with it.
func problemFor(err error, r *http.Request) (Problem, http.Header) {
	k, detail := kindInternal, err.Error()
	var header http.Header
	if ae := (*apiError)(nil); errors.As(err, &ae) {
		k, detail, header = ae.kind, ae.detail, ae.header
	} else {
		for _, c := range causes {
			if errors.Is(err, c.err) {
				k, detail = c.kind, cmp.Or(c.detail, detail)
				break
			}
		}
	}
	p := Problem{Type: ProblemTypePrefix + k.name, Title: k.title, Status: k.status, Detail: detail,
		Instance: r.URL.RequestURI()}
	if se := (*registry.Error)(nil); errors.As(err, &se) {
		p.MissingRight = se.Right
	}
	return p, header
}

// writeProblem writes p with its headers; a range header left from the success path goes.
func writeProblem(w http.ResponseWriter, p Problem, header http.Header) {
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Range")
	for k, v := range header {
		h[k] = v
	}
	h.Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}
