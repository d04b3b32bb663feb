package kafka

import (
	"crypto/sha256"
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
// reflected in data (the offset committed with it). files are the paths,
// relative to the batch directory, of the batch files staged by the
// transaction that wrote the snapshot (nil in the old format).
type snapshot struct {
	next  map[int32]int64
	data  []byte
	files []string
	// stored is what the state topic holds for this snapshot besides its
	// manifest, set by decodeSnapshot for snapshotWriter.restored.
	stored *chunkSet
}

// chunkSize bounds one chunk's value in the old format (BSN1).
const chunkSize = 512 << 10

var (
	snapMagic   = []byte("BSN1") // whole snapshot per commit, chunks "<key>#<i>"
	snapMagicV2 = []byte("BSN2") // content-addressed chunks, see chunks.go
)

// Manifest, format BSN2 (the chunk tree is described in chunks.go):
//
//	"BSN2" parts:uvarint parts × (partition:varint next:varint)
//	files:uvarint files × (len:uvarint bytes)
//	size:uvarint depth:u8 rootLen:uvarint root
//	check:8 bytes, the first 8 bytes of the SHA-256 of all that precedes
//
// depth 0: root is the data. depth d > 0: root is the id list of level
// d-1, and the list of level k expands into level k-1 by concatenating the
// chunks it names; level 0 is the data, size bytes. The check guards the
// manifest, each chunk's id guards the chunk, so together they guard the
// whole content (a Merkle tree) without another pass over the data.
func encodeManifest(s snapshot, depth int, root []byte) []byte {
	m := append(make([]byte, 0, 64+len(root)), snapMagicV2...)
	m = appendOffsets(m, s.next)
	m = binary.AppendUvarint(m, uint64(len(s.files)))
	for _, f := range s.files {
		m = binary.AppendUvarint(m, uint64(len(f)))
		m = append(m, f...)
	}
	m = binary.AppendUvarint(m, uint64(len(s.data)))
	m = append(m, byte(depth))
	m = binary.AppendUvarint(m, uint64(len(root)))
	m = append(m, root...)
	sum := sha256.Sum256(m)
	return append(m, sum[:8]...)
}

func appendOffsets(m []byte, next map[int32]int64) []byte {
	parts := make([]int32, 0, len(next))
	for p := range next {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	m = binary.AppendUvarint(m, uint64(len(parts)))
	for _, p := range parts {
		m = binary.AppendVarint(m, int64(p))
		m = binary.AppendVarint(m, next[p])
	}
	return m
}

// levelBound is the most bytes level k of a tree over size bytes of data
// may hold: each level's chunks but the last are at least 64 bytes, so a
// list is at most a quarter of the level below, plus one id.
func levelBound(size uint64, k int) uint64 {
	b := size
	for ; k > 0; k-- {
		b = b/4 + idLen
	}
	return b
}

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

// encodeSnapshot gives the state records for s under key in the old format
// (BSN1): a manifest (with the data inline when small) and, for large data,
// chunks "<key>#<i>" that the manifest names by count and content hash.
// It writes the whole snapshot every time and ignores s.files; the runner
// uses snapshotWriter.records instead, and the tests use this to make
// old-format records.
func encodeSnapshot(key string, s snapshot) []kv {
	m := append([]byte(nil), snapMagic...)
	m = appendOffsets(m, s.next)
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

// decodeSnapshot rebuilds the snapshot stored under key, in either format,
// from the latest value of each key (get returns nil when a key is absent).
// found is false when there is no manifest. s.stored says which chunks the
// snapshot occupies, for snapshotWriter.restored.
func decodeSnapshot(key string, get func(string) []byte) (s snapshot, found bool, err error) {
	m := get(key)
	if m == nil {
		return s, false, nil
	}
	switch {
	case len(m) >= 4 && string(m[:4]) == string(snapMagicV2):
		s, err = decodeV2(key, m, get)
	case len(m) >= 4 && string(m[:4]) == string(snapMagic):
		s, err = decodeV1(key, m[4:], get)
	default:
		err = errors.New("not a bourse snapshot (bad magic)")
	}
	if err != nil {
		return snapshot{}, true, fmt.Errorf("%w %s: %w", ErrSnapshot, key, err)
	}
	return s, true, nil
}

// reader consumes a manifest; a read past its end is ok false.
type reader struct{ m []byte }

func (r *reader) uv() (uint64, bool) {
	v, n := binary.Uvarint(r.m)
	if n <= 0 {
		return 0, false
	}
	r.m = r.m[n:]
	return v, true
}

func (r *reader) sv() (int64, bool) {
	v, n := binary.Varint(r.m)
	if n <= 0 {
		return 0, false
	}
	r.m = r.m[n:]
	return v, true
}

// bytes reads a length-prefixed field, never longer than what is left.
func (r *reader) bytes() ([]byte, bool) {
	n, ok := r.uv()
	if !ok || n > uint64(len(r.m)) {
		return nil, false
	}
	b := r.m[:n]
	r.m = r.m[n:]
	return b, true
}

// offsets reads the partition positions; each takes at least two bytes, so
// a corrupted count cannot size the map beyond the manifest.
func (r *reader) offsets() (map[int32]int64, error) {
	np, ok := r.uv()
	if !ok || np > uint64(len(r.m)/2) {
		return nil, fmt.Errorf("expected a partition count within the manifest's %d bytes, got %d", len(r.m), np)
	}
	next := make(map[int32]int64, np)
	for i := uint64(0); i < np; i++ {
		p, ok1 := r.sv()
		o, ok2 := r.sv()
		if !ok1 || !ok2 {
			return nil, errors.New("truncated offsets")
		}
		next[int32(p)] = o
	}
	return next, nil
}

func decodeV2(key string, m []byte, get func(string) []byte) (s snapshot, err error) {
	if len(m) < len(snapMagicV2)+8 {
		return s, fmt.Errorf("expected a manifest of at least %d bytes, got %d", len(snapMagicV2)+8, len(m))
	}
	body := m[:len(m)-8]
	if sum := sha256.Sum256(body); string(sum[:8]) != string(m[len(m)-8:]) {
		return s, errors.New("manifest check failed (corrupted)")
	}
	r := &reader{body[len(snapMagicV2):]}
	if s.next, err = r.offsets(); err != nil {
		return s, err
	}
	nf, ok := r.uv()
	if !ok || nf > uint64(len(r.m)) {
		return s, fmt.Errorf("expected a file count within the manifest's %d bytes, got %d", len(r.m), nf)
	}
	if nf > 0 {
		s.files = make([]string, 0, nf)
	}
	for i := uint64(0); i < nf; i++ {
		f, ok := r.bytes()
		if !ok {
			return s, fmt.Errorf("truncated file name %d of %d", i, nf)
		}
		s.files = append(s.files, string(f))
	}
	size, ok := r.uv()
	if !ok || size > maxSnapshotBytes {
		return s, fmt.Errorf("expected a size of at most %d bytes, got %d", uint64(maxSnapshotBytes), size)
	}
	if len(r.m) < 1 || r.m[0] > maxTreeDepth {
		return s, fmt.Errorf("expected a tree depth of at most %d", maxTreeDepth)
	}
	depth := int(r.m[0])
	r.m = r.m[1:]
	level, ok := r.bytes()
	if !ok || len(r.m) != 0 {
		return s, errors.New("truncated or overlong root")
	}
	if uint64(len(level)) > levelBound(size, depth) {
		return s, fmt.Errorf("root of %d bytes too large for %d bytes of data at depth %d", len(level), size, depth)
	}
	s.stored = &chunkSet{ids: map[chunkID]struct{}{}}
	for d := depth; d > 0; d-- {
		if level, err = expand(key, level, levelBound(size, d-1), get, s.stored); err != nil {
			return s, fmt.Errorf("tree level %d of %d: %w", d, depth, err)
		}
	}
	if uint64(len(level)) != size {
		return s, fmt.Errorf("content check failed: expected %d bytes, got %d", size, len(level))
	}
	s.data = level
	return s, nil
}

func decodeV1(key string, m []byte, get func(string) []byte) (s snapshot, err error) {
	r := &reader{m}
	if s.next, err = r.offsets(); err != nil {
		return s, err
	}
	if len(r.m) < 8 {
		return s, errors.New("truncated hash")
	}
	h := binary.BigEndian.Uint64(r.m)
	r.m = r.m[8:]
	size, ok := r.uv()
	if !ok {
		return s, errors.New("truncated size")
	}
	chunks, ok := r.uv()
	if !ok {
		return s, errors.New("truncated chunk count")
	}
	s.stored = &chunkSet{}
	if chunks == 0 {
		s.data = r.m
	} else {
		if chunks > size/chunkSize+1 {
			return s, fmt.Errorf("%d chunks for %d bytes", chunks, size)
		}
		// Grow with the chunks actually found rather than trusting the
		// size field: a corrupted manifest must not allocate terabytes.
		s.data = make([]byte, 0, min(size, 4*chunkSize))
		for i := uint64(0); i < chunks; i++ {
			c := get(chunkKey(key, int(i)))
			if len(c) < 8 || binary.BigEndian.Uint64(c) != h {
				return s, fmt.Errorf("chunk %d of %d missing or from another snapshot", i, chunks)
			}
			if c = c[8:]; len(c) > chunkSize || (i+1 < chunks && len(c) != chunkSize) || uint64(len(s.data)+len(c)) > size {
				return s, fmt.Errorf("chunk %d of %d: %d bytes do not fit %d bytes in chunks of %d", i, chunks, len(c), size, chunkSize)
			}
			s.data = append(s.data, c...)
			s.stored.legacy = append(s.stored.legacy, chunkKey(key, int(i)))
		}
	}
	if uint64(len(s.data)) != size || hashOf(s.data) != h {
		return s, fmt.Errorf("content check failed: expected %d bytes, got %d", size, len(s.data))
	}
	return s, nil
}
