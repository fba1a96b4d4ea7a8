// Package spans finds the runs of bytes that changed between two copies of a range: what a watch stream sends and
// a recording keeps of each change.
package spans

// Span is a run of changed bytes: [Off, Off+N) of a range, relative to its start.
type Span struct{ Off, N int }

// MergeGap is how close two runs of changed bytes may be and still be sent as one span: sending a few unchanged
// bytes costs less than a span's framing (a watch message's {"offset":…,"data":"…"}, a recording's 8 bytes).
const MergeGap = 16

// Diff returns the runs where cur differs from prev (of the same length), merging runs less than MergeGap
// bytes apart. It compares eight bytes at a time where it can.
func Diff(prev, cur []byte, spans []Span) []Span {
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
		if k := len(spans); k > 0 && start-(spans[k-1].Off+spans[k-1].N) < MergeGap {
			spans[k-1].N = i - spans[k-1].Off
		} else {
			spans = append(spans, Span{start, i - start})
		}
	}
	return spans
}

func load64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
