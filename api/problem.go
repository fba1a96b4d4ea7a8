package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/shmbridge/shmbridge/shm"
)

// ProblemTypePrefix starts every problem "type": scripts branch on the part after it.
const ProblemTypePrefix = "urn:shmbridge:problem:"

// Problem is an RFC 9457 problem detail, served as application/problem+json.
type Problem struct {
	// Type identifies the kind of failure; scripts branch on it. (TestProblemTypesInSpec keeps this list true.)
	Type     string `json:"type" validate:"required" enums:"urn:shmbridge:problem:invalid-request,urn:shmbridge:problem:invalid-name,urn:shmbridge:problem:not-found,urn:shmbridge:problem:exists,urn:shmbridge:problem:too-small,urn:shmbridge:problem:read-only,urn:shmbridge:problem:access-denied,urn:shmbridge:problem:host-not-allowed,urn:shmbridge:problem:cross-origin,urn:shmbridge:problem:out-of-range,urn:shmbridge:problem:too-large,urn:shmbridge:problem:length-required,urn:shmbridge:problem:unsupported-media-type,urn:shmbridge:problem:method-not-allowed,urn:shmbridge:problem:fault,urn:shmbridge:problem:internal,urn:shmbridge:problem:limit-reached,urn:shmbridge:problem:rate-limited,urn:shmbridge:problem:unauthorized,urn:shmbridge:problem:too-many-waiters,urn:shmbridge:problem:locked,urn:shmbridge:problem:not-held,urn:shmbridge:problem:shutting-down,urn:shmbridge:problem:unsupported,urn:shmbridge:problem:no-space,urn:shmbridge:problem:busy"`
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

var (
	kindInvalidRequest  = kind{"invalid-request", http.StatusBadRequest, "Invalid request"}
	kindInvalidName     = kind{"invalid-name", http.StatusBadRequest, "Invalid name"}
	kindNotFound        = kind{"not-found", http.StatusNotFound, "Not found"}
	kindExists          = kind{"exists", http.StatusConflict, "Name already exists"}
	kindTooSmall        = kind{"too-small", http.StatusConflict, "Existing object is smaller than requested"}
	kindLimitReached    = kind{"limit-reached", http.StatusConflict, "Too many mappings open"}
	kindRateLimited     = kind{"rate-limited", http.StatusTooManyRequests, "Too many requests"}
	kindReadOnly        = kind{"read-only", http.StatusConflict, "Mapping is read-only"}
	kindAccessDenied    = kind{"access-denied", http.StatusForbidden, "Access denied"}
	kindHostNotAllowed  = kind{"host-not-allowed", http.StatusForbidden, "Host not allowed"}
	kindUnauthorized    = kind{"unauthorized", http.StatusUnauthorized, "Authentication required"}
	kindCrossOrigin     = kind{"cross-origin", http.StatusForbidden, "Cross-origin request refused"}
	kindOutOfRange      = kind{"out-of-range", http.StatusRequestedRangeNotSatisfiable, "Range not satisfiable"}
	kindTooLarge        = kind{"too-large", http.StatusRequestEntityTooLarge, "Body does not fit"}
	kindLengthRequired  = kind{"length-required", http.StatusLengthRequired, "Content-Length required"}
	kindUnsupportedType = kind{"unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported media type"}
	kindMethod          = kind{"method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed"}
	kindFault           = kind{"fault", http.StatusInternalServerError, "Memory fault during copy"}
	kindInternal        = kind{"internal", http.StatusInternalServerError, "Internal error"}
	kindTooManyWaiters  = kind{"too-many-waiters", http.StatusTooManyRequests, "Too many requests waiting"}
	kindLocked          = kind{"locked", http.StatusLocked, "Mutex stayed held"}
	kindNotHeld         = kind{"not-held", http.StatusConflict, "Mutex not held by the daemon"}
	kindShuttingDown    = kind{"shutting-down", http.StatusServiceUnavailable, "Daemon shutting down"}
	kindUnsupported     = kind{"unsupported", http.StatusNotImplemented, "Not supported on this system"}
	kindNoSpace         = kind{"no-space", http.StatusInsufficientStorage, "No space left for the object"}
	kindBusy            = kind{"busy", http.StatusServiceUnavailable, "Daemon busy"}
)

// kinds lists every problem kind: the spec's Problem.type enum must name exactly these.
var kinds = []kind{kindInvalidRequest, kindInvalidName, kindNotFound, kindExists, kindTooSmall, kindReadOnly,
	kindAccessDenied, kindHostNotAllowed, kindCrossOrigin, kindOutOfRange, kindTooLarge, kindLengthRequired, kindUnsupportedType,
	kindMethod, kindFault, kindInternal, kindLimitReached, kindRateLimited, kindUnauthorized, kindTooManyWaiters,
	kindLocked, kindNotHeld, kindShuttingDown, kindUnsupported, kindNoSpace, kindBusy}

// apiError is a failure the HTTP layer itself detects.
type apiError struct {
	kind   kind
	detail string
}

func (e *apiError) Error() string { return e.kind.name + ": " + e.detail }

func fail(k kind, detail string) error { return &apiError{k, detail} }

// problemFor maps an error to its problem. shm sentinels map one to one; ErrOutOfRange is 416 on reads and
// 413 (the body does not fit) on writes, which handlers express by wrapping it in an apiError.
func problemFor(err error, r *http.Request) Problem {
	k, detail := kindInternal, err.Error()
	var ae *apiError
	var se *shm.Error
	switch {
	case errors.As(err, &ae):
		k, detail = ae.kind, ae.detail
	case errors.Is(err, shm.ErrInvalidName):
		k = kindInvalidName
	case errors.Is(err, shm.ErrInvalid):
		k = kindInvalidRequest
	case errors.Is(err, shm.ErrNotFound), errors.Is(err, shm.ErrClosed):
		k = kindNotFound
	case errors.Is(err, shm.ErrExists):
		k = kindExists
	case errors.Is(err, shm.ErrTooSmall):
		k = kindTooSmall
	case errors.Is(err, shm.ErrLimit):
		k = kindLimitReached
	case errors.Is(err, shm.ErrReadOnly):
		k = kindReadOnly
	case errors.Is(err, shm.ErrAccessDenied):
		k = kindAccessDenied
	case errors.Is(err, shm.ErrOutOfRange):
		k = kindOutOfRange
	case errors.Is(err, shm.ErrFault):
		k = kindFault
	case errors.Is(err, shm.ErrNotHeld):
		k = kindNotHeld
	case errors.Is(err, shm.ErrTimeout):
		k = kindLocked
	case errors.Is(err, shm.ErrResources):
		k = kindBusy
	case errors.Is(err, shm.ErrNoSpace):
		k = kindNoSpace
	case errors.Is(err, errors.ErrUnsupported):
		k = kindUnsupported
	case errors.Is(err, context.Canceled):
		k, detail = kindShuttingDown, "the wait was cancelled: the daemon is shutting down"
	}
	p := Problem{Type: ProblemTypePrefix + k.name, Title: k.title, Status: k.status, Detail: detail,
		Instance: r.URL.RequestURI()}
	if errors.As(err, &se) {
		p.MissingRight = se.Right
	}
	return p
}

func writeProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Del("Content-Length")
	if p.Status != http.StatusRequestedRangeNotSatisfiable {
		h.Del("Content-Range") // a 416 keeps its "bytes */size"
	}
	h.Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}
