package kafkabench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// The workload and the load of the latency runs. Counts and durations are
// bounded: one `make bench-kafka` takes well under a minute on an idle
// machine.
const (
	throughputOrders = 400_000
	latencyOrders    = 100_000
	latencySeconds   = 5 // a latency run sends this long at most
	partitions       = 6
	seed             = 7
	commitDefault    = 100 * time.Millisecond // the jobs' --commit-interval default
	commitLow        = 10 * time.Millisecond
	latencyTargetP99 = 25 * time.Millisecond
	pipelineTarget   = 0.5 // pipeline / raw
	cpuTarget        = 2.0 // Kafka-mode CPU per order / file mode's
)

// results gathers every run's figures (one per -count repeat) for the
// summary line, which quotes medians.
type results struct {
	raw      []float64         // orders/s
	pipeline map[int][]float64 // orders/s by --threads
	latency  map[latencySetup][]latencyRun
	cpu      []cpuRun
}

// latencySetup is one latency measurement's match job: its commit
// interval, and whether it writes Arrow batch files (--batch-dir, the
// DAG's path; a trading deployment in follow mode may leave them to the
// micro-batch runs).
type latencySetup struct {
	rate    int // orders/s
	commit  time.Duration
	batches bool
}

func (l latencySetup) String() string {
	s := fmt.Sprintf("rate-%d-commit-%s", l.rate, l.commit)
	if !l.batches {
		s += "-no-batch-dir"
	}
	return s
}

var latencySetups = []latencySetup{
	{20_000, commitDefault, true}, {20_000, commitLow, true}, {20_000, commitLow, false},
	{5_000, commitDefault, true}, {5_000, commitLow, true},
}

// pipelineThreads are the --threads values the pipeline is measured with.
var pipelineThreads = []int{1, 2}

// latencyRun is one latency measurement and the match job's transactions
// meanwhile.
type latencyRun struct {
	LatencyResult
	commits int64
	sending time.Duration
}

// cycle is the mean time from one transaction to the next while sending.
func (l latencyRun) cycle() time.Duration {
	if l.commits == 0 {
		return 0
	}
	return l.sending / time.Duration(l.commits)
}

// BenchmarkKafka measures, on the real broker of BOURSE_KAFKA_BROKERS and
// in one process run: raw produce throughput, the throughput of produce ->
// match (exactly-once, follow mode, --batch-dir, --threads 1 and 2) ->
// committed trades, match's CPU per order in Kafka and file mode, and the
// latency from an order's send to its trades' commit at a fixed rate, for
// two commit intervals. Each run prints a summary line: the medians of the
// runs so far at this GOMAXPROCS (-count N: the last line quotes all N).
// Run with -benchtime 1x and a single -cpu value per `go test`.
func BenchmarkKafka(b *testing.B) {
	kc := brokerConfig(b)
	w := sharedWorkload(b)
	res := runResults()
	loadBefore := LoadAvg()
	b.Run("produce", func(b *testing.B) {
		var rate float64
		for range b.N {
			rate = benchProduce(b, kc, w)
		}
		res.raw = append(res.raw, rate)
		b.ReportMetric(rate, "orders/s")
	})
	for _, th := range pipelineThreads {
		b.Run(fmt.Sprintf("pipeline-threads-%d", th), func(b *testing.B) {
			var rate float64
			for range b.N {
				rate = benchPipeline(b, kc, w, th)
			}
			res.pipeline[th] = append(res.pipeline[th], rate)
			b.ReportMetric(rate, "orders/s")
			if raw := median(res.raw); raw > 0 {
				b.ReportMetric(rate/raw, "x-raw")
			}
		})
	}
	b.Run("cpu-per-order", func(b *testing.B) {
		var c cpuRun
		for range b.N {
			c = benchCPU(b, kc, w)
		}
		res.cpu = append(res.cpu, c)
		b.ReportMetric(c.kafka, "kafka-us/order")
		b.ReportMetric(c.file, "file-us/order")
	})
	for _, ls := range latencySetups {
		b.Run("latency-"+ls.String(), func(b *testing.B) {
			var r latencyRun
			for range b.N {
				r = benchLatency(b, kc, w, ls)
			}
			res.latency[ls] = append(res.latency[ls], r)
			b.ReportMetric(ms(r.P50), "p50-ms")
			b.ReportMetric(ms(r.P99), "p99-ms")
			b.ReportMetric(ms(r.Max), "max-ms")
			b.ReportMetric(float64(r.N), "trades")
			b.ReportMetric(ms(r.cycle()), "txn-cycle-ms")
		})
	}
	fmt.Println(res.summary(loadBefore, LoadAvg()))
}

// allResults gathers the figures of every run in this process by
// GOMAXPROCS, so that with -count N the last summary line of each
// GOMAXPROCS quotes the medians of all N runs.
var allResults = map[int]*results{}

