package parquet

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/xitongsys/parquet-go/encoding"
)

// The encoders are checked against parquet-go's decoders.

func decodeDelta(t testing.TB, b []byte) []int64 {
	t.Helper()
	r := bytes.NewReader(b)
	vals, err := encoding.ReadDeltaBinaryPackedINT64(r)
	if err != nil {
		t.Fatalf("decode delta: %v", err)
	}
	if r.Len() != 0 {
		t.Fatalf("decode delta: %d bytes left over", r.Len())
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		out[i] = v.(int64)
	}
	return out
}

func checkDelta(t testing.TB, vals []int64) {
	t.Helper()
	got := decodeDelta(t, appendDelta(nil, vals))
	if len(vals) == 0 {
		return // parquet-go's decoder returns the first value anyway
	}
	if len(got) != len(vals) {
		t.Fatalf("%d values decoded, want %d", len(got), len(vals))
	}
	for i := range vals {
		if got[i] != vals[i] {
			t.Fatalf("value %d of %d: got %d, want %d", i, len(vals), got[i], vals[i])
		}
	}
}

func TestDeltaRoundTrip(t *testing.T) {
	ramp := func(n int, f func(i int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	x := uint64(1)
	rnd := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for _, n := range []int{1, 2, 31, 32, 33, 127, 128, 129, 130, 1000} {
		checkDelta(t, ramp(n, func(i int) int64 { return 1678579200000 + int64(i)*7 }))
		checkDelta(t, ramp(n, func(i int) int64 { return int64(rnd()) }))                               // 64-bit widths
		checkDelta(t, ramp(n, func(i int) int64 { return int64(rnd() % 1000) }))                        // mixed widths
		checkDelta(t, ramp(n, func(i int) int64 { return -int64(i) }))                                  // negative deltas
		checkDelta(t, ramp(n, func(i int) int64 { return 42 }))                                         // width 0
		checkDelta(t, ramp(n, func(i int) int64 { return []int64{math.MinInt64, math.MaxInt64}[i%2] })) // wrapping
	}
	if b := appendDelta(nil, nil); !bytes.Equal(b, []byte{128, 1, 4, 0, 0}) {
		t.Errorf("empty: % x", b)
	}
}

func decodeHybrid(t testing.TB, b []byte, w uint, n int) []uint64 {
	t.Helper()
	vals, err := encoding.ReadRLEBitPackedHybrid(bytes.NewReader(b), uint64(w), uint64(len(b)))
	if err != nil {
		t.Fatalf("decode hybrid: %v", err)
	}
	if len(vals) < n || len(vals) > n+7 {
		t.Fatalf("decode hybrid: %d values, want %d (+ padding)", len(vals), n)
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(vals[i].(int64))
	}
	return out
}

func checkHybrid(t testing.TB, vals []uint64, w uint) []byte {
	t.Helper()
	b, _ := appendHybrid(nil, vals, w, nil)
	if len(vals) == 0 {
		if len(b) != 0 {
			t.Fatalf("no values: % x", b)
		}
		return b
	}
	got := decodeHybrid(t, b, w, len(vals))
	for i := range vals {
		if got[i] != vals[i] {
			t.Fatalf("value %d of %d (width %d): got %d, want %d", i, len(vals), w, got[i], vals[i])
		}
	}
	return b
}

func TestHybridRoundTrip(t *testing.T) {
	x := uint64(7)
	rnd := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for _, w := range []uint{1, 3, 8, 11, 17, 31} {
		for _, n := range []int{1, 7, 8, 9, 100, 1001} {
			var vals []uint64
			for len(vals) < n {
				v, run := rnd()&(1<<w-1), 1+int(rnd()%20)
				for k := 0; k < run && len(vals) < n; k++ {
					vals = append(vals, v)
				}
			}
			checkHybrid(t, vals, w)
		}
	}
	// Long runs become RLE runs: 1000 equal values take a few bytes.
	if b := checkHybrid(t, make([]uint64, 1000), 1); len(b) > 4 {
		t.Errorf("1000 zeros: %d bytes, want an RLE run", len(b))
	}
}

func TestPlainEncoders(t *testing.T) {
	if got := appendPlainInt64s(nil, []int64{-1, 2}); !bytes.Equal(got, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.MaxUint64), 2)) {
		t.Errorf("int64s: % x", got)
	}
	if got := appendPlainStrings(nil, []string{"", "ab"}); !bytes.Equal(got, []byte{0, 0, 0, 0, 2, 0, 0, 0, 'a', 'b'}) {
		t.Errorf("strings: % x", got)
	}
}

func FuzzDelta(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		vals := make([]int64, len(b)/8)
		for i := range vals {
			vals[i] = int64(binary.LittleEndian.Uint64(b[i*8:]))
		}
		checkDelta(t, vals)
	})
}

func FuzzHybrid(f *testing.F) {
	f.Add(uint8(3), []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3})
	f.Fuzz(func(t *testing.T, w uint8, b []byte) {
		width := uint(w%32) + 1
		vals := make([]uint64, len(b))
		for i, c := range b {
			vals[i] = uint64(c) & (1<<width - 1)
		}
		checkHybrid(t, vals, width)
	})
}
