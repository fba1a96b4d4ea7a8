package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/export"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/mirror"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/replay"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/view"
)

// ProblemTypePrefix starts every problem "type": scripts branch on the part after it.
const ProblemTypePrefix = "urn:shmbridge:problem:"

// Problem is an RFC 9457 problem detail, served as application/problem+json.
type Problem struct {
	// Type identifies the kind of failure; scripts branch on it. (TestProblemTypesInSpec keeps this list true.)
	Type     string `json:"type" validate:"required" enums:"urn:shmbridge:problem:invalid-request,urn:shmbridge:problem:invalid-name,urn:shmbridge:problem:not-found,urn:shmbridge:problem:exists,urn:shmbridge:problem:incompatible,urn:shmbridge:problem:too-small,urn:shmbridge:problem:read-only,urn:shmbridge:problem:built-in,urn:shmbridge:problem:access-denied,urn:shmbridge:problem:host-not-allowed,urn:shmbridge:problem:cross-origin,urn:shmbridge:problem:out-of-range,urn:shmbridge:problem:too-large,urn:shmbridge:problem:length-required,urn:shmbridge:problem:unsupported-media-type,urn:shmbridge:problem:method-not-allowed,urn:shmbridge:problem:fault,urn:shmbridge:problem:internal,urn:shmbridge:problem:limit-reached,urn:shmbridge:problem:rate-limited,urn:shmbridge:problem:unauthorized,urn:shmbridge:problem:too-many-waiters,urn:shmbridge:problem:too-many-watchers,urn:shmbridge:problem:too-many-samplers,urn:shmbridge:problem:locked,urn:shmbridge:problem:not-held,urn:shmbridge:problem:shutting-down,urn:shmbridge:problem:unsupported,urn:shmbridge:problem:no-space,urn:shmbridge:problem:busy,urn:shmbridge:problem:invalid-layout,urn:shmbridge:problem:decode-failed,urn:shmbridge:problem:version-mismatch,urn:shmbridge:problem:decoded-too-large,urn:shmbridge:problem:inconsistent,urn:shmbridge:problem:in-progress,urn:shmbridge:problem:set-by-flag,urn:shmbridge:problem:invalid-recording,urn:shmbridge:problem:out-of-scope,urn:shmbridge:problem:source-failed"`
	Title    string `json:"title" validate:"required" example:"Not found"`
	Status   int    `json:"status" validate:"required" example:"404"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty" example:"/v1/mappings/Local%5CTelemetry"`
	// MissingRight names the right or privilege an access-denied failure lacks, e.g. SeCreateGlobalPrivilege.
	MissingRight string `json:"missing_right,omitempty" example:"SeCreateGlobalPrivilege"`
	// Errors, on invalid-layout, are every problem found in the layout: the key's path, its line, what is wrong.
	Errors []LayoutError `json:"errors,omitempty"`
	// Path names the field a decode-failed, a version-mismatch or a refused field write is about (header.flags,
	// items[3]); Offset, on decode-failed, is where in the mapping the decode failed, on invalid-recording where
	// in the file.
	Path   string `json:"path,omitempty" example:"header.version"`
	Offset *int   `json:"offset,omitempty" example:"4"`
}

// problemType is one stable problem type (RFC 9457's "type"): its name after ProblemTypePrefix, status and
// title.
type problemType struct {
	name   string
	status int
	title  string
}

// problemTypes lists every problem type, in the order they are declared: newProblemType adds each.
var problemTypes []problemType

func newProblemType(name string, status int, title string) problemType {
	t := problemType{name, status, title}
	problemTypes = append(problemTypes, t)
	return t
}

