package watch

// Orphaned reports whether sub is subscribed to a sampler that has stopped without telling it so: it would get
// keep-alives for ever.
func Orphaned(sub *Subscriber) bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	for _, s := range sub.samplers {
		s.mu.Lock()
		halted := s.halted && s.closed == ""
		s.mu.Unlock()
		if _, told := sub.closed[s]; halted && !told {
			return true
		}
	}
	return false
}
