package watch

import (
	"sync"
	"time"
)

// Subscriber is one stream's subscription to its sources: a bounded queue of messages, read with Next.
type Subscriber struct {
	hub      *Hub
	samplers []*sampler
	ready    chan struct{} // a token: Next has something

	mu      sync.Mutex
	queue   []*Message          // each held for the queue
	queued  int                 // bytes of data in queue
	pending map[*sampler]bool   // sources whose next message is a snapshot of their state then
	closed  map[*sampler]string // sources that ended, and why ("" once its closed message went out)
	done    bool                // Close was called
	retry   *time.Timer         // notifies again when a snapshot could not be made

	sent map[*sampler]uint64 // the last seq returned by Next for each source (Next's own)
}

// Ready receives when Next has messages.
func (sub *Subscriber) Ready() <-chan struct{} { return sub.ready }

// deliver queues m from s, unless the subscriber is behind: then it drops its queue and takes a fresh
// snapshot of every source at its next read instead (latest state wins).
func (sub *Subscriber) deliver(s *sampler, m *Message) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	switch {
	case sub.done || sub.pending[s]:
		// gone, or the snapshot it will get covers this change
	case len(sub.queue) >= sub.hub.QueueLen || len(sub.queue) > 0 && sub.queued+len(m.Data) > sub.hub.QueueBytes:
		sub.hub.behind.Add(1)
		sub.dropQueueLocked()
		for _, s := range sub.samplers {
			if _, ended := sub.closed[s]; !ended {
				sub.pending[s] = true
			}
		}
	default:
		sub.queue = append(sub.queue, m.retain())
		sub.queued += len(m.Data)
	}
	sub.notify()
}

func (sub *Subscriber) dropQueueLocked() {
	for i, m := range sub.queue {
		m.Release()
		sub.queue[i] = nil
	}
	sub.queue, sub.queued = sub.queue[:0], 0
}

// resync makes s's next message a snapshot.
func (sub *Subscriber) resync(s *sampler) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	sub.pending[s] = true
	sub.notify()
}

// end records that s ended.
func (sub *Subscriber) end(s *sampler, reason string) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	sub.closed[s] = reason
	sub.notify()
}

func (sub *Subscriber) notify() {
	select {
	case sub.ready <- struct{}{}:
	default:
	}
}

// Next returns what is waiting, in order: queued changes first, then the snapshots of sources that were
// resynchronised, then closed messages. ended reports that every source has ended (the stream is over).
// Release each message once written. A snapshot the budget has no room for now stays pending: Ready fires
// again a little later (Hub.Retry) to try again.
func (sub *Subscriber) Next() (msgs []*Message, ended bool) {
	sub.mu.Lock()
	msgs = append(msgs, sub.queue...)
	clear(sub.queue)
	sub.queue, sub.queued = sub.queue[:0], 0
	var snaps, gone []*sampler
	for s := range sub.pending {
		snaps = append(snaps, s)
	}
	clear(sub.pending)
	reasons := make(map[*sampler]string)
	for s, why := range sub.closed {
		if why != "" {
			gone = append(gone, s)
			reasons[s] = why
			sub.closed[s] = "" // sent
		}
	}
	ended = len(sub.closed) == len(sub.samplers)
	sub.mu.Unlock()
	var starved []*sampler
	for _, s := range snaps {
		if m := s.snapshot(); m != nil {
			msgs = append(msgs, m)
		} else if s.src.Mapping != nil {
			starved = append(starved, s)
		}
	}
	for _, s := range gone {
		msgs = append(msgs, s.closedMessage(reasons[s]))
	}
	if len(starved) > 0 {
		sub.starve(starved)
	}
	// A change can arrive after the snapshot that already holds it was taken: drop it, so that every
	// source's seq increases.
	out := msgs[:0]
	for _, m := range msgs {
		if last, ok := sub.sent[m.from]; ok && (m.Type == "change" || m.Type == "fields") && m.seq <= last {
			m.Release()
			continue
		}
		sub.sent[m.from] = m.seq
		out = append(out, m)
	}
	return out, ended
}

// starve puts back the snapshots that could not be made, and arranges for Next to be tried again.
func (sub *Subscriber) starve(ss []*sampler) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.done {
		return
	}
	for _, s := range ss {
		if _, ended := sub.closed[s]; !ended {
			sub.pending[s] = true
		}
	}
	if sub.retry == nil {
		sub.retry = time.AfterFunc(sub.hub.Retry, sub.notify)
	} else {
		sub.retry.Reset(sub.hub.Retry)
	}
}

// Close unsubscribes from every source and lets go of what it still holds.
func (sub *Subscriber) Close() {
	sub.mu.Lock()
	if sub.done {
		sub.mu.Unlock()
		return
	}
	sub.done = true
	sub.dropQueueLocked()
	if sub.retry != nil {
		sub.retry.Stop()
	}
	sub.mu.Unlock()
	for _, s := range sub.samplers {
		s.remove(sub)
	}
	sub.hub.mu.Lock()
	sub.hub.watchers--
	sub.hub.mu.Unlock()
}

// End returns a closed message, with reason, for each of the subscriber's sources that has not ended: what a
// stream sends when it ends for a reason of its own (the daemon stops).
func (sub *Subscriber) End(reason string) []*Message {
	sub.mu.Lock()
	var open []*sampler
	for _, s := range sub.samplers {
		if _, ended := sub.closed[s]; !ended {
			open = append(open, s)
			sub.closed[s] = ""
		}
	}
	sub.mu.Unlock()
	msgs := make([]*Message, 0, len(open))
	for _, s := range open {
		msgs = append(msgs, s.closedMessage(reason))
	}
	return msgs
}
