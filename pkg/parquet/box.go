package parquet

import "unsafe"

// parquet-go takes column values as []interface{}. Boxing every int64 and
// string allocates (runtime.convT64, convTstring), which was most of the
// archive's cost. The values are instead stored in one slab per column and
// row group, and each interface points into the slab: the same two-word
// representation the runtime builds (type word, data pointer), without an
// allocation per value. The slab is never written after the interfaces are
// made, which is all the runtime requires of an interface's data.

type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func typeWord(v interface{}) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	int64Type  = typeWord(int64(0))
	stringType = typeWord("")
)

// boxInt64s fills dst[i] with an interface holding vals[i].
func boxInt64s(dst []interface{}, vals []int64) {
	for i := range vals {
		e := (*eface)(unsafe.Pointer(&dst[i]))
		e.typ, e.data = int64Type, unsafe.Pointer(&vals[i])
	}
}

// boxStrings fills dst[i] with an interface holding vals[i].
func boxStrings(dst []interface{}, vals []string) {
	for i := range vals {
		e := (*eface)(unsafe.Pointer(&dst[i]))
		e.typ, e.data = stringType, unsafe.Pointer(&vals[i])
	}
}