var (
	probInvalidRequest  = newProblemType("invalid-request", http.StatusBadRequest, "Invalid request")
	probInvalidName     = newProblemType("invalid-name", http.StatusBadRequest, "Invalid name")
	probNotFound        = newProblemType("not-found", http.StatusNotFound, "Not found")
	probExists          = newProblemType("exists", http.StatusConflict, "Name already exists")
	probIncompatible    = newProblemType("incompatible", http.StatusConflict, "Held already, otherwise")
	probTooSmall        = newProblemType("too-small", http.StatusConflict, "Existing object is smaller than requested")
	probReadOnly        = newProblemType("read-only", http.StatusConflict, "Mapping is read-only")
	probBuiltin         = newProblemType("built-in", http.StatusConflict, "Layout is built in")
	probAccessDenied    = newProblemType("access-denied", http.StatusForbidden, "Access denied")
	probHostNotAllowed  = newProblemType("host-not-allowed", http.StatusForbidden, "Host not allowed")
	probCrossOrigin     = newProblemType("cross-origin", http.StatusForbidden, "Cross-origin request refused")
	probOutOfRange      = newProblemType("out-of-range", http.StatusRequestedRangeNotSatisfiable, "Range not satisfiable")
	probTooLarge        = newProblemType("too-large", http.StatusRequestEntityTooLarge, "Body does not fit")
	probLengthRequired  = newProblemType("length-required", http.StatusLengthRequired, "Content-Length required")
	probUnsupportedType = newProblemType("unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type")
	probMethod          = newProblemType("method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed")
	probFault           = newProblemType("fault", http.StatusInternalServerError, "Memory fault during copy")
	probInternal        = newProblemType("internal", http.StatusInternalServerError, "Internal error")
	probLimitReached    = newProblemType("limit-reached", http.StatusConflict, "Too many objects open")
	probRateLimited     = newProblemType("rate-limited", http.StatusTooManyRequests, "Too many requests")
	probUnauthorized    = newProblemType("unauthorized", http.StatusUnauthorized, "Authentication required")
	probTooManyWaiters  = newProblemType("too-many-waiters", http.StatusTooManyRequests, "Too many requests waiting")
	probTooManyWatchers = newProblemType("too-many-watchers", http.StatusTooManyRequests, "Too many watch streams")
	probTooManySamplers = newProblemType("too-many-samplers", http.StatusTooManyRequests, "Too much being watched")
	probLocked          = newProblemType("locked", http.StatusLocked, "Mutex stayed held")
	probNotHeld         = newProblemType("not-held", http.StatusConflict, "Mutex not held by the daemon")
	probShuttingDown    = newProblemType("shutting-down", http.StatusServiceUnavailable, "Daemon shutting down")
	probUnsupported     = newProblemType("unsupported", http.StatusNotImplemented, "Not supported on this system")
	probNoSpace         = newProblemType("no-space", http.StatusInsufficientStorage, "No space left for the object")
	probBusy            = newProblemType("busy", http.StatusServiceUnavailable, "Daemon busy")
	probInvalidLayout   = newProblemType("invalid-layout", http.StatusBadRequest, "Invalid layout")
	probDecodeFailed    = newProblemType("decode-failed", http.StatusUnprocessableEntity, "Data does not fit the layout")
	probVersion         = newProblemType("version-mismatch", http.StatusUnprocessableEntity, "The memory holds another version than the layout describes")
	probDecodedTooLarge = newProblemType("decoded-too-large", http.StatusRequestEntityTooLarge, "Decoded answer too large")
	probInconsistent    = newProblemType("inconsistent", http.StatusServiceUnavailable, "No consistent frame")
	probInProgress      = newProblemType("in-progress", http.StatusConflict, "Under way")
	probSetByFlag       = newProblemType("set-by-flag", http.StatusConflict, "Set by a flag at start")
	probInvalidRecord   = newProblemType("invalid-recording", http.StatusUnprocessableEntity, "Recording not whole")
	probOutOfScope      = newProblemType("out-of-scope", http.StatusForbidden, "Outside the token's scope")
	probSourceFailed    = newProblemType("source-failed", http.StatusBadGateway, "The source daemon refused")
)

