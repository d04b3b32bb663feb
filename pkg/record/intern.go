package record

// internTable is a bounded, direct-mapped string cache: a repeated byte
// string comes back as the same string without allocating. A collision
// replaces the slot, so memory stays bounded however many distinct values
// flow through. The zero value is ready to use and holds 1<<bits slots once
// first used.
type internTable struct {
	slots []string
}

func (t *internTable) get(b []byte, bits uint) string {
	if len(b) == 0 {
		return ""
	}
	if t.slots == nil {
		t.slots = make([]string, 1<<bits)
	}
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &t.slots[h&uint32(len(t.slots)-1)]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}