func runResults() *results {
	procs := runtime.GOMAXPROCS(0)
	if allResults[procs] == nil {
		allResults[procs] = &results{pipeline: map[int][]float64{}, latency: map[latencySetup][]latencyRun{}}
	}
	return allResults[procs]
}

// summary is the one line a reader quotes: the median of each figure over
// the runs.
func (r results) summary(loadBefore, loadAfter string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "kafkabench: GOMAXPROCS %d, %d orders, %d partitions, median of %d run(s):", runtime.GOMAXPROCS(0), throughputOrders, partitions, len(r.raw))
	raw := median(r.raw)
	if raw > 0 {
		fmt.Fprintf(&s, " raw produce %.0f orders/s;", raw)
	}
	for _, th := range pipelineThreads {
		pipe := median(r.pipeline[th])
		if pipe == 0 {
			continue
		}
		fmt.Fprintf(&s, " pipeline --threads %d %.0f orders/s", th, pipe)
		if raw > 0 {
			ratio := pipe / raw
			fmt.Fprintf(&s, " = %.2f x raw (target >= %.1f: %s)", ratio, pipelineTarget, yesNo(ratio >= pipelineTarget))
		}
		s.WriteString(";")
	}
	if len(r.cpu) > 0 {
		k := median(mapRuns(r.cpu, func(c cpuRun) float64 { return c.kafka }))
		f := median(mapRuns(r.cpu, func(c cpuRun) float64 { return c.file }))
		fmt.Fprintf(&s, " CPU per order: Kafka mode %.2f us, file mode %.2f us = %.1f x (target <= %.0f: %s);", k, f, k/f, cpuTarget, yesNo(k/f <= cpuTarget))
	}
	for _, ls := range latencySetups {
		runs := r.latency[ls]
		if len(runs) == 0 {
			continue
		}
		pick := func(f func(latencyRun) time.Duration) time.Duration {
			v := make([]float64, len(runs))
			for i, l := range runs {
				v[i] = float64(f(l))
			}
			return time.Duration(median(v))
		}
		p50 := pick(func(l latencyRun) time.Duration { return l.P50 })
		p99 := pick(func(l latencyRun) time.Duration { return l.P99 })
		mx := pick(func(l latencyRun) time.Duration { return l.Max })
		cyc := pick(latencyRun.cycle)
		fmt.Fprintf(&s, " latency %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d trades), a transaction every %.0f ms (p99 < %s: %s);",
			ls, ms(p50), ms(p99), ms(mx), runs[0].N, ms(cyc), latencyTargetP99, yesNo(p99 < latencyTargetP99))
	}
	fmt.Fprintf(&s, " loadavg %s -> %s", loadBefore, loadAfter)
	return s.String()
}

// median is the middle value of vs (the mean of the two middle ones for an
// even count), 0 for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// perCommit says where a run's commits spent their time, per transaction.
func perCommit(s streamjob.Summary) string {
	if s.Commits == 0 {
		return "no commits"
	}
	per := func(d time.Duration) float64 { return ms(d / time.Duration(s.Commits)) }
	return fmt.Sprintf("per commit: stage %.1f ms, snapshot %.1f ms, flush %.1f ms, then batch files %.1f ms, end %.1f ms",
		per(s.Phases.Stage), per(s.Phases.Snapshot), per(s.Phases.Flush), per(s.Phases.Sync), per(s.Phases.End))
}

func yesNo(ok bool) string {
	if ok {
		return "reached"
	}
	return "NOT reached"
}

// benchProduce produces the workload to a fresh orders topic with the
// produce job's producer and returns orders/s until Flush.
func benchProduce(b *testing.B, kc kafka.Config, w *Workload) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	f := newFresh(b, ctx, kc, "raw")
	p := warmProducer(b, ctx, kc, f)
	defer p.Close()
	n := w.Len()
	b.ResetTimer()
	cpu := SampleCPU()
	start := time.Now()
	for i := range n {
		p.Produce(f.topics.Orders, w.Keys[i], w.Lines[i])
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.StopTimer()
	cpuUse := SampleCPU().Since(cpu)
	if got := p.Acked() - 1; got != int64(n) { // minus the warm-up record
		b.Fatalf("broker acknowledged %d of %d orders", got, n)
	}
	rate := float64(n) / el.Seconds()
	b.Logf("raw produce: %d orders in %s = %.0f orders/s (%s; loadavg %s)", n, el.Round(time.Millisecond), rate, cpuUse, LoadAvg())
	return rate
}