// causes maps the errors of the layers below to their problem type, first match wins. An error that matches
// none is 500 internal.
var causes = []struct {
	err    error
	ptype  problemType
	detail string // replaces the error's text, if set
	retry  bool   // the problem carries Retry-After: 1 (the same request may well succeed in a moment)
}{
	{registry.ErrInvalidName, probInvalidName, "", false},
	{registry.ErrInvalid, probInvalidRequest, "", false},
	{registry.ErrNotFound, probNotFound, "", false},
	{registry.ErrClosed, probNotFound, "", false},
	{registry.ErrExists, probExists, "", false},
	{registry.ErrIncompatible, probIncompatible, "", false},
	{registry.ErrTooSmall, probTooSmall, "", false},
	{registry.ErrLimit, probLimitReached, "", false},
	{registry.ErrReadOnly, probReadOnly, "", false},
	{registry.ErrAccessDenied, probAccessDenied, "", false},
	{registry.ErrOutOfRange, probOutOfRange, "", false},
	{registry.ErrFault, probFault, "", false},
	{registry.ErrNotHeld, probNotHeld, "", false},
	{registry.ErrTimeout, probLocked, "", false},
	{registry.ErrResources, probBusy, "", false},
	{registry.ErrInconsistent, probInconsistent, "", true},
	{registry.ErrNoSpace, probNoSpace, "", false},
	{errors.ErrUnsupported, probUnsupported, "", false},
	{layout.ErrNotFound, probNotFound, "", false},
	{layout.ErrInvalidID, probInvalidRequest, "", false},
	{layout.ErrFull, probLimitReached, "", false},
	{layout.ErrBuiltin, probBuiltin, "", false},
	{publish.ErrNotFound, probNotFound, "", false},
	{mirror.ErrInvalid, probInvalidRequest, "", false},
	{mirror.ErrNotFound, probNotFound, "", false},
	{mirror.ErrFull, probLimitReached, "", false},
	{mirror.ErrTaken, probExists, "", false},
	{mirror.ErrSource, probSourceFailed, "", false},
	{publish.ErrFull, probLimitReached, "", false},
	{publish.ErrNameUsed, probExists, "", false},
	{publish.ErrReservedName, probExists, "", false},
	{publish.ErrInvalid, probInvalidRequest, "", false},
	{publish.ErrFields, probInvalidRequest, "", false},
	{publish.ErrTooManySeries, probLimitReached, "", false},
	{publish.ErrAnnounced, probExists, "", false},
	{publish.ErrBrokerFixed, probSetByFlag, "", false},
	{layout.ErrTooLarge, probDecodedTooLarge, fmt.Sprintf("the decoded JSON would be over %d bytes: select fewer with ?fields=", view.MaxJSON), false},
	{view.ErrNoLayout, probInvalidRequest, "", false},
	{view.ErrInvalidFields, probInvalidRequest, "", false},
	{view.ErrTooLarge, probTooLarge, "", false},
	{view.ErrLayoutLarger, probDecodeFailed, "", false},
	{view.ErrVersionMismatch, probVersion, "", false},
	{budget.ErrBusy, probBusy, "", true},
	{budget.ErrTooLarge, probTooLarge, "", false},
	{budget.ErrRead, probInvalidRequest, "", false},
	{record.ErrNotFound, probNotFound, "", false},
	{record.ErrBusy, probLimitReached, "", false},
	{record.ErrNoRoom, probNoSpace, "", false},
	{record.ErrHeaderTooLarge, probInvalidRequest, "", false},
	{record.ErrRecording, probInProgress, "the recording is under way: stop it first (POST /v1/recordings/{id}/stop)", false},
	{record.ErrNoDir, probUnsupported, "recordings are off: the daemon was started with -recordings-dir -", false},
	{record.ErrInvalid, probInvalidRequest, "", false},
	{record.ErrNoLayout, probInvalidRequest, "", false},
	{record.ErrSampleRate, probTooManySamplers, "", true},
	{replay.ErrInvalid, probInvalidRequest, "", false},
	{replay.ErrNotFound, probNotFound, "", false},
	{replay.ErrPlaying, probInProgress, "", false},
	{replay.ErrClosed, probShuttingDown, "the replays are stopped: the daemon is shutting down", false},
	{export.ErrInvalid, probInvalidRequest, "", false},
	{scope.ErrInvalid, probInvalidRequest, "", false},
	{scope.ErrFull, probLimitReached, "", false},
	{scope.ErrNotFound, probNotFound, "", false},
	{context.Canceled, probShuttingDown, "the wait was cancelled: the daemon is shutting down", false},
}

