package parquet_test

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	pqv15 "github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

const benchRows = 1 << 18

// benchTrades is one instrument's trades, as one archive file holds them.
func benchTrades() []record.Trade {
	all := columnartest.BulkTrades(benchRows * len(columnartest.Instruments))
	out := make([]record.Trade, 0, benchRows)
	for _, t := range all {
		if t.Instrument == columnartest.Instruments[0] {
			out = append(out, t)
		}
	}
	return out
}

// cpuSeconds is the process's user+system CPU time: on a shared machine
// rows per CPU-second is steadier than rows per wall second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func report(b *testing.B, rows int, bytes int, cpu0 float64) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/(cpuSeconds()-cpu0), "rows/cpu-s")
	b.ReportMetric(float64(bytes)/float64(rows), "bytes/row")
}

// BenchmarkParquetArchive writes one instrument-day file of trades as the
// archive does (Layout.Write: zstd, dictionary and delta encodings).
func BenchmarkParquetArchive(b *testing.B) { benchArchive(b, parquet.Options{}) }

// BenchmarkParquetArchiveSnappy is BenchmarkParquetArchive with the
// archive job's --snappy.
func BenchmarkParquetArchiveSnappy(b *testing.B) { benchArchive(b, parquet.Options{Snappy: true}) }

func benchArchive(b *testing.B, opt parquet.Options) {
	rows := benchTrades()
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := parquet.TradeLayout.Write(&buf, rows, opt); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(rows), buf.Len(), cpu0)
}

// BenchmarkParquetGoRowWriter writes the same file with parquet-go's own
// row writer (writer.ParquetWriter fed by a MarshalFunc, values boxed as
// interfaces), as Write did before it encoded column chunks itself: the
// figure that shows where the row writer stops.
func BenchmarkParquetGoRowWriter(b *testing.B) {
	rows := benchTrades()
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := parquet.WriteTradesReference(&buf, rows); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(rows), buf.Len(), cpu0)
}

// BenchmarkPqarrowYardstick writes the same rows with Arrow's own Parquet
// writer (pqarrow, zstd, dictionary on), as a yardstick for the archive.
func BenchmarkPqarrowYardstick(b *testing.B) {
	rows := benchTrades()
	schema := arrow.NewSchema(columnar.TradeSchema.Fields()[:10], nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, columnar.TradeSchema)
	for i := range rows {
		columnar.TradeCodec.Append(rb, &rows[i], 0)
	}
	full := rb.NewRecord()
	rec := array.NewRecord(schema, full.Columns()[:10], full.NumRows())
	props := pqv15.NewWriterProperties(pqv15.WithCompression(compress.Codecs.Zstd),
		pqv15.WithDictionaryDefault(true), pqv15.WithMaxRowGroupLength(128*1024))
	aprops := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		w, err := pqarrow.NewFileWriter(schema, &buf, props, aprops)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, len(rows), buf.Len(), cpu0)
}
