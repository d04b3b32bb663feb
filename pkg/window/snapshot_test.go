package window

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// runCut feeds trades[:cut], snapshots, restores into a fresh engine and
// feeds the rest: the output must equal an unbroken run, record for record.
func runCut(t testing.TB, cfg Config, trades []record.Trade, cut int) (*output, *output, *Engine) {
	t.Helper()
	_, whole := run(t, cfg, trades)
	a, err := New(cfg, allOutputs)
	if err != nil {
		t.Fatal(err)
	}
	out := &output{}
	for i := range trades[:cut] {
		a.Add(&trades[i], out)
	}
	snap := a.Snapshot([]byte("prefix"))
	b, _ := New(cfg, allOutputs)
	if err := b.Restore(snap[len("prefix"):]); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if again := b.Snapshot(nil); !bytes.Equal(again, snap[len("prefix"):]) {
		t.Fatal("snapshot of a restored engine differs from the original")
	}
	for i := range trades[cut:] {
		b.Add(&trades[cut+i], out)
	}
	b.Flush(out)
	return whole, out, b
}

func TestSnapshotRestoreMidStream(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 6))
		cfg := randConfig(r)
		cfg.Idle = int64(r.IntN(int(2*cfg.Window))) - 1
		trades := randTrades(r, cfg, 50+r.IntN(400), seed%2 == 0)
		if seed%3 == 0 {
			cfg.Lateness = cfg.Bar * 3
			trades = disorder(r, cfg, trades)
			for i := 0; i < len(trades); i += 7 { // and some late ones
				trades[i].Time -= cfg.Bar * 5
				trades[i].Time = max(trades[i].Time, 0)
			}
		}
		whole, cut, b := runCut(t, cfg, trades, r.IntN(len(trades)+1))
		if !reflect.DeepEqual(whole, cut) {
			t.Fatalf("seed %d: restored run differs from the unbroken one\nwhole %v\ncut   %v", seed, whole.Log, cut.Log)
		}
		e, _ := run(t, cfg, trades)
		if b.Late() != e.Late() || b.Rejected() != e.Rejected() || b.Unranked() != e.Unranked() {
			t.Fatalf("seed %d: counters differ after restore", seed)
		}
	}
}

func TestRestoreRejectsCorruption(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 7))
	cfg := randConfig(r)
	trades := randTrades(r, cfg, 300, false)
	e, err := New(cfg, allOutputs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range trades {
		e.Add(&trades[i], record.Discard{})
	}
	snap := e.Snapshot(nil)
	before := e.Snapshot(nil)
	for i := range snap {
		bad := bytes.Clone(snap)
		bad[i] ^= 0x5a
		if err := e.Restore(bad); !errors.Is(err, ErrSnapshot) {
			t.Fatalf("flipped byte %d: got %v", i, err)
		}
	}
	for n := range len(snap) {
		if err := e.Restore(snap[:n]); !errors.Is(err, ErrSnapshot) {
			t.Fatalf("truncated to %d: got %v", n, err)
		}
	}
	if !bytes.Equal(e.Snapshot(nil), before) {
		t.Fatal("a failed restore changed the engine")
	}
	other := cfg
	other.Bar *= 2
	other.Slide *= 2
	other.Window *= 2
	o, _ := New(other, allOutputs)
	if err := o.Restore(snap); !errors.Is(err, ErrSnapshot) {
		t.Fatalf("config mismatch accepted: %v", err)
	}
	p, _ := New(cfg, Options{SMA: true})
	if err := p.Restore(snap); !errors.Is(err, ErrSnapshot) {
		t.Fatalf("options mismatch accepted: %v", err)
	}
}

func TestSnapshotEmpty(t *testing.T) {
	e, _ := New(DefaultConfig(), allOutputs)
	s := e.Snapshot(nil)
	f, _ := New(DefaultConfig(), allOutputs)
	if err := f.Restore(s); err != nil {
		t.Fatal(err)
	}
	if len(s) > 64 {
		t.Fatalf("empty snapshot is %d bytes", len(s))
	}
}
