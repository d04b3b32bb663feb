package kafka

import (
	"bytes"
	"errors"
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

func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(encodeSnapshot("k", snapshot{next: map[int32]int64{1: 5}, data: []byte("x")})[0].value)
	f.Add([]byte("BSN1"))
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _, _ = decodeSnapshot("k", func(k string) []byte {
			if k == "k" {
				return v
			}
			return v[:len(v)/2]
		})
	})
}
