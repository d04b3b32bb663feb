package record

// internTable is a bounded string set: a repeated byte string comes back
// as the same string without allocating. Open addressing with linear
// probing over a power-of-two table kept at most half full, so that a
// reference of 10,000 instruments interns as well as one of four (a
// direct-mapped cache of a few hundred slots missed, and allocated, on
// almost every trade). Memory stays bounded however many distinct values
// flow through: strings longer than maxInternLen are not kept, and a
// table that reaches maxInterned strings starts again empty. The zero
// value is ready to use and starts with 1<<bits slots.
type internTable struct {
	slots []string
	n     int
}

const (
	maxInternLen = 64
	maxInterned  = 1 << 16
)

func (t *internTable) get(b []byte, bits uint) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternLen {
		return string(b)
	}
	if t.slots == nil {
		t.slots = make([]string, 1<<bits)
	}
	h := fnv32(b)
	mask := uint32(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != "" {
		if t.slots[i] == string(b) {
			return t.slots[i]
		}
		i = (i + 1) & mask
	}
	s := string(b)
	if 2*(t.n+1) > len(t.slots) {
		if t.n+1 > maxInterned {
			clear(t.slots)
			t.n = 0
		} else {
			t.grow()
		}
		return t.put(s, h)
	}
	t.slots[i] = s
	t.n++
	return s
}

// grow doubles the table and reinserts every string.
func (t *internTable) grow() {
	old := t.slots
	t.slots = make([]string, 2*len(old))
	t.n = 0
	for _, s := range old {
		if s != "" {
			t.put(s, fnv32(s))
		}
	}
}

// put adds s, of hash h, which is not in the table and fits.
func (t *internTable) put(s string, h uint32) string {
	mask := uint32(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != "" {
		i = (i + 1) & mask
	}
	t.slots[i] = s
	t.n++
	return s
}

// fnv32 is the 32-bit FNV-1a hash of s.
func fnv32[T string | []byte](s T) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}
