package parquet

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Typed Parquet value encoders. parquet-go's encoders take []interface{}
// and allocate per value (WriteDeltaINT64 boxes every delta); these work
// on plain slices and append to a reused buffer. The layouts follow the
// Parquet format specification (Encodings.md).

// appendZigZag appends v as a ULEB128 zigzag varint.
func appendZigZag(dst []byte, v int64) []byte {
	return binary.AppendUvarint(dst, uint64(v<<1)^uint64(v>>63))
}

// Delta blocks hold deltaBlock values in deltaMinis miniblocks.
const (
	deltaBlock = 128
	deltaMinis = 4
	deltaMini  = deltaBlock / deltaMinis
)

// appendDelta appends vals in DELTA_BINARY_PACKED. Deltas wrap around
// (two's complement), as the specification allows, so any int64 (or
// uint64 stored as int64) sequence round-trips.
func appendDelta(dst []byte, vals []int64) []byte {
	dst = binary.AppendUvarint(dst, deltaBlock)
	dst = binary.AppendUvarint(dst, deltaMinis)
	dst = binary.AppendUvarint(dst, uint64(len(vals)))
	if len(vals) == 0 {
		return append(dst, 0)
	}
	dst = appendZigZag(dst, vals[0])
	var d [deltaBlock]uint64
	for i := 1; i < len(vals); i += deltaBlock {
		n := min(deltaBlock, len(vals)-i)
		minD := int64(math.MaxInt64)
		for k := 0; k < n; k++ {
			x := vals[i+k] - vals[i+k-1]
			d[k] = uint64(x)
			minD = min(minD, x)
		}
		for k := 0; k < n; k++ {
			d[k] -= uint64(minD)
		}
		clear(d[n:])
		dst = appendZigZag(dst, minD)
		used := (n + deltaMini - 1) / deltaMini
		var widths [deltaMinis]uint
		for m := 0; m < used; m++ {
			var or uint64
			for _, x := range d[m*deltaMini : (m+1)*deltaMini] {
				or |= x
			}
			widths[m] = uint(bits.Len64(or))
		}
		for _, w := range widths {
			dst = append(dst, byte(w))
		}
		// Miniblocks after the last value have no body (width 0).
		for m := 0; m < used; m++ {
			dst = appendPacked(dst, d[m*deltaMini:(m+1)*deltaMini], widths[m])
		}
	}
	return dst
}

// appendPacked appends vals (a multiple of 8 of them, each below 1<<w)
// bit-packed LSB first, w bits each, as Parquet's BIT_PACKED runs and
// delta miniblocks store them.
func appendPacked(dst []byte, vals []uint64, w uint) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	var nb uint
	for _, v := range vals {
		acc |= v << nb
		if nb+w >= 64 {
			dst = binary.LittleEndian.AppendUint64(dst, acc)
			acc = v >> (64 - nb) // 0 when nb is 0 (Go shifts by 64 give 0)
			nb = nb + w - 64
		} else {
			nb += w
		}
	}
	for ; nb > 0; nb -= 8 {
		dst = append(dst, byte(acc))
		acc >>= 8
	}
	return dst
}

// appendHybrid appends vals (each below 1<<w, w >= 1) in the
// RLE/bit-packing hybrid, without a length prefix: a run of 8 or more
// equal values starting on a group boundary becomes an RLE run, the rest
// bit-packed groups of 8 (the last group zero-padded). scratch is reused.
func appendHybrid(dst []byte, vals []uint64, w uint, scratch []uint64) ([]byte, []uint64) {
	n := len(vals)
	runAt := func(i int) int {
		j := i + 1
		for j < n && vals[j] == vals[i] {
			j++
		}
		return j - i
	}
	byteW := int(w+7) / 8
	for i := 0; i < n; {
		if r := runAt(i); r >= 8 {
			dst = binary.AppendUvarint(dst, uint64(r)<<1)
			for b, v := 0, vals[i]; b < byteW; b, v = b+1, v>>8 {
				dst = append(dst, byte(v))
			}
			i += r
			continue
		}
		// Literal groups of 8 until a run of 8 starts on a group boundary.
		j := i + 8
		for j < n && runAt(j) < 8 {
			j += 8
		}
		groups := (min(j, n) - i + 7) / 8
		scratch = append(scratch[:0], vals[i:min(j, n)]...)
		for len(scratch) < groups*8 {
			scratch = append(scratch, 0)
		}
		dst = binary.AppendUvarint(dst, uint64(groups)<<1|1)
		dst = appendPacked(dst, scratch, w)
		i = min(j, n)
	}
	return dst, scratch
}

// appendPlainInt64s appends vals in PLAIN (8 bytes little endian each).
func appendPlainInt64s(dst []byte, vals []int64) []byte {
	for _, v := range vals {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
	}
	return dst
}

// appendPlainStrings appends vals in PLAIN (4-byte length, bytes).
func appendPlainStrings(dst []byte, vals []string) []byte {
	for _, v := range vals {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// appendPlainBools appends vals (0 or 1) in PLAIN: bit-packed, LSB first,
// the last byte zero-padded.
func appendPlainBools(dst []byte, vals []int64) []byte {
	var b byte
	for i, v := range vals {
		b |= byte(v&1) << (i % 8)
		if i%8 == 7 {
			dst = append(dst, b)
			b = 0
		}
	}
	if len(vals)%8 != 0 {
		dst = append(dst, b)
	}
	return dst
}
