package window

// index finds an instrument's state by name: open addressing with linear
// probing over a power-of-two table and an FNV-1a hash, cheaper than a Go
// map for the few short symbols an exchange trades.
type index struct {
	slots []*inst // len is a power of two, at most half full
	n     int
}

func hashName(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// get returns the instrument named s, or nil.
func (x *index) get(s string) *inst {
	if len(x.slots) == 0 {
		return nil
	}
	mask := uint32(len(x.slots) - 1)
	for i := hashName(s) & mask; ; i = (i + 1) & mask {
		in := x.slots[i]
		if in == nil || in.name == s {
			return in
		}
	}
}

// put adds an instrument whose name is not in the index yet.
func (x *index) put(in *inst) {
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots = make([]*inst, max(16, 2*len(old)))
		x.n = 0
		for _, o := range old {
			if o != nil {
				x.put(o)
			}
		}
	}
	mask := uint32(len(x.slots) - 1)
	i := hashName(in.name) & mask
	for x.slots[i] != nil {
		i = (i + 1) & mask
	}
	x.slots[i] = in
	x.n++
}
