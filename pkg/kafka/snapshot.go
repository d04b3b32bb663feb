package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
)

// ErrSnapshot is wrapped by every error about a stored snapshot.
var ErrSnapshot = errors.New("snapshot")

// snapshot is a processor's state plus the input position it corresponds to:
// next[p] is the offset of the first input record of partition p not yet
// reflected in data (the offset committed with it).
// files are the batch files (relative paths) staged by the transaction
// that wrote the snapshot: published once it is known to have committed.
type snapshot struct {
	next  map[int32]int64
	data  []byte
	files []string
}

// chunkSize bounds one state record's value, so a snapshot of any size fits
// under the default max.message.bytes and producer batch size.
const chunkSize = 512 << 10

// snapMagic starts a manifest; BSN2 adds the batch files after the
// offsets. BSN1 manifests (no files) are still read.
var (
	snapMagic   = []byte("BSN2")
	snapMagicV1 = []byte("BSN1")
)

// maxSnapshotFiles bounds the file list a manifest may declare.
const maxSnapshotFiles = 1 << 16

type kv struct {
	key, value []byte
}

// snapshotKey is the state-topic key of a snapshot: one per partition, or
// "global" for a processor that owns every partition.
func snapshotKey(group, topic string, partition int32, global bool) string {
	if global {
		return group + "/" + topic + "/global"
	}
	return group + "/" + topic + "/" + strconv.Itoa(int(partition))
}

func chunkKey(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func hashOf(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// encodeSnapshot gives the state records for s under key: a manifest (with
// the data inline when small) and, for large data, chunks that the manifest
// names by count and content hash. All go in one transaction, so a
// read_committed reader sees either the whole new snapshot or the old one.
func encodeSnapshot(key string, s snapshot) []kv {
	parts := make([]int32, 0, len(s.next))
	for p := range s.next {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	m := append([]byte(nil), snapMagic...)
	m = binary.AppendUvarint(m, uint64(len(parts)))
	for _, p := range parts {
		m = binary.AppendVarint(m, int64(p))
		m = binary.AppendVarint(m, s.next[p])
	}
	m = binary.AppendUvarint(m, uint64(len(s.files)))
	for _, f := range s.files {
		m = binary.AppendUvarint(m, uint64(len(f)))
		m = append(m, f...)
	}
	h := hashOf(s.data)
	m = binary.BigEndian.AppendUint64(m, h)
	m = binary.AppendUvarint(m, uint64(len(s.data)))
	var out []kv
	if len(s.data) <= chunkSize {
		m = binary.AppendUvarint(m, 0)
		m = append(m, s.data...)
	} else {
		n := (len(s.data) + chunkSize - 1) / chunkSize
		m = binary.AppendUvarint(m, uint64(n))
		for i := 0; i < n; i++ {
			part := s.data[i*chunkSize : min((i+1)*chunkSize, len(s.data))]
			v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(part)), h)
			out = append(out, kv{[]byte(chunkKey(key, i)), append(v, part...)})
		}
	}
	return append(out, kv{[]byte(key), m})
}

// decodeSnapshot rebuilds the snapshot stored under key from the latest
// value of each key (get returns nil when a key is absent). found is false
// when there is no manifest.
func decodeSnapshot(key string, get func(string) []byte) (s snapshot, found bool, err error) {
	m := get(key)
	if m == nil {
		return s, false, nil
	}
	bad := func(what string) error {
		return fmt.Errorf("%w %s: %s", ErrSnapshot, key, what)
	}
	if len(m) < len(snapMagic) {
		return s, true, bad("not a bourse snapshot (bad magic)")
	}
	v2 := string(m[:len(snapMagic)]) == string(snapMagic)
	if !v2 && string(m[:len(snapMagicV1)]) != string(snapMagicV1) {
		return s, true, bad("not a bourse snapshot (bad magic)")
	}
	m = m[len(snapMagic):]
	uv := func() (uint64, bool) {
		v, n := binary.Uvarint(m)
		if n <= 0 {
			return 0, false
		}
		m = m[n:]
		return v, true
	}
	sv := func() (int64, bool) {
		v, n := binary.Varint(m)
		if n <= 0 {
			return 0, false
		}
		m = m[n:]
		return v, true
	}
	np, ok := uv()
	if !ok || np > 1<<20 {
		return s, true, bad("truncated partition count")
	}
	s.next = make(map[int32]int64, np)
	for i := uint64(0); i < np; i++ {
		p, ok1 := sv()
		o, ok2 := sv()
		if !ok1 || !ok2 {
			return s, true, bad("truncated offsets")
		}
		s.next[int32(p)] = o
	}
	if v2 {
		nf, ok := uv()
		if !ok || nf > maxSnapshotFiles {
			return s, true, bad("truncated or oversized file list")
		}
		for i := uint64(0); i < nf; i++ {
			l, ok := uv()
			if !ok || l > uint64(len(m)) {
				return s, true, bad("truncated file name")
			}
			s.files = append(s.files, string(m[:l]))
			m = m[l:]
		}
	}
	if len(m) < 8 {
		return s, true, bad("truncated hash")
	}
	h := binary.BigEndian.Uint64(m)
	m = m[8:]
	size, ok := uv()
	if !ok {
		return s, true, bad("truncated size")
	}
	chunks, ok := uv()
	if !ok {
		return s, true, bad("truncated chunk count")
	}
	if chunks == 0 {
		s.data = m
	} else {
		if chunks > size/chunkSize+1 {
			return s, true, bad(fmt.Sprintf("%d chunks for %d bytes", chunks, size))
		}
		// Grow with the chunks actually found rather than trusting the
		// size field: a corrupted manifest must not allocate terabytes.
		s.data = make([]byte, 0, min(size, 4*chunkSize))
		for i := 0; i < int(chunks); i++ {
			c := get(chunkKey(key, i))
			if len(c) < 8 || binary.BigEndian.Uint64(c) != h {
				return s, true, bad(fmt.Sprintf("chunk %d of %d missing or from another snapshot", i, chunks))
			}
			s.data = append(s.data, c[8:]...)
		}
	}
	if uint64(len(s.data)) != size || hashOf(s.data) != h {
		return s, true, bad(fmt.Sprintf("content check failed: expected %d bytes, got %d", size, len(s.data)))
	}
	return s, true, nil
}
