package kafka

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
)

func store(kvs []kv) map[string][]byte {
	m := map[string][]byte{}
	for _, e := range kvs {
		m[string(e.key)] = e.value
	}
	return m
}

func TestSnapshotRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), (3*chunkSize)/16+7)
	for _, data := range [][]byte{nil, []byte("small"), big} {
		s := snapshot{next: map[int32]int64{0: 10, 3: 7}, data: data}
		kvs := encodeSnapshot("g/t/0", s)
		for _, e := range kvs {
			if len(e.value) > chunkSize+64 {
				t.Fatalf("record of %d bytes exceeds the chunk bound", len(e.value))
			}
		}
		m := store(kvs)
		got, found, err := decodeSnapshot("g/t/0", func(k string) []byte { return m[k] })
		if err != nil || !found || !bytes.Equal(got.data, data) || got.next[0] != 10 || got.next[3] != 7 || len(got.next) != 2 {
			t.Fatalf("round trip of %d bytes: found=%t err=%v next=%v", len(data), found, err, got.next)
		}
	}
}

func TestSnapshotDetectsMixedChunks(t *testing.T) {
	a := bytes.Repeat([]byte("a"), 2*chunkSize+1)
	b := bytes.Repeat([]byte("b"), 2*chunkSize+1)
	m := store(encodeSnapshot("k", snapshot{next: map[int32]int64{0: 1}, data: a}))
	newer := store(encodeSnapshot("k", snapshot{next: map[int32]int64{0: 2}, data: b}))
	m["k"] = newer["k"] // manifest of b with chunks of a
	if _, _, err := decodeSnapshot("k", func(k string) []byte { return m[k] }); !errors.Is(err, ErrSnapshot) {
		t.Fatalf("got %v, want ErrSnapshot", err)
	}
	if _, found, err := decodeSnapshot("absent", func(string) []byte { return nil }); found || err != nil {
		t.Fatal("absent snapshot reported")
	}
}

// FuzzDecodeSnapshot feeds arbitrary manifests, in either format, with
// chunks that are a prefix of the manifest.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(encodeSnapshot("k", snapshot{next: map[int32]int64{1: 5}, data: []byte("x")})[0].value)
	f.Add([]byte("BSN1"))
	f.Add(newSnapshotWriter().records("k", snapshot{next: map[int32]int64{1: 5}, data: []byte("x"), files: []string{"a/b"}})[0].value)
	for _, e := range newSnapshotWriter().records("k", snapshot{next: map[int32]int64{0: 1}, data: bytes.Repeat([]byte("0123456789"), 1000)}) {
		if string(e.key) == "k" {
			f.Add(e.value)
		}
	}
	f.Add([]byte("BSN2"))
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _, _ = decodeSnapshot("k", func(k string) []byte {
			if k == "k" {
				return v
			}
			return v[:len(v)/2]
		})
	})
}

// FuzzDecodeManifest feeds arbitrary new-format manifest bodies that pass
// the manifest check, over a store of real chunks: whatever the sizes,
// counts, depth and ids claim, decoding must not panic nor allocate beyond
// what the chunks found hold, and what decodes must re-encode to the same.
func FuzzDecodeManifest(f *testing.F) {
	tp := topic{}
	w := newSnapshotWriter()
	var bodies [][]byte
	for _, n := range []int{3, 20_000, 300_000} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * i >> 7)
		}
		for _, e := range w.records("k", snapshot{next: map[int32]int64{0: int64(n)}, data: data, files: []string{"x"}}) {
			if string(e.key) == "k" {
				bodies = append(bodies, e.value[:len(e.value)-8])
			} else if e.value != nil {
				tp[string(e.key)] = e.value // keep every chunk, old and new
			}
		}
		w.commit()
	}
	for _, b := range bodies {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := sha256.Sum256(body)
		m := append(slices.Clone(body), sum[:8]...)
		get := func(k string) []byte {
			if k == "k" {
				return m
			}
			return tp[k]
		}
		s, found, err := decodeSnapshot("k", get)
		if !found {
			t.Fatal("manifest not found")
		}
		if err != nil {
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("error does not wrap ErrSnapshot: %v", err)
			}
			return
		}
		again := topic{}
		again.apply(newSnapshotWriter().records("k", s))
		s2, _, err := decodeSnapshot("k", again.get)
		if err != nil || !bytes.Equal(s2.data, s.data) || !slices.Equal(s2.files, s.files) || len(s2.next) != len(s.next) {
			t.Fatalf("re-encoding a decoded snapshot: err=%v, data equal %t, files %q vs %q", err, bytes.Equal(s2.data, s.data), s2.files, s.files)
		}
	})
}
