package kafka

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Content-defined chunking of snapshots.
//
// A snapshot's bytes are cut where a rolling hash of the last bytes hits a
// pattern (FastCDC's gear hash with normalized chunking), so a change in
// one place moves at most the one or two chunk boundaries around it and
// every other chunk keeps its bytes. Each chunk is stored once under a key
// derived from its content, "<key>#<32 hex digits>" (the first 128 bits of
// its SHA-256), so a commit writes only the chunks the last committed
// snapshot did not have, plus tombstones for the chunks it no longer uses.
//
// The ordered list of chunk ids (16 bytes each) is cut the same way when it
// is larger than inlineMax, on entry boundaries and by the ids themselves,
// so the lists form a small tree (depth 3 for a 14 MB book) whose root sits
// in the manifest. A change then rewrites one data chunk, one list chunk
// and the root: the bytes written per commit follow the changes, not the
// size of the state.
//
// Where the cuts fall is not part of the format: the decoder follows the
// ids whatever their sizes (within format bounds), so the chunker may be
// retuned; the first commit after a change rewrites what moved.
//
// Alternatives not chosen: fixed-size chunks (an inserted order shifts
// every later chunk); a changelog of processor changes compacted by order
// id (write cost is optimal but every processor would have to produce one,
// and the snapshot contract of stream.Processor would change); hashing with
// FNV or xxh3 (chunk ids must not collide for content that hostile traders
// partly choose: a collision would silently drop a chunk from the state).

const (
	// Data chunk sizes. cdcMin bytes of each chunk are skipped before the
	// rolling hash may cut; chunks are cut short at cdcMax. With the masks
	// below the mean chunk of a book snapshot is about 580 bytes, the mean
	// list chunk 20 ids (320 bytes): a changed order costs about 1.8 KB
	// written (its data chunk, one list chunk per level, keys, tombstones),
	// and the id lists are about 3% of the data. Tried on 100 changes in a
	// 16 MB book: mean 1.2 KiB data and 68-id lists wrote 1.8% per
	// commit, 580 bytes and 20-id lists 1.1%.
	cdcMin    = 128
	cdcNormal = 512
	cdcMax    = 4 << 10
	// Before cdcNormal a cut needs the top cdcBitsS bits of the hash zero
	// (harder), after it the top cdcBitsL (easier): FastCDC's normalized
	// chunking, which narrows the spread of chunk sizes.
	cdcBitsS = 11
	cdcBitsL = 7

	// Id-list chunks: between listMin and listMax entries, cut after an
	// entry whose id's last byte is a multiple of listMod (one in 16). The
	// cut depends on the entry alone, so a changed id moves no other cut.
	listMin = 4
	listMax = 256
	listMod = 16

	idLen = 16
	// inlineMax: data or an id list up to this size sits in the manifest.
	inlineMax = 4 << 10
)

// Format bounds the decoder enforces, independent of the chunker's tuning.
const (
	maxChunkBytes    = 64 << 10
	maxTreeDepth     = 6
	maxSnapshotBytes = 1 << 36
)

// chunkID names a chunk by content: the first 128 bits of its SHA-256.
type chunkID [idLen]byte

func idOf(b []byte) chunkID {
	sum := sha256.Sum256(b)
	return chunkID(sum[:idLen])
}

// contentKey is the state-topic key of a chunk of the snapshot under key.
func contentKey(key string, id chunkID) []byte {
	k := make([]byte, 0, len(key)+1+2*idLen)
	k = append(k, key...)
	k = append(k, '#')
	return hex.AppendEncode(k, id[:])
}

// gear is FastCDC's table of 256 random 64-bit values, fixed forever by a
// splitmix64 sequence from a constant seed.
var gear = func() (g [256]uint64) {
	x := uint64(0x626f75727365) // "bourse"
	for i := range g {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		g[i] = z ^ z>>31
	}
	return g
}()

// cut returns the length of the first chunk of data.
func cut(data []byte) int {
	n := len(data)
	if n <= cdcMin {
		return n
	}
	n = min(n, cdcMax)
	normal := min(n, cdcNormal)
	var h uint64
	for i, c := range data[cdcMin:normal] {
		h = h<<1 + gear[c]
		if h>>(64-cdcBitsS) == 0 {
			return cdcMin + i + 1
		}
	}
	for i, c := range data[normal:n] {
		h = h<<1 + gear[c]
		if h>>(64-cdcBitsL) == 0 {
			return normal + i + 1
		}
	}
	return n
}

// cutList returns the length in bytes of the first chunk of an id list.
func cutList(list []byte) int {
	n := len(list) / idLen
	for e := listMin; e < min(n, listMax); e++ {
		if list[e*idLen-1]%listMod == 0 {
			return e * idLen
		}
	}
	return min(n, listMax) * idLen
}

// chunkSet is what the state topic holds for one snapshot key besides its
// manifest: content-addressed chunks, and chunks "<key>#<i>" of a snapshot
// in the old format (BSN1), which the next write deletes.
type chunkSet struct {
	ids    map[chunkID]struct{}
	legacy []string
}

func (c *chunkSet) idsOrNil() map[chunkID]struct{} {
	if c == nil {
		return nil
	}
	return c.ids
}

