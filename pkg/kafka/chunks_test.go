package kafka

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// topic is a compacted state topic after compaction: the latest value of
// each key, tombstones deleting.
type topic map[string][]byte

func (t topic) apply(kvs []kv) {
	for _, e := range kvs {
		if e.value == nil {
			delete(t, string(e.key))
		} else {
			t[string(e.key)] = e.value
		}
	}
}

func (t topic) get(k string) []byte { return t[k] }

// chunkKeys lists the topic's chunk keys of key, sorted.
func (t topic) chunkKeys(key string) []string {
	var ks []string
	for k := range t {
		if strings.HasPrefix(k, key+"#") {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// storedKeys lists the chunk keys a decoded snapshot occupies, sorted.
func storedKeys(key string, s snapshot) []string {
	ks := slices.Clone(s.stored.legacy)
	for id := range s.stored.ids {
		ks = append(ks, string(contentKey(key, id)))
	}
	slices.Sort(ks)
	return ks
}

// written is what a commit writes: records, and bytes of keys and values.
func written(kvs []kv) (records, bytes int) {
	for _, e := range kvs {
		bytes += len(e.key) + len(e.value)
	}
	return len(kvs), bytes
}

// mustDecode decodes key from t and checks it is s, and that the topic
// holds exactly the chunks the snapshot uses (no orphan, none missing).
func mustDecode(t *testing.T, tp topic, key string, want snapshot) snapshot {
	t.Helper()
	got, found, err := decodeSnapshot(key, tp.get)
	if err != nil || !found {
		t.Fatalf("decode %s: found=%t err=%v", key, found, err)
	}
	if !bytes.Equal(got.data, want.data) {
		t.Fatalf("decode %s: expected %d bytes of data, got %d (different)", key, len(want.data), len(got.data))
	}
	if len(got.next) != len(want.next) {
		t.Fatalf("decode %s: expected offsets %v, got %v", key, want.next, got.next)
	}
	for p, o := range want.next {
		if got.next[p] != o {
			t.Fatalf("decode %s: expected offsets %v, got %v", key, want.next, got.next)
		}
	}
	if !slices.Equal(got.files, want.files) {
		t.Fatalf("decode %s: expected files %q, got %q", key, want.files, got.files)
	}
	if have, use := tp.chunkKeys(key), storedKeys(key, got); !slices.Equal(have, use) {
		t.Fatalf("decode %s: topic holds %d chunks, snapshot uses %d", key, len(have), len(use))
	}
	return got
}

// bookLike is a synthetic order book snapshot: n orders of about 14 bytes
// (varint id, price, quantity, filled, expiry, trader), in price order.
type bookLike struct {
	orders [][]byte
}

func newBookLike(rng *rand.Rand, n int) *bookLike {
	b := &bookLike{orders: make([][]byte, n)}
	for i := range b.orders {
		b.orders[i] = b.order(rng, uint64(i+1), int64(100_000-n/40+i/20))
	}
	return b
}

func (b *bookLike) order(rng *rand.Rand, id uint64, ticks int64) []byte {
	o := binary.AppendUvarint(nil, id*7919%(1<<28))
	o = binary.AppendVarint(o, ticks)
	o = binary.AppendVarint(o, 1+rng.Int64N(60))
	o = binary.AppendVarint(o, 0)
	o = binary.AppendVarint(o, 0)
	return append(o, 5, 'a'+byte(id%8), 'l', 'p', 'h', 'a')
}

// change replaces, removes or inserts k orders at random places.
func (b *bookLike) change(rng *rand.Rand, k int) {
	for range k {
		i := rng.IntN(len(b.orders))
		switch rng.IntN(3) {
		case 0:
			b.orders[i] = b.order(rng, rng.Uint64N(1<<40), 100_000)
		case 1:
			b.orders = slices.Delete(b.orders, i, i+1)
		default:
			b.orders = slices.Insert(b.orders, i, b.order(rng, rng.Uint64N(1<<40), 100_000))
		}
	}
}

func (b *bookLike) bytes() []byte {
	return slices.Concat(append([][]byte{[]byte("BKSN\x01header")}, b.orders...)...)
}

func seed(t testing.TB) *rand.Rand {
	s := uint64(time.Now().UnixNano())
	t.Logf("seed %d", s)
	return rand.New(rand.NewPCG(s, 1))
}

func TestSnapshotWriterRoundTrip(t *testing.T) {
	rng := seed(t)
	sizes := []int{0, 1, 100, inlineMax, inlineMax + 1, cdcMax, 10_000, 100_000, 1 << 20, 3<<20 + 17}
	w := newSnapshotWriter()
	tp := topic{}
	for i, n := range sizes {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.IntN(7)) // low entropy: repeated chunks occur
		}
		s := snapshot{next: map[int32]int64{3: int64(i), 0: 9}, data: data, files: []string{"match/p3-0-9.arrow"}}
		if i%3 == 0 {
			s.files = nil
		}
		kvs := w.records("g/t/3", s)
		for _, e := range kvs {
			if len(e.value) > maxChunkBytes+inlineMax+64 {
				t.Fatalf("%d bytes: record %s of %d bytes", n, e.key, len(e.value))
			}
		}
		tp.apply(kvs)
		w.commit()
		got := mustDecode(t, tp, "g/t/3", s)
		if n > inlineMax && len(got.stored.ids) == 0 {
			t.Fatalf("%d bytes: stored inline, expected chunks", n)
		}
	}
	// Back to small: every chunk is deleted.
	s := snapshot{next: map[int32]int64{3: 99}, data: []byte("small")}
	tp.apply(w.records("g/t/3", s))
	w.commit()
	mustDecode(t, tp, "g/t/3", s)
	if ks := tp.chunkKeys("g/t/3"); len(ks) != 0 {
		t.Fatalf("expected no chunk left after a small snapshot, got %d", len(ks))
	}
}

func TestSnapshotWriterFewChunksPerChange(t *testing.T) {
	rng := seed(t)
	b := newBookLike(rng, 1_000_000)
	w := newSnapshotWriter()
	tp := topic{}
	s := snapshot{next: map[int32]int64{0: 1}, data: b.bytes()}
	tp.apply(w.records("k", s))
	w.commit()
	whole := len(s.data)
	for i := range 3 {
		b.change(rng, 100)
		s = snapshot{next: map[int32]int64{0: int64(i + 2)}, data: b.bytes()}
		kvs := w.records("k", s)
		recs, n := written(kvs)
		t.Logf("commit %d: %d of %d bytes (%.2f%%) in %d records", i, n, whole, 100*float64(n)/float64(whole), recs)
		if n*50 >= whole {
			t.Fatalf("100 changed orders wrote %d bytes, expected < 2%% of %d", n, whole)
		}
		tp.apply(kvs)
		w.commit()
		mustDecode(t, tp, "k", s)
	}
}

func TestSnapshotWriterTombstones(t *testing.T) {
	rng := seed(t)
	b := newBookLike(rng, 20_000)
	w := newSnapshotWriter()
	tp := topic{}
	s := snapshot{next: map[int32]int64{0: 1}, data: b.bytes()}
	tp.apply(w.records("k", s))
	w.commit()
	before := tp.chunkKeys("k")
	b.orders = b.orders[:len(b.orders)/2] // half the book gone
	s = snapshot{next: map[int32]int64{0: 2}, data: b.bytes()}
	kvs := w.records("k", s)
	var dead int
	for _, e := range kvs {
		if e.value == nil {
			dead++
			if _, ok := tp[string(e.key)]; !ok {
				t.Fatalf("tombstone for %s, which the topic does not hold", e.key)
			}
		}
	}
	if dead < len(before)/3 {
		t.Fatalf("expected tombstones for about half of %d chunks, got %d", len(before), dead)
	}
	tp.apply(kvs)
	w.commit()
	mustDecode(t, tp, "k", s)
}

func TestSnapshotWriterRollback(t *testing.T) {
	rng := seed(t)
	b := newBookLike(rng, 50_000)
	w := newSnapshotWriter()
	tp := topic{}
	a := snapshot{next: map[int32]int64{0: 1}, data: b.bytes()}
	tp.apply(w.records("k", a))
	w.commit()

	b.change(rng, 300)
	aborted := w.records("k", snapshot{next: map[int32]int64{0: 2}, data: b.bytes()})
	w.rollback() // the transaction aborted: aborted never reaches the topic
	mustDecode(t, tp, "k", a)

	// The redo yields the same state: every chunk must be written again.
	redo := w.records("k", snapshot{next: map[int32]int64{0: 2}, data: b.bytes()})
	if r1, n1 := written(aborted); true {
		if r2, n2 := written(redo); r1 != r2 || n1 != n2 {
			t.Fatalf("redo after rollback wrote %d records/%d bytes, the aborted try %d/%d", r2, n2, r1, n1)
		}
	}
	tp.apply(redo)
	w.commit()
	mustDecode(t, tp, "k", snapshot{next: map[int32]int64{0: 2}, data: b.bytes()})

	// Two snapshots of a key in one transaction: the second must also
	// delete what the first added.
	b.change(rng, 300)
	first := w.records("k", snapshot{next: map[int32]int64{0: 3}, data: b.bytes()})
	b.change(rng, 300)
	s := snapshot{next: map[int32]int64{0: 4}, data: b.bytes()}
	second := w.records("k", s)
	tp.apply(first)
	tp.apply(second)
	w.commit()
	mustDecode(t, tp, "k", s)
}

func TestSnapshotWriterRestored(t *testing.T) {
	rng := seed(t)
	b := newBookLike(rng, 50_000)
	tp := topic{}
	w1 := newSnapshotWriter()
	tp.apply(w1.records("k", snapshot{next: map[int32]int64{0: 1}, data: b.bytes()}))
	w1.commit()

	// Another instance restores, then writes a slightly changed snapshot.
	w2 := newSnapshotWriter()
	got, _, err := decodeSnapshot("k", tp.get)
	if err != nil {
		t.Fatal(err)
	}
	w2.restored("k", got)
	b.change(rng, 10)
	s := snapshot{next: map[int32]int64{0: 2}, data: b.bytes()}
	kvs := w2.records("k", s)
	if _, n := written(kvs); n*20 > len(s.data) {
		t.Fatalf("after restore, 10 changes wrote %d of %d bytes: the committed chunks were not learned", n, len(s.data))
	}
	tp.apply(kvs)
	w2.commit()
	mustDecode(t, tp, "k", s)

	// A restore that found nothing forgets what the writer knew.
	w2.restored("k", snapshot{})
	if _, n := written(w2.records("k", s)); n < len(s.data) {
		t.Fatalf("after an empty restore expected the whole snapshot written, got %d of %d bytes", n, len(s.data))
	}
}

func TestSnapshotOldFormat(t *testing.T) {
	rng := seed(t)
	big := newBookLike(rng, 100_000).bytes() // 3 old chunks
	for _, data := range [][]byte{nil, []byte("small"), big} {
		tp := topic{}
		old := snapshot{next: map[int32]int64{0: 10, 3: 7}, data: data}
		tp.apply(encodeSnapshot("g/t/0", old))
		got := mustDecode(t, tp, "g/t/0", old)
		if got.files != nil {
			t.Fatalf("old format: expected nil files, got %q", got.files)
		}
		w := newSnapshotWriter()
		w.restored("g/t/0", got)
		s := snapshot{next: map[int32]int64{0: 11, 3: 7}, data: data, files: []string{"a"}}
		tp.apply(w.records("g/t/0", s))
		w.commit()
		mustDecode(t, tp, "g/t/0", s) // also: no "<key>#<i>" chunk left
	}
}

func TestSnapshotCorruption(t *testing.T) {
	rng := seed(t)
	data := newBookLike(rng, 20_000).bytes()
	w := newSnapshotWriter()
	base := topic{}
	base.apply(w.records("k", snapshot{next: map[int32]int64{0: 1}, data: data, files: []string{"f"}}))
	chunks := base.chunkKeys("k")
	cases := map[string]func(tp topic){
		"manifest bit flip":  func(tp topic) { m := slices.Clone(tp["k"]); m[len(m)/2] ^= 4; tp["k"] = m },
		"manifest truncated": func(tp topic) { tp["k"] = tp["k"][:len(tp["k"])-1] },
		"chunk missing":      func(tp topic) { delete(tp, chunks[len(chunks)/2]) },
		"chunk altered": func(tp topic) {
			c := slices.Clone(tp[chunks[0]])
			c[0] ^= 1
			tp[chunks[0]] = c
		},
		"chunks swapped": func(tp topic) { tp[chunks[0]], tp[chunks[1]] = tp[chunks[1]], tp[chunks[0]] },
		"bad magic":      func(tp topic) { tp["k"] = []byte("BSN9....") },
	}
	for name, corrupt := range cases {
		tp := topic{}
		for k, v := range base {
			tp[k] = v
		}
		corrupt(tp)
		if _, found, err := decodeSnapshot("k", tp.get); !found || !errors.Is(err, ErrSnapshot) {
			t.Errorf("%s: expected ErrSnapshot, got found=%t err=%v", name, found, err)
		}
	}
}

// TestSnapshotHugeClaims: manifests that pass their check but claim sizes,
// depths or counts far beyond the chunks present fail without allocating
// more than the chunks found.
func TestSnapshotHugeClaims(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB: depth 1
	tp := topic{}
	tp.apply(newSnapshotWriter().records("k", snapshot{data: data}))
	ks := tp.chunkKeys("k")
	id, _ := hex.DecodeString(strings.TrimPrefix(ks[0], "k#"))
	manifest := func(size uint64, depth byte, root []byte, parts, files uint64) []byte {
		m := append([]byte(nil), snapMagicV2...)
		m = binary.AppendUvarint(m, parts)
		m = binary.AppendUvarint(m, files)
		m = binary.AppendUvarint(m, size)
		m = append(m, depth)
		m = binary.AppendUvarint(m, uint64(len(root)))
		m = append(m, root...)
		sum := sha256.Sum256(m)
		return append(m, sum[:8]...)
	}
	cases := map[string][]byte{
		"size 2^36, one chunk 256 times": manifest(maxSnapshotBytes, 1, bytes.Repeat(id, 256), 0, 0),
		"size 2^63":                      manifest(1<<63, 1, id, 0, 0),
		"depth 6 of one id":              manifest(maxSnapshotBytes, 6, id, 0, 0),
		"depth 200":                      manifest(100, 200, id, 0, 0),
		"2^40 partitions":                manifest(100, 1, id, 1<<40, 0),
		"2^40 files":                     manifest(100, 1, id, 0, 1<<40),
		"root not whole ids":             manifest(100, 1, id[:15], 0, 0),
	}
	for name, m := range cases {
		tp["k"] = m
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := decodeSnapshot("k", tp.get)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrSnapshot) {
			t.Errorf("%s: expected ErrSnapshot, got %v", name, err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 2<<20 {
			t.Errorf("%s: allocated %d bytes", name, a)
		}
	}
}

// TestStateTopicConfigs: state topics keep tombstones briefly and roll
// segments by size, so a restore reads the live chunks, not a day of
// deleted ones.
func TestStateTopicConfigs(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		_, _, group := b.names(t)
		name := StateTopic("chunks-" + group)
		if err := CreateTopics(t.Context(), b.cfg, []string{name}, 1, 1, nil); err != nil {
			t.Fatal(err)
		}
		cl, err := newClient(b.cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		rcs, err := kadm.NewClient(cl).DescribeTopicConfigs(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := rcs.On(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"cleanup.policy":      "compact",
			"delete.retention.ms": strconv.Itoa(StateDeleteRetentionMillis),
			"segment.bytes":       strconv.Itoa(StateSegmentBytes),
		}
		for _, c := range rc.Configs {
			if w, ok := want[c.Key]; ok {
				if c.Value == nil || *c.Value != w {
					t.Errorf("%s: expected %s, got %v", c.Key, w, c.MaybeValue())
				}
				delete(want, c.Key)
			}
		}
		if len(want) > 0 {
			t.Errorf("configs not described: %v", want)
		}
	})
}
