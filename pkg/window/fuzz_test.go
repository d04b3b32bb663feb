package window

import (
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// fuzzInput turns bytes into a config and a trade sequence with every
// kind of trouble: disorder, late trades, bad prices, quantities, times
// and instruments.
func fuzzInput(data []byte) (Config, []record.Trade) {
	var h [5]byte
	copy(h[:], data)
	bar := int64(1 + h[0]%8)
	slide := bar * int64(1+h[1]%3)
	cfg := Config{Bar: bar, Slide: slide, Window: slide + bar*int64(h[2]%4), Lateness: bar * int64(h[3]%3), Idle: int64(h[4]%40) - 5}
	var trades []record.Trade
	tm := int64(100)
	for rest := data[min(len(data), 5):]; len(rest) >= 5; rest = rest[5:] {
		tm += int64(int8(rest[1]))
		t := record.Trade{
			TradeID:    uint64(len(trades) + 1),
			Instrument: string(rune('A' + rest[0]%4)),
			Price:      record.Fixed(int64(rest[2])-5)*record.One/4 + record.Fixed(rest[4]%3),
			Quantity:   record.Fixed(int64(rest[3])-3) * record.One / 2,
			Time:       tm,
		}
		switch rest[0] {
		case 255:
			t.Instrument = ""
		case 254:
			t.Price = record.MaxValue
			t.Quantity = record.MaxValue
		}
		trades = append(trades, t)
	}
	return cfg, trades
}

// checkInvariants verifies what must hold for any input.
func checkInvariants(t *testing.T, cfg Config, out *output) {
	t.Helper()
	type key struct {
		inst  string
		start int64
	}
	bars := map[key]record.Bar{}
	for _, b := range out.Bars {
		k := key{b.Instrument, b.Start}
		if _, dup := bars[k]; dup {
			t.Fatalf("bar %+v emitted twice", b)
		}
		bars[k] = b
		if b.Count < 1 || b.Low > b.Open || b.Low > b.Close || b.Open > b.High || b.Close > b.High ||
			b.VWAP < b.Low || b.VWAP > b.High || b.End-b.Start != cfg.Bar || b.Start%cfg.Bar != 0 {
			t.Fatalf("inconsistent bar %+v", b)
		}
	}
	smas := map[key]bool{}
	for _, s := range out.SMAs {
		k := key{s.Instrument, s.WindowStart}
		if smas[k] {
			t.Fatalf("SMA %+v emitted twice", s)
		}
		smas[k] = true
		lo, hi, n := record.MaxValue, record.Fixed(0), int64(0)
		for st := floorDiv(s.WindowStart+cfg.Bar-1, cfg.Bar) * cfg.Bar; st < s.WindowEnd; st += cfg.Bar {
			if b, ok := bars[key{s.Instrument, st}]; ok {
				lo, hi, n = min(lo, b.Close), max(hi, b.Close), n+1
			}
		}
		if n != s.Bars || s.SMA < lo || s.SMA > hi {
			t.Fatalf("SMA %+v: %d bars emitted in it, closes in [%s, %s]", s, n, lo, hi)
		}
	}
	seen := map[key]bool{}
	ranks := map[int64][]int64{}
	for _, p := range out.Profits {
		k := key{p.Instrument, p.WindowStart}
		if seen[k] || !smas[k] {
			t.Fatalf("profit %+v emitted twice or without its SMA", p)
		}
		seen[k] = true
		if p.Rank > 0 {
			ranks[p.WindowStart] = append(ranks[p.WindowStart], p.Rank)
		}
	}
	for w, rs := range ranks {
		have := make([]bool, len(rs)+1)
		for _, r := range rs {
			if r > int64(len(rs)) || have[r] {
				t.Fatalf("window %d: ranks %v are not 1..n", w, rs)
			}
			have[r] = true
		}
	}
	checkRanks(t, out.Profits)
}

func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 1, 1, 40, 10, 0, 2, 1, 50, 10, 1})
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 9))
		b := make([]byte, 5+5*(20+r.IntN(200)))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		for i := 6; i < len(b); i += 5 { // mostly forward in time
			b[i] = byte(r.IntN(12) - 2)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, trades := fuzzInput(data)
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		_, whole := run(t, cfg, trades)
		checkInvariants(t, cfg, whole)
		if len(trades) > 0 {
			_, cut, _ := runCut(t, cfg, trades, len(data)%len(trades))
			if !reflect.DeepEqual(whole, cut) {
				t.Fatal("snapshot/restore changed the output")
			}
		}
	})
}

// FuzzRestore feeds arbitrary snapshot bodies, with a valid header and
// checksum so that the decoder itself is exercised: never a panic.
func FuzzRestore(f *testing.F) {
	e, _ := New(DefaultConfig(), allOutputs)
	r := rand.New(rand.NewPCG(3, 3))
	trades := randTrades(r, DefaultConfig(), 200, true)
	for i := range trades {
		e.Add(&trades[i], record.Discard{})
	}
	s := e.Snapshot(nil)
	f.Add(s[len(snapMagic) : len(s)-4])
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, body []byte) {
		b := append([]byte(snapMagic), body...)
		b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
		x, _ := New(DefaultConfig(), allOutputs)
		if x.Restore(b) != nil {
			return
		}
		// A restored engine keeps working.
		for i := range trades {
			x.Add(&trades[i], record.Discard{})
		}
		x.Flush(record.Discard{})
		_ = x.Snapshot(nil)
	})
}
