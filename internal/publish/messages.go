package publish

import "github.com/shmbridge/shmbridge/internal/watch"

// messages is what an mqtt publisher has to send: the selection as its watch last saw it, and what of it goes
// next, one message at most (the latest wins). Every payload is the watch's own JSON: a snapshot's fields as
// they are, a patch merged into the state (and, with changes, into the patch waiting) on the bytes. Not safe
// for concurrent use (its run's mutex guards it).
type messages struct {
	changes bool   // each message the changes only (Spec.Changes)
	state   []byte // the selection as last seen (nil: nothing yet)
	full    bool   // the whole state goes next
	patch   []byte // the changes that go next (with changes; empty: none)
	// resync: the next message is the whole selection (one that the broker refused is not one the subscriber
	// has).
	resync bool
	spare  []byte // the buffer the next merge writes into
	merger watch.Merger
}

// take takes a watch message's fields: a snapshot's (whole), or a patch of the last ones. replaced says that
// what waited to go is replaced (the newer state goes instead). A patch that does not merge leaves it as it
// was.
func (q *messages) take(whole bool, fields []byte) (replaced bool, err error) {
	replaced = q.full || len(q.patch) > 0
	switch {
	case whole || q.state == nil:
		q.state, q.full, q.patch = append(q.state[:0], fields...), true, q.patch[:0]
	case q.changes && !q.full && !q.resync:
		if q.state, err = q.merged(q.state, fields); err != nil {
			return replaced, err
		}
		if len(q.patch) == 0 {
			q.patch = append(q.patch, fields...)
		} else if q.patch, err = q.merged(q.patch, fields); err != nil {
			q.full, q.patch = true, q.patch[:0] // the state has it: the whole goes
		}
	default:
		if q.state, err = q.merged(q.state, fields); err != nil {
			return replaced, err
		}
		q.full = true
	}
	q.resync = false
	return replaced, nil
}

// merged is dst with patch applied, made in the spare buffer (dst's buffer becomes the spare).
func (q *messages) merged(dst, patch []byte) ([]byte, error) {
	out, err := q.merger.Append(q.spare[:0], dst, patch)
	if err != nil {
		return dst, err
	}
	q.spare = dst[:0]
	return out, nil
}

// next appends the payload that goes next to dst (nothing: nothing goes), and counts it gone.
func (q *messages) next(dst []byte) []byte {
	switch {
	case q.full:
		dst = append(dst, q.state...)
	case len(q.patch) > 0:
		dst = append(dst, q.patch...)
	default:
		return dst
	}
	q.full, q.patch = false, q.patch[:0]
	return dst
}

// lost: the payload next gave did not go. The whole state goes next (a patch that did not go is not one the
// subscriber has); replaced says a newer one was waiting already.
func (q *messages) lost() (replaced bool) {
	replaced = q.full || len(q.patch) > 0
	q.full, q.patch = true, q.patch[:0]
	return replaced
}

// refused: the broker refused the payload next gave; with changes, the next message is the whole selection.
func (q *messages) refused() { q.resync = q.changes }

// connected: a connection came up; the whole state goes next (if there is one yet).
func (q *messages) connected() {
	if q.state != nil {
		q.full, q.patch = true, q.patch[:0]
	}
}
