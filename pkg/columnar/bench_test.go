package columnar_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/stream"
)

// BenchmarkArrowBatchWrite emits trades into a BatchWriter and flushes a
// micro-batch file every 16 Ki rows (fsync and rename included).
func BenchmarkArrowBatchWrite(b *testing.B) {
	const perBatch = 16 * 1024
	trades := columnartest.BulkTrades(perBatch)
	dir := b.TempDir()
	w, err := columnar.NewBatchWriter(dir, columnar.Trades)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		for j := range trades {
			w.SetOffset(int64(j))
			w.Emit(&trades[j])
		}
		st, err := w.FlushStats(stream.Range{Source: "orders", First: 0, Last: perBatch - 1})
		if err != nil {
			b.Fatal(err)
		}
		bytes += st.Bytes
	}
	b.ReportMetric(float64(perBatch)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(perBatch)*float64(b.N)/(cpuSeconds()-cpu0), "rows/cpu-s")
	b.ReportMetric(float64(bytes)/float64(perBatch*b.N), "bytes/row")
	files, _ := filepath.Glob(filepath.Join(dir, "trades", "*", "*.arrow"))
	if len(files) != 1 {
		b.Fatalf("files %v", files)
	}
	os.RemoveAll(dir)
}

// cpuSeconds is the process's user+system CPU time: on a shared machine
// rows per CPU-second is steadier than rows per wall second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
