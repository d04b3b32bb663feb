package parquet

// dict is a column chunk's dictionary: distinct values in order of first
// appearance (so the same rows give the same dictionary) and each row's
// index into them.
type dict[V comparable] struct {
	index  map[V]int32
	values []V
	ids    []uint64
}

// build indexes vals; it returns false as soon as the dictionary's PLAIN
// size would pass limit bytes (size gives a value's PLAIN size).
func (d *dict[V]) build(vals []V, size func(V) int, limit int) bool {
	if d.index == nil {
		d.index = make(map[V]int32)
	}
	clear(d.index)
	d.values = d.values[:0]
	d.ids = d.ids[:0]
	bytes := 0
	var last V
	lastID := int32(-1)
	for _, v := range vals {
		if lastID >= 0 && v == last {
			d.ids = append(d.ids, uint64(lastID))
			continue
		}
		id, ok := d.index[v]
		if !ok {
			if bytes += size(v); bytes > limit {
				return false
			}
			id = int32(len(d.values))
			d.index[v] = id
			d.values = append(d.values, v)
		}
		d.ids = append(d.ids, uint64(id))
		last, lastID = v, id
	}
	return true
}
