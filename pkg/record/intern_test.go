package record

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

func TestInternTable(t *testing.T) {
	for _, n := range []int{1, 4, 300, 10_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var tab internTable
			keys := make([][]byte, n)
			first := make([]string, n)
			for i := range keys {
				keys[i] = fmt.Appendf(nil, "S%05d", i)
				first[i] = tab.get(keys[i], 8)
				if first[i] != string(keys[i]) {
					t.Fatalf("expected %q, got %q", keys[i], first[i])
				}
			}
			allocs := testing.AllocsPerRun(3, func() {
				for i, k := range keys {
					if s := tab.get(k, 8); unsafe.StringData(s) != unsafe.StringData(first[i]) {
						t.Fatalf("%q: expected the interned string back, got a new one", k)
					}
				}
			})
			if allocs != 0 {
				t.Fatalf("expected no allocations for %d known strings, got %v", n, allocs)
			}
			if 2*tab.n > len(tab.slots) {
				t.Fatalf("expected the table at most half full, got %d strings in %d slots", tab.n, len(tab.slots))
			}
		})
	}
}

func TestInternTableBounded(t *testing.T) {
	var tab internTable
	for i := range 3 * maxInterned {
		k := fmt.Appendf(nil, "T%d", i)
		if s := tab.get(k, 12); s != string(k) {
			t.Fatalf("expected %q, got %q", k, s)
		}
		if tab.n > maxInterned || len(tab.slots) > 2*maxInterned {
			t.Fatalf("after %d distinct strings: expected at most %d strings in %d slots, got %d in %d", i+1, maxInterned, 2*maxInterned, tab.n, len(tab.slots))
		}
	}
	long := []byte(strings.Repeat("X", maxInternLen+1))
	n := tab.n
	if s := tab.get(long, 12); s != string(long) || tab.n != n {
		t.Fatalf("expected a long string back and not kept, got %d bytes and %d strings kept (was %d)", len(s), tab.n, n)
	}
	if s := tab.get(nil, 12); s != "" {
		t.Fatalf("expected the empty string, got %q", s)
	}
}
