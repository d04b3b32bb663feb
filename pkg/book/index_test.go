package book

import (
	"math/rand/v2"
	"testing"
)

// TestIDIndexAgainstMap churns the id index with the shapes ids take in
// practice and in attacks — consecutive runs (which share slot blocks),
// random ids, ids differing only in high bits — against a Go map, checking
// every key after each step, through growth and backward-shift deletion.
func TestIDIndexAgainstMap(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 99))
		var x idIndex
		x.init(4)
		want := map[uint64]int32{}
		var keys []uint64
		next := uint64(1000)
		for step := range 20000 {
			var k uint64
			switch r := rng.IntN(10); {
			case r < 4: // consecutive ids
				next++
				k = next
			case r < 6:
				k = rng.Uint64()
			case r < 8: // the same low bits, different high bits
				k = uint64(rng.IntN(64))<<40 | 5
			default: // an existing key
				if len(keys) > 0 {
					k = keys[rng.IntN(len(keys))]
				}
			}
			if _, ok := want[k]; ok && rng.IntN(2) == 0 {
				x.del(k)
				delete(want, k)
			} else {
				v := int32(step)
				x.put(k, v)
				if _, ok := want[k]; !ok {
					keys = append(keys, k)
				}
				want[k] = v
			}
			if x.n != len(want) {
				t.Fatalf("seed %d step %d: expected %d keys, got %d", seed, step, len(want), x.n)
			}
			if step%97 == 0 || step > 19900 {
				for _, k := range keys {
					v, ok := x.get(k)
					w, wok := want[k]
					if ok != wok || ok && v != w {
						t.Fatalf("seed %d step %d: get(%d) = %d %v, expected %d %v", seed, step, k, v, ok, w, wok)
					}
				}
			}
		}
	}
}
