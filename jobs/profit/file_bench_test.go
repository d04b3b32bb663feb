package profit

import (
	"bufio"
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/bourse/bourse/jobs/profit/profittest"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/window"
)

var benchDir = flag.String("profit.dir", "", "BenchmarkProfitFile10k: directory for its trades and instruments files, kept (default: a temporary directory)")

// benchFileTrades is the size of BenchmarkProfitFile10k's trades file: 30 s
// of event time at 100,000 trades/s (about 0.7 GB).
const benchFileTrades = 3_000_000

// BenchmarkProfitFile10k runs the profit job end to end in file mode, as
// `bourse profit --in trades.jsonl --instruments ins.csv --out profit.jsonl
// --batch-dir dir` does: the same flow as BenchmarkProfit10k (10,000
// instruments, 100,000 trades per second of event time), 3 M trades that
// start 15 s before a window end, so a window is closed and ranked in the
// stream and two more at the end of the input. One op is one run over the
// file (read, decode, windows, rank, JSON and Arrow outputs).
func BenchmarkProfitFile10k(b *testing.B) {
	dir := *benchDir
	if dir == "" {
		dir = b.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	trades, ins := filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "instruments.csv")
	if err := writeBenchFiles(trades, ins); err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		cfg := DefaultConfig()
		cfg.In, cfg.Instruments = trades, ins
		cfg.Files[record.KindProfit] = filepath.Join(out, "profit.jsonl")
		cfg.Files[record.KindReject] = filepath.Join(out, "rejects.jsonl")
		cfg.BatchDir = filepath.Join(out, "batches")
		sum, err := Run(context.Background(), cfg, log)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Read != benchFileTrades || sum.Out.ByKind[record.KindProfit] != 3*benchInstruments || sum.Out.ByKind[record.KindReject] != 0 {
			b.Fatalf("expected %d trades read, %d profit lines and no rejects, got %+v", benchFileTrades, 3*benchInstruments, sum)
		}
	}
	b.StopTimer()
	reportTrades(b, float64(b.N)*benchFileTrades, cpu0)
}

// writeBenchFiles writes the trades and instruments files, unless the
// trades file holds the flow already (a kept -profit.dir).
func writeBenchFiles(trades, ins string) error {
	start := 1678698900000 - 15*window.Second // 15 s before a window end
	g := profittest.NewTradeGen(benchInstruments, benchRepeats, benchRate, 1)
	if err := os.WriteFile(ins, g.InstrumentsCSV(), 0o644); err != nil {
		return err
	}
	g.SeekTime(start)
	if sameFlow(trades, g.Next()) {
		return nil
	}
	g = profittest.NewTradeGen(benchInstruments, benchRepeats, benchRate, 1)
	g.SeekTime(start)
	f, err := os.Create(trades)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for range benchFileTrades {
		w.Write(g.Next())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sameFlow reports whether path starts with first and has benchFileTrades
// lines.
func sameFlow(path string, first []byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for ; sc.Scan(); n++ {
		if n == 0 && string(sc.Bytes()) != string(first) {
			return false
		}
	}
	return sc.Err() == nil && n == benchFileTrades
}