// benchPipeline produces the workload to a fresh orders topic while the
// match job follows it, and returns orders/s from the first produce until
// the match group has committed every order (and so every trade).
func benchPipeline(b *testing.B, kc kafka.Config, w *Workload, threads int) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	f := newFresh(b, ctx, kc, "pipe")
	off, err := kafka.NewOffsets(kc)
	if err != nil {
		b.Fatal(err)
	}
	defer off.Close()
	p := warmProducer(b, ctx, kc, f)
	defer p.Close()
	m := startMatch(b, ctx, kc, f, commitDefault, threads, true, p)
	defer m.stop()
	n := w.Len()
	b.ResetTimer()
	cpu := SampleCPU()
	start := time.Now()
	for i := range n {
		p.Produce(f.topics.Orders, w.Keys[i], w.Lines[i])
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	produced := time.Since(start)
	end, err := off.End(ctx, f.topics.Orders)
	if err != nil {
		b.Fatal(err)
	}
	if got := kafka.Sum(end); got != int64(n)+1 {
		b.Fatalf("orders topic holds %d records, want %d orders and the warm-up record", got, n)
	}
	if err := waitCommitted(ctx, off, f.group, f.topics.Orders, end, 5*time.Millisecond); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.StopTimer()
	cpuUse := SampleCPU().Since(cpu)
	sum, err := m.stop()
	if err != nil {
		b.Fatalf("match: %v", err)
	}
	want := w.Trades(n)
	if sum.Read != int64(n)+1 || sum.Out.ByKind[record.KindTrade] != int64(want) {
		b.Fatalf("match committed %d records and %d trades, want %d (orders and warm-up) and %d (the pure core's count)", sum.Read, sum.Out.ByKind[record.KindTrade], n+1, want)
	}
	got, err := countRecords(ctx, kc, f.topics.Out[record.KindTrade])
	if err != nil {
		b.Fatal(err)
	}
	if got != want {
		b.Fatalf("trades topic holds %d committed trades, want %d", got, want)
	}
	rate := float64(n) / el.Seconds()
	b.Logf("pipeline --threads %d: %d orders -> %d trades committed in %s = %.0f orders/s (producing took %s; %d transactions, %s; %s; loadavg %s)",
		threads, n, want, el.Round(time.Millisecond), rate, produced.Round(time.Millisecond), sum.Commits, perCommit(sum), cpuUse, LoadAvg())
	return rate
}

// benchLatency sends the first orders (latencyOrders, or latencySeconds'
// worth) at the setup's rate, in
// bursts every millisecond, while the match job follows with the given
// commit interval and a read_committed tail of the trades topic times
// every trade against its aggressor order's send.
func benchLatency(b *testing.B, kc kafka.Config, w *Workload, ls latencySetup) latencyRun {
	commit := ls.commit
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := min(latencyOrders, w.Len(), ls.rate*latencySeconds)
	want := w.Trades(n)
	f := newFresh(b, ctx, kc, "lat")
	lat := NewLatency(w.FirstID, n, w.Replaced)

	tctx, stopTail := context.WithCancel(ctx)
	tailDone := make(chan error, 1)
	go func() {
		tailDone <- kafka.Tail(tctx, kc, []string{f.topics.Out[record.KindTrade]}, true,
			func(_ string, _, value []byte, _ int32, _ int64, ts int64) {
				lat.Observe(value, time.UnixMilli(ts), time.Now())
			})
	}()
	defer func() {
		stopTail()
		if err := <-tailDone; err != nil {
			b.Errorf("tail: %v", err)
		}
	}()
	p := warmProducer(b, ctx, kc, f)
	defer p.Close()
	m := startMatch(b, ctx, kc, f, commit, 1, ls.batches, p)
	defer m.stop()

	b.ResetTimer()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	cpu := SampleCPU()
	start := time.Now()
	for sent := 0; sent < n; {
		<-tick.C
		due := min(n, int(time.Since(start).Seconds()*float64(ls.rate))+1)
		for ; sent < due; sent++ {
			lat.Sent(w.IDs[sent], time.Now())
			p.Produce(f.topics.Orders, w.Keys[sent], w.Lines[sent])
		}
	}
	sending := time.Since(start)
	cpuUse := SampleCPU().Since(cpu)
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for lat.Seen() < int64(want) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	if lat.Seen() != int64(want) {
		b.Fatalf("tail saw %d committed trades, want %d (the pure core's count)", lat.Seen(), want)
	}
	sum, err := m.stop()
	if err != nil {
		b.Fatalf("match: %v", err)
	}
	r := lat.Result()
	if r.Bad > 0 || r.N == 0 {
		b.Fatalf("latency: %d trades did not decode, %d measured", r.Bad, r.N)
	}
	b.Logf("latency @%d/s (achieved %.0f/s), commit %s: %s; %s; %d trades seen, %d untraced (aggressor replaced); %d transactions in %s (%s); %s; loadavg %s",
		ls.rate, float64(n)/sending.Seconds(), commit, r, r.Split(), r.Seen, r.Untraced, sum.Commits, sending.Round(time.Millisecond), perCommit(sum), cpuUse, LoadAvg())
	return latencyRun{LatencyResult: r, commits: sum.Commits, sending: sending}
}
