package serve

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestHubRuns: consecutive frames of a block follow each other and a run
// of them is exactly their frames end to end; a new block breaks the run;
// published bytes never change while later frames are appended.
func TestHubRuns(t *testing.T) {
	h := NewHub(1<<16, 0)
	payload := bytes.Repeat([]byte("x"), 1000)
	var frames []*Frame
	for i := 0; i < 600; i++ { // > 2 blocks of blockSize
		h.Publish(record.KindTrade, "TCS", "", payload)
	}
	frames, _, _, _ = h.Read(0, nil, 1<<16)
	if len(frames) != 600 {
		t.Fatalf("read %d frames, want 600", len(frames))
	}
	breaks := 0
	first := frames[0]
	var want []byte
	for i, f := range frames {
		if !bytes.HasPrefix(f.Data, []byte("id: "+strconv.Itoa(i+1)+"\n")) {
			t.Fatalf("frame %d: %q", i, f.Data[:20])
		}
		if i > 0 && !f.follows(frames[i-1]) {
			if got := runBytes(first, frames[i-1]); !bytes.Equal(got, want) {
				t.Fatalf("run up to frame %d: %d bytes, want %d (the frames end to end)", i-1, len(got), len(want))
			}
			breaks++
			first, want = f, nil
		}
		want = append(want, f.Data...)
	}
	if got := runBytes(first, frames[len(frames)-1]); !bytes.Equal(got, want) {
		t.Fatalf("last run: %d bytes, want %d", len(got), len(want))
	}
	if wantBreaks := 600 * 1050 / blockSize; breaks != wantBreaks {
		t.Errorf("%d new blocks, want %d", breaks, wantBreaks)
	}
}

// TestHubConcurrentReaders: readers, without locks, racing a publisher on
// a small ring (run it with -race) see every event in order or a gap
// flag, each frame with its own id and payload.
func TestHubConcurrentReaders(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	h := NewHub(64, 1000)
	const events = 20000
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(r)))
			after, gaps := uint64(1000), 0
			buf := make([]*Frame, 0, 16)
			for after < 1000+events {
				out, last, gap, wake := h.Read(after, buf[:0], 1+rng.IntN(16))
				if gap {
					gaps++
				}
				for i, f := range out {
					if !gap || i > 0 {
						if f.Seq != after+1 {
							t.Errorf("reader %d: seq %d after %d without a gap", r, f.Seq, after)
							return
						}
					}
					want := fmt.Sprintf("id: %d\nevent: trade\ndata: %d\n\n", f.Seq, f.Seq)
					if string(f.Data) != want {
						t.Errorf("reader %d: frame %q, want %q", r, f.Data, want)
						return
					}
					after = f.Seq
				}
				if last != after {
					t.Errorf("reader %d: last %d, want %d", r, last, after)
					return
				}
				if len(out) == 0 {
					<-wake
				}
			}
			t.Logf("reader %d: %d gaps", r, gaps)
		}(r)
	}
	for i := 0; i < events; i++ {
		h.Publish(record.KindTrade, "TCS", "", []byte(strconv.Itoa(1001+i)))
	}
	wg.Wait()
}
