package watch

import (
	"bytes"
	"strconv"
)

// Merger applies a decoded source's patches (the rule of jsondiff.go) to the JSON of a state, on the bytes:
// what a client of a stream does with the patches, for a consumer that needs the whole state again (an mqtt
// publisher of the whole selection), or one patch for several (one that could not send them all). It keeps
// its parse trees from one merge to the next. The zero value is ready; not safe for concurrent use.
type Merger struct {
	state, patch jtree
}

// Append appends to dst state with patch applied: an object merges into an object by key (a key it lacks is
// added, after the others), an object of item indexes into an array (an index past its end is skipped),
// anything else replaces what was there (null stays: "no value"; an object of other keys replaces an array). Both are JSON as the daemon makes it
// (compact); an error says one is not.
func (m *Merger) Append(dst, state, patch []byte) ([]byte, error) {
	if err := m.state.parse(state); err != nil {
		return dst, err
	}
	if err := m.patch.parse(patch); err != nil {
		return dst, err
	}
	return mergeNode(dst, &m.state, 0, &m.patch, 0), nil
}

// mergeNode appends the value of s.nodes[si] with p.nodes[pi] applied.
func mergeNode(dst []byte, s *jtree, si int32, p *jtree, pi int32) []byte {
	switch {
	case p.nodes[pi].kind != '{':
		return append(dst, p.nodes[pi].raw...)
	case s.nodes[si].kind == '{':
		return mergeObject(dst, s, si, p, pi)
	case s.nodes[si].kind == '[' && p.items(pi):
		return mergeItems(dst, s, si, p, pi)
	}
	return append(dst, p.nodes[pi].raw...)
}

// mergeObject merges object p.nodes[pi] into object s.nodes[si]: its keys in the state's order, then the
// patch's new ones in its order.
func mergeObject(dst []byte, s *jtree, si int32, p *jtree, pi int32) []byte {
	dst = append(dst, '{')
	first := true
	member := func(key []byte) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, key...)
		dst = append(dst, ':')
	}
	// The patch's keys come in the state's order (the patch is made walking the new value): a cursor finds
	// each in turn, a search only the others, and none once they are all found.
	cursor, matched := p.nodes[pi].first, int32(0)
	for k := s.nodes[si].first; k >= 0; k = s.nodes[k].next {
		key := s.nodes[k].key
		member(key)
		q := cursor
		switch {
		case q >= 0 && bytes.Equal(p.nodes[q].key, key):
		case matched < p.nodes[pi].n:
			q = p.find(pi, key)
		default:
			q = -1
		}
		if q < 0 {
			dst = append(dst, s.nodes[k].raw...)
			continue
		}
		matched++
		cursor = p.nodes[q].next
		dst = mergeNode(dst, s, k, p, q)
	}
	if matched < p.nodes[pi].n {
		for q := p.nodes[pi].first; q >= 0; q = p.nodes[q].next {
			if s.find(si, p.nodes[q].key) < 0 {
				member(p.nodes[q].key)
				dst = append(dst, p.nodes[q].raw...)
			}
		}
	}
	return append(dst, '}')
}

// mergeItems merges an object of item indexes, p.nodes[pi], into array s.nodes[si].
func mergeItems(dst []byte, s *jtree, si int32, p *jtree, pi int32) []byte {
	dst = append(dst, '[')
	q := p.nodes[pi].first // the patch's indexes come in order: a cursor, a search only for the others
	for i, k := 0, s.nodes[si].first; k >= 0; i, k = i+1, s.nodes[k].next {
		if i > 0 {
			dst = append(dst, ',')
		}
		if q < 0 || itemIndex(p.nodes[q].key) != i {
			q = p.findItem(pi, i)
		}
		if q < 0 {
			dst = append(dst, s.nodes[k].raw...)
			continue
		}
		dst = mergeNode(dst, s, k, p, q)
		q = p.nodes[q].next
	}
	return append(dst, ']')
}

// itemIndex is the index an item patch's key names ("12", quotes included); -1 if it names none.
func itemIndex(key []byte) int {
	if len(key) < 3 || len(key) > 12 || key[0] != '"' || key[len(key)-1] != '"' {
		return -1
	}
	i, err := strconv.Atoi(string(key[1 : len(key)-1]))
	if err != nil || i < 0 {
		return -1
	}
	return i
}

// items says whether object i is an item patch: keys, at least one, that are all item indexes.
func (t *jtree) items(i int32) bool {
	for k := t.nodes[i].first; k >= 0; k = t.nodes[k].next {
		if itemIndex(t.nodes[k].key) < 0 {
			return false
		}
	}
	return t.nodes[i].first >= 0
}

// findItem is the child of object i whose key is item index n, -1 if none.
func (t *jtree) findItem(i int32, n int) int32 {
	for k := t.nodes[i].first; k >= 0; k = t.nodes[k].next {
		if itemIndex(t.nodes[k].key) == n {
			return k
		}
	}
	return -1
}
