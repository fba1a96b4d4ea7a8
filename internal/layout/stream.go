package layout

import (
	"fmt"
)

// stream is a byte stream being read: the data, or a substream of it.
type stream struct {
	buf      []byte
	pos      int
	bits     uint64
	bitsLeft int
	base     int // where buf starts in the data (for error offsets)
}

// alignToByte drops the bits left of a byte a bit field began.
func (s *stream) alignToByte() { s.bits, s.bitsLeft = 0, 0 }

// read reads n bytes, after aligning to a byte.
func (s *stream) read(n int) ([]byte, error) {
	s.alignToByte()
	if n < 0 {
		return nil, fmt.Errorf("negative size %d", n)
	}
	if n > len(s.buf)-s.pos {
		return nil, fmt.Errorf("end of stream: wanted %d bytes, %d left", n, len(s.buf)-s.pos)
	}
	b := s.buf[s.pos : s.pos+n]
	s.pos += n
	return b, nil
}

// readBitsBE reads an n-bit field, big-endian bit order (from each byte's high bit).
func (s *stream) readBitsBE(n int) (uint64, error) {
	var res uint64
	need := n - s.bitsLeft
	s.bitsLeft = -need & 7
	if need > 0 {
		nb := (need-1)/8 + 1
		if nb > len(s.buf)-s.pos {
			return 0, fmt.Errorf("end of stream: wanted %d bits, %d bytes left", n, len(s.buf)-s.pos)
		}
		for _, c := range s.buf[s.pos : s.pos+nb] {
			res = res<<8 | uint64(c)
		}
		s.pos += nb
		newBits := res
		res = res>>uint(s.bitsLeft) | s.bits<<uint(need)
		s.bits = newBits
	} else {
		res = s.bits >> uint(-need)
	}
	s.bits &= 1<<uint(s.bitsLeft) - 1
	if n < 64 {
		res &= 1<<uint(n) - 1
	}
	return res, nil
}

// readBitsLE reads an n-bit field, little-endian bit order (from each byte's low bit).
func (s *stream) readBitsLE(n int) (uint64, error) {
	var res uint64
	need := n - s.bitsLeft
	if need > 0 {
		nb := (need-1)/8 + 1
		if nb > len(s.buf)-s.pos {
			return 0, fmt.Errorf("end of stream: wanted %d bits, %d bytes left", n, len(s.buf)-s.pos)
		}
		for i, c := range s.buf[s.pos : s.pos+nb] {
			res |= uint64(c) << uint(8*i)
		}
		s.pos += nb
		var newBits uint64
		if need < 64 {
			newBits = res >> uint(need)
		}
		res = res<<uint(s.bitsLeft) | s.bits
		s.bits = newBits
	} else {
		res = s.bits
		s.bits >>= uint(n)
	}
	s.bitsLeft = -need & 7
	if n < 64 {
		res &= 1<<uint(n) - 1
	}
	return res, nil
}
