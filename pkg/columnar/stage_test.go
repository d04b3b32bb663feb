package columnar_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/stream"
)

// Staged files are invisible to readers until published; Discard deletes
// them; Recover publishes a committed transaction's files and deletes the
// other staged files of the same source and partition only.
func TestStagePublishDiscardRecover(t *testing.T) {
	dir := t.TempDir()
	w, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	w.SetPrefix("match.")
	trades := columnartest.BulkTrades(12)
	stage := func(p int32, first, last int64, txn string) []string {
		t.Helper()
		for off := first; off <= last; off++ {
			w.Seek(p, off)
			w.Emit(&trades[off])
		}
		staged, sync, err := w.Stage([]stream.Range{{Source: "orders", Partition: p, First: first, Last: last}}, txn)
		if err == nil {
			err = sync()
		}
		if err != nil || len(staged) != 1 || len(staged[0]) != 1 {
			t.Fatalf("stage: %v %v", staged, err)
		}
		files := staged[0]
		if !strings.HasPrefix(filepath.Base(files[0]), ".match.orders-p") || !strings.HasSuffix(files[0], "."+txn+".pending") {
			t.Fatalf("staged name %q", files[0])
		}
		return files
	}
	visible := func() int {
		t.Helper()
		files, err := columnar.ListFiles(dir, columnar.BatchExt)
		if err != nil {
			t.Fatal(err)
		}
		return len(files)
	}

	a := stage(0, 0, 2, "r1-1")
	if visible() != 0 {
		t.Fatal("a staged file is visible")
	}
	if err := w.Publish(a); err != nil || visible() != 1 {
		t.Fatalf("publish: %v, %d visible", err, visible())
	}
	if err := w.Publish(a); err != nil {
		t.Fatalf("publishing twice: %v", err)
	}

	// An aborted transaction: its rows and files go.
	b := stage(0, 3, 5, "r1-2")
	w.Seek(1, 3)
	w.Emit(&trades[3])
	if err := w.Discard(b); err != nil {
		t.Fatal(err)
	}
	if w.Pending() != 0 {
		t.Fatalf("%d rows left after Discard", w.Pending())
	}
	if _, err := os.Stat(filepath.Join(dir, b[0])); !os.IsNotExist(err) {
		t.Fatalf("discarded file still there: %v", err)
	}

	// After a crash: c committed (not published), d never committed, e is
	// another partition's and stays.
	c := stage(0, 3, 7, "r2-1")
	d := stage(0, 8, 9, "r2-2")
	e := stage(1, 3, 4, "r2-3")
	if err := w.Recover("orders", 0, c); err != nil {
		t.Fatal(err)
	}
	if visible() != 2 {
		t.Fatalf("%d visible after recover, want 2", visible())
	}
	if _, err := os.Stat(filepath.Join(dir, d[0])); !os.IsNotExist(err) {
		t.Fatalf("uncommitted staged file survived recover: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, e[0])); err != nil {
		t.Fatalf("another partition's staged file was touched: %v", err)
	}
	got := readAll(t, columnar.TradeCodec, dir)
	sameSet(t, "trades", got, trades[:8])

	if _, _, err := w.Stage([]stream.Range{{Source: "orders", First: 0, Last: 0}}, "a.b"); err == nil {
		t.Fatal("a transaction name with a dot was accepted")
	}
}