// apiError is a failure with its problem type decided here: one the HTTP layer detects itself, or an error
// from below that means another type here than it does by itself (see recast). It may carry response headers
// (Retry-After, WWW-Authenticate, Content-Range).
type apiError struct {
	ptype  problemType
	detail string
	cause  error
	header http.Header
}

func (e *apiError) Error() string { return e.ptype.name + ": " + e.detail }
func (e *apiError) Unwrap() error { return e.cause }

// with adds a header to the problem response.
func (e *apiError) with(key, value string) *apiError {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(key, value)
	return e
}

func fail(t problemType, detail string) *apiError { return &apiError{ptype: t, detail: detail} }

// recast makes err a problem of type t, its text the detail (a range that does not fit is 416 on a read and
// 413 on a write: it is the body that is too large). Any other error passes unchanged.
func recast(t problemType, match, err error) error {
	if !errors.Is(err, match) {
		return err
	}
	return &apiError{ptype: t, detail: err.Error(), cause: err}
}

// problemFor maps an error to its problem and the headers that go with it.
func problemFor(err error, r *http.Request) (Problem, http.Header) {
	k, detail, header := classify(err)
	p := Problem{Type: ProblemTypePrefix + k.name, Title: k.title, Status: k.status, Detail: detail,
		Instance: escapedPath(r)} // never the query: it may carry a secret (?token=)
	if se := (*registry.Error)(nil); errors.As(err, &se) {
		p.MissingRight = se.Right
	}
	return layoutProblem(p, err), header
}

// ProblemKind is the problem type err is (its name after ProblemTypePrefix): what a watch stream's error
// message says as its kind.
func ProblemKind(err error) string {
	k, _, _ := classify(err)
	return k.name
}

// classify decides err's problem type, detail and headers: an apiError's own; else the layout's and the
// recordings' failures that carry where they failed; else the first cause that matches; else internal.
func classify(err error) (problemType, string, http.Header) {
	if ae := (*apiError)(nil); errors.As(err, &ae) {
		return ae.ptype, ae.detail, ae.header
	}
	var ps layout.Problems
	var de *layout.DecodeError
	var ee *layout.EncodeError
	var fe *record.FormatError
	switch {
	case errors.Is(err, view.ErrNotCompiled):
		return probInvalidLayout, err.Error(), nil
	case errors.As(err, &fe):
		return probInvalidRecord, fe.Error(), nil
	case errors.As(err, &ps):
		return probInvalidLayout, fmt.Sprintf("the layout has %d problem(s); the first: %s (line %d): %s", len(ps), ps[0].Path, ps[0].Line, ps[0].Detail), nil
	case errors.As(err, &de):
		return probDecodeFailed, de.Error(), nil
	case errors.As(err, &ee):
		return probInvalidRequest, ee.Error(), nil
	}
	for _, c := range causes {
		if errors.Is(err, c.err) {
			var header http.Header
			if c.retry {
				header = http.Header{"Retry-After": {"1"}}
			}
			return c.ptype, cmp.Or(c.detail, err.Error()), header
		}
	}
	return probInternal, err.Error(), nil
}

// writeProblem writes p with its headers; a range header left from the success path goes.
func writeProblem(w http.ResponseWriter, p Problem, header http.Header) {
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Range")
	h.Del(WarningHeader)
	for k, v := range header {
		h[k] = v
	}
	h.Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// layoutProblem fills in where a layout's or a recording's failure is: the problems of a layout refused, the
// field and offset of a decode that failed, the field a version check failed on, the field of a write
// refused, the offset in a recording's file.
func layoutProblem(p Problem, err error) Problem {
	var ps layout.Problems
	var de *layout.DecodeError
	var ee *layout.EncodeError
	var fe *record.FormatError
	var ve *view.VersionError
	switch {
	case errors.As(err, &fe):
		off := int(fe.Offset)
		p.Offset = &off
	case errors.As(err, &ve):
		p.Path = ve.Field
	case errors.As(err, &ps):
		p.Errors = layoutErrors(ps)
	case errors.As(err, &de):
		p.Path, p.Offset = de.Path, &de.Offset
	case errors.As(err, &ee):
		p.Path = ee.Path
	}
	return p
}
