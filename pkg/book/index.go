package book

// idIndex maps order ids to node indexes: open addressing with linear
// probing and backward-shift deletion, so that a steady insert/delete churn
// neither allocates nor accumulates tombstones. It is never iterated on the
// hot path, and its layout does not depend on anything but the operations
// applied, so it is deterministic.
type idIndex struct {
	slots []idSlot // power-of-two length
	mask  uint64
	n     int
}

type idSlot struct {
	key uint64
	val int32 // node index + 1; 0 = empty
}

func mix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// home is k's first slot. Ids that differ only in their low three bits
// share a mixed block of eight adjacent slots (two cache lines), in id
// order: orders mostly arrive with consecutive ids, and the duplicate check
// of a NEW then finds the line its predecessor just touched instead of a
// random one.
func (x *idIndex) home(k uint64) uint64 { return (mix(k>>3)<<3 | k&7) & x.mask }

func (x *idIndex) init(capacity int) {
	size := 16
	for size < 2*capacity {
		size <<= 1
	}
	x.slots = make([]idSlot, size)
	x.mask = uint64(size - 1)
	x.n = 0
}

func (x *idIndex) clear() {
	clear(x.slots)
	x.n = 0
}

func (x *idIndex) get(k uint64) (int32, bool) {
	for i := x.home(k); ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.val == 0 {
			return nilIdx, false
		}
		if s.key == k {
			return s.val - 1, true
		}
	}
}

// put inserts or overwrites k.
func (x *idIndex) put(k uint64, v int32) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	for i := x.home(k); ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.val == 0 {
			*s = idSlot{key: k, val: v + 1}
			x.n++
			return
		}
		if s.key == k {
			s.val = v + 1
			return
		}
	}
}

func (x *idIndex) del(k uint64) {
	i := x.home(k)
	for {
		s := &x.slots[i]
		if s.val == 0 {
			return
		}
		if s.key == k {
			break
		}
		i = (i + 1) & x.mask
	}
	// Backward-shift: pull later members of the probe run into the hole
	// unless their home slot lies cyclically in (hole, j].
	j := i
	for {
		j = (j + 1) & x.mask
		s := x.slots[j]
		if s.val == 0 {
			break
		}
		home := x.home(s.key)
		if (j-home)&x.mask >= (j-i)&x.mask {
			x.slots[i] = s
			i = j
		}
	}
	x.slots[i] = idSlot{}
	x.n--
}

func (x *idIndex) grow() {
	old := x.slots
	x.slots = make([]idSlot, 2*len(old))
	x.mask = uint64(len(x.slots) - 1)
	for _, s := range old {
		if s.val == 0 {
			continue
		}
		i := x.home(s.key)
		for x.slots[i].val != 0 {
			i = (i + 1) & x.mask
		}
		x.slots[i] = s
	}
}