func (c *chunkSet) has(id chunkID) bool {
	if c == nil {
		return false
	}
	_, ok := c.ids[id]
	return ok
}

// snapshotWriter turns snapshots into state records, writing only what the
// state topic does not already hold. It remembers, per snapshot key, the
// chunks of the last committed snapshot and those staged in the open
// transaction. The runner calls records for each snapshot of a
// transaction, then commit once the transaction committed or rollback once
// it aborted, and restored after reading a key's snapshot from the topic.
// Not safe for concurrent use.
type snapshotWriter struct {
	committed map[string]*chunkSet
	staged    map[string]*chunkSet
}

func newSnapshotWriter() *snapshotWriter {
	return &snapshotWriter{committed: map[string]*chunkSet{}, staged: map[string]*chunkSet{}}
}

// records returns the state records that make s the snapshot under key, to
// be produced in one transaction: the chunks the last committed snapshot
// lacks, the manifest, then tombstones for chunks no longer used. The
// values do not alias s.data.
func (w *snapshotWriter) records(key string, s snapshot) []kv {
	base := w.committed[key]
	if prev, ok := w.staged[key]; ok {
		// A second snapshot of key in one transaction: the topic will
		// hold what the first one staged.
		base = prev
	}
	set := &chunkSet{ids: make(map[chunkID]struct{}, len(base.idsOrNil()))}
	var out []kv
	level, depth := s.data, 0
	for len(level) > inlineMax && depth < maxTreeDepth {
		next := make([]byte, 0, len(level)/cdcNormal*idLen+idLen)
		for rest := level; len(rest) > 0; {
			n := cutList(rest)
			if depth == 0 {
				n = cut(rest)
			}
			c := rest[:n]
			rest = rest[n:]
			id := idOf(c)
			next = append(next, id[:]...)
			n0 := len(set.ids)
			set.ids[id] = struct{}{}
			if len(set.ids) == n0 {
				continue // a repeated chunk
			}
			if !base.has(id) {
				out = append(out, kv{contentKey(key, id), slices.Clone(c)})
			}
		}
		level = next
		depth++
	}
	out = append(out, kv{[]byte(key), encodeManifest(s, depth, level)})
	out = append(out, dropped(key, set, base)...)
	w.staged[key] = set
	return out
}

// dropped gives tombstones for the chunks of old that set does not use,
// old-format chunks first, then in id order.
func dropped(key string, set, old *chunkSet) []kv {
	if old == nil {
		return nil
	}
	var ids []chunkID
	var out []kv
	for _, k := range old.legacy {
		out = append(out, kv{key: []byte(k)})
	}
	for id := range old.ids {
		if !set.has(id) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b chunkID) int { return slices.Compare(a[:], b[:]) })
	for _, id := range ids {
		out = append(out, kv{key: contentKey(key, id)})
	}
	return out
}

// commit records that the staged snapshots are now the committed ones.
func (w *snapshotWriter) commit() {
	for k, s := range w.staged {
		w.committed[k] = s
	}
	clear(w.staged)
}

// rollback forgets the staged snapshots: the next records call diffs
// against the last committed snapshot again.
func (w *snapshotWriter) rollback() { clear(w.staged) }

// restored sets what the state topic holds for key, from the snapshot just
// decoded there (the zero snapshot when there was none). Call it on every
// restore: another instance may have written key in the meantime.
func (w *snapshotWriter) restored(key string, s snapshot) {
	delete(w.staged, key)
	if s.stored == nil {
		delete(w.committed, key)
		return
	}
	w.committed[key] = s.stored
}

// forget drops what the writer knows of key (a revoked partition).
func (w *snapshotWriter) forget(key string) {
	delete(w.staged, key)
	delete(w.committed, key)
}

// expand resolves the id list of a tree level into the level below, with
// at most bound bytes. Every chunk must be present and match its id. The
// chunks are looked up first, so the level is allocated once, at the size
// of what was found.
func expand(key string, list []byte, bound uint64, get func(string) []byte, set *chunkSet) ([]byte, error) {
	if len(list)%idLen != 0 {
		return nil, fmt.Errorf("expected an id list of whole 16-byte ids, got %d bytes", len(list))
	}
	chunks := make([][]byte, 0, len(list)/idLen)
	var size uint64
	k := []byte(key + "#")
	for i := 0; i < len(list); i += idLen {
		k = hex.AppendEncode(k[:len(key)+1], list[i:i+idLen])
		c := get(string(k))
		switch {
		case c == nil:
			return nil, fmt.Errorf("chunk %s missing", k)
		case len(c) > maxChunkBytes:
			return nil, fmt.Errorf("chunk %s: expected at most %d bytes, got %d", k, maxChunkBytes, len(c))
		case size+uint64(len(c)) > bound:
			return nil, fmt.Errorf("chunks exceed the expected %d bytes", bound)
		}
		size += uint64(len(c))
		chunks = append(chunks, c)
	}
	out := make([]byte, 0, size)
	for i, c := range chunks {
		id := chunkID(list[i*idLen : (i+1)*idLen])
		if idOf(c) != id {
			return nil, fmt.Errorf("chunk %s does not match its content hash", contentKey(key, id))
		}
		out = append(out, c...)
		set.ids[id] = struct{}{}
	}
	return out, nil
}
