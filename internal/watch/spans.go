package watch

// span is a run of changed bytes: [off, off+n) of the watched range, relative to its start.
type span struct{ off, n int }

// mergeGap is how close two runs of changed bytes may be and still be sent as one span: sending a few unchanged
// bytes costs less than a span's framing ({"offset":…,"data":"…"}, ~25 bytes).
const mergeGap = 16

// diff returns the runs where cur differs from prev (of the same length), merging runs less than mergeGap
// bytes apart. It compares eight bytes at a time where it can.
func diff(prev, cur []byte, spans []span) []span {
	spans = spans[:0]
	n := len(cur)
	i := 0
	for i < n {
		// Skip equal bytes, a word at a time.
		for i+8 <= n && load64(prev[i:]) == load64(cur[i:]) {
			i += 8
		}
		for i < n && prev[i] == cur[i] {
			i++
		}
		if i == n {
			break
		}
		start := i
		for i < n && prev[i] != cur[i] {
			i++
		}
		if k := len(spans); k > 0 && start-(spans[k-1].off+spans[k-1].n) < mergeGap {
			spans[k-1].n = i - spans[k-1].off
		} else {
			spans = append(spans, span{start, i - start})
		}
	}
	return spans
}

func load64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
