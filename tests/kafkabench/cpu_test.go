package kafkabench

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// cpuRun is the match job's CPU per order (this process's user + system
// time, in microseconds) in Kafka mode and in file mode.
type cpuRun struct{ kafka, file float64 }

func mapRuns(rs []cpuRun, f func(cpuRun) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// benchCPU measures the CPU the match job spends per order on the DAG's
// path — a bounded exactly-once run with --batch-dir and a fixed txn id,
// over orders already on the topic — and in file mode over the same
// orders as JSON Lines, also with --batch-dir and its outputs (the book
// feed included) written to files. Only this process's CPU time is counted (the broker's is not),
// and nothing else runs in the process meanwhile.
func benchCPU(b *testing.B, kc kafka.Config, w *Workload) cpuRun {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := w.Len()
	f := newFresh(b, ctx, kc, "cpu")
	p := warmProducer(b, ctx, kc, f)
	for i := range n {
		p.Produce(f.topics.Orders, w.Keys[i], w.Lines[i])
	}
	err := p.Flush(ctx)
	p.Close()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	dir := b.TempDir()

	b.ResetTimer()
	kcfg := match.DefaultConfig()
	kcfg.Kafka, kcfg.Topics, kcfg.Group = kc, f.topics, f.group
	kcfg.StateTopic, kcfg.TransactionalID = f.group+"-state", f.group+"-txn"
	kcfg.Quiet, kcfg.BatchDir = true, filepath.Join(dir, "kafka-batches")
	before := SampleCPU()
	ks, err := match.Run(ctx, kcfg, nil, log)
	kafkaCPU := SampleCPU().self - before.self
	if err != nil {
		b.Fatalf("match, Kafka mode: %v", err)
	}

	in := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(in, append(bytes.Join(w.Lines, []byte("\n")), '\n'), 0o644); err != nil {
		b.Fatal(err)
	}
	insFile := filepath.Join(dir, "instruments.json")
	var insJSON []byte
	for _, in := range BenchInstruments() {
		insJSON = append(record.AppendInstrumentJSON(insJSON, &in), '\n')
	}
	if err := os.WriteFile(insFile, insJSON, 0o644); err != nil {
		b.Fatal(err)
	}
	fcfg := match.DefaultConfig()
	fcfg.In, fcfg.Quiet, fcfg.BatchDir, fcfg.Instruments = in, true, filepath.Join(dir, "file-batches"), insFile
	fcfg.Files[record.KindTrade], fcfg.Files[record.KindEvent] = filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "events.jsonl")
	fcfg.Files[record.KindBook], fcfg.Files[record.KindBookSnapshot] = filepath.Join(dir, "book.jsonl"), filepath.Join(dir, "book-snapshots.jsonl")
	before = SampleCPU()
	fs, err := match.Run(ctx, fcfg, nil, log)
	fileCPU := SampleCPU().self - before.self
	b.StopTimer()
	if err != nil {
		b.Fatalf("match, file mode: %v", err)
	}
	want := int64(w.Trades(n))
	if ks.Read != int64(n) || ks.Out.ByKind[record.KindTrade] != want || fs.Out.ByKind[record.KindTrade] != want {
		b.Fatalf("Kafka mode read %d orders and wrote %d trades, file mode wrote %d; want %d and %d", ks.Read, ks.Out.ByKind[record.KindTrade], fs.Out.ByKind[record.KindTrade], n, want)
	}
	r := cpuRun{kafka: us(kafkaCPU, n), file: us(fileCPU, n)}
	b.Logf("CPU per order: Kafka mode %.2f us (%s in %s, %d transactions), file mode %.2f us (%s in %s) = %.1f x; loadavg %s",
		r.kafka, kafkaCPU.Round(time.Millisecond), ks.Elapsed.Round(time.Millisecond), ks.Commits, r.file, fileCPU.Round(time.Millisecond), fs.Elapsed.Round(time.Millisecond), r.kafka/r.file, LoadAvg())
	return r
}

func us(d time.Duration, n int) float64 { return float64(d.Microseconds()) / float64(n) }
