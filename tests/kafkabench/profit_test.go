package kafkabench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/profit"
	"github.com/bourse/bourse/jobs/profit/profittest"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// The profit sizing flow (jobs/profit/doc.go): 10,000 instruments at
// 100,000 trades per second of event time. 1 M trades are 10 s of event
// time: no window closes (file mode's benchmarks in jobs/profit measure
// that); what this measures is Kafka mode's cost per trade beside file
// mode's, on the job's production path — one Global member, bounded,
// exactly-once, --batch-dir — where every commit snapshots the state of all
// 10,000 instruments.
const (
	profitInstruments = 10_000
	profitRate        = 100_000
	profitTrades      = 1_000_000
)

// BenchmarkProfitKafka prints the profit job's CPU per trade in Kafka mode
// and in file mode over the same trades, its Kafka-mode rate, and where
// its commits spent their time.
func BenchmarkProfitKafka(b *testing.B) {
	kc := brokerConfig(b)
	for range b.N {
		benchProfit(b, kc)
	}
}

func benchProfit(b *testing.B, kc kafka.Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	g := profittest.NewTradeGen(profitInstruments, 13, profitRate, 1)
	g.SeekTime(1678698900000)
	dir := b.TempDir()
	tradesFile, insFile := filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "instruments.csv")
	if err := os.WriteFile(insFile, g.InstrumentsCSV(), 0o644); err != nil {
		b.Fatal(err)
	}
	ins, err := record.LoadInstruments(insFile)
	if err != nil {
		b.Fatal(err)
	}

	p := fmt.Sprintf("bench-profit-%d", time.Now().UnixNano())
	topics := kafka.Topics{Instruments: p + "-instruments", Out: [record.NumKinds]string{record.KindTrade: p + "-trades", record.KindProfit: p + "-profit", record.KindReject: p + "-rejects"}}
	if err := kafka.CreateTopics(ctx, kc, []string{topics.Out[record.KindTrade], topics.Out[record.KindProfit], topics.Out[record.KindReject]}, partitions, -1, nil); err != nil {
		b.Fatal(err)
	}
	if err := kafka.PublishInstruments(ctx, kc, topics.Instruments, ins.List()); err != nil {
		b.Fatal(err)
	}
	prod, err := kafka.NewProducer(kc, kafka.ProducerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(tradesFile)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for range profitTrades {
		line := g.Next()
		w.Write(line)
		w.WriteByte('\n')
		sym := line[len(`{"trade_id":`):]
		sym = sym[bytes.Index(sym, []byte(`"instrument":"`))+len(`"instrument":"`):]
		sym = sym[:bytes.IndexByte(sym, '"')]
		prod.Produce(topics.Out[record.KindTrade], append([]byte(nil), sym...), append([]byte(nil), line...))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	err = prod.Flush(ctx)
	prod.Close()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	b.ResetTimer()
	kcfg := profit.DefaultConfig()
	kcfg.Kafka, kcfg.Topics, kcfg.Group = kc, topics, p+"-profit"
	kcfg.StateTopic, kcfg.TransactionalID = p+"-state", p+"-txn"
	kcfg.BatchDir = filepath.Join(dir, "kafka-batches")
	before := SampleCPU()
	ks, err := profit.Run(ctx, kcfg, log)
	after := SampleCPU()
	if err != nil {
		b.Fatalf("profit, Kafka mode: %v", err)
	}
	fcfg := profit.DefaultConfig()
	fcfg.In, fcfg.Instruments = tradesFile, insFile
	fcfg.Files[record.KindProfit], fcfg.Files[record.KindReject] = filepath.Join(dir, "profit.jsonl"), filepath.Join(dir, "rejects.jsonl")
	fcfg.BatchDir = filepath.Join(dir, "file-batches")
	fbefore := SampleCPU()
	fs, err := profit.Run(ctx, fcfg, log)
	fileCPU := SampleCPU().self - fbefore.self
	b.StopTimer()
	if err != nil {
		b.Fatalf("profit, file mode: %v", err)
	}
	if ks.Read != profitTrades || fs.Read != profitTrades || ks.Out.ByKind[record.KindReject] != 0 {
		b.Fatalf("Kafka mode read %d trades (%d rejects), file mode %d; want %d and no rejects", ks.Read, ks.Out.ByKind[record.KindReject], fs.Read, profitTrades)
	}
	kafkaCPU := after.self - before.self
	k, fm := us(kafkaCPU, profitTrades), us(fileCPU, profitTrades)
	rate := float64(profitTrades) / ks.Elapsed.Seconds()
	b.ReportMetric(k, "kafka-us/trade")
	b.ReportMetric(fm, "file-us/trade")
	b.ReportMetric(rate, "kafka-trades/s")
	fmt.Printf("kafkabench: profit, %d instruments, %d trades: Kafka mode (bounded, exactly-once, --batch-dir) %.0f trades/s, CPU %.2f us/trade (%s; %d transactions, %s); file mode CPU %.2f us/trade = %.1f x; one core holds %.0f trades/s in Kafka mode (target 100,000/s); loadavg %s\n",
		profitInstruments, profitTrades, rate, k, after.Since(before), ks.Commits, perCommit(ks), fm, k/fm, 1e6/k, LoadAvg())
}
