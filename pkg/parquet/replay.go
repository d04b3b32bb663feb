package parquet

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/record"
)

// Ext is the extension of archive files.
const Ext = ".parquet"

// Read calls fn for each record stored at path: a .arrow micro-batch file,
// a .parquet archive file, or a directory holding either (walked
// recursively, files in name order, overlapping micro-batch ranges
// de-duplicated). The record passed to fn is reused between calls.
func Read[T any](l *Layout[T], path string, fn func(*T) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	skipOffset := func(v *T, _ int64) error { return fn(v) }
	if !st.IsDir() {
		switch filepath.Ext(path) {
		case columnar.BatchExt:
			return columnar.ReadBatches(l.Codec, path, skipOffset)
		case Ext:
			return l.ReadFile(path, fn)
		}
		return fmt.Errorf("%s: want a %s or %s file, or a directory", path, columnar.BatchExt, Ext)
	}
	arrows, err := columnar.ListFiles(path, columnar.BatchExt)
	if err != nil {
		return err
	}
	parquets, err := columnar.ListFiles(path, Ext)
	if err != nil {
		return err
	}
	keep, _, err := columnar.Plan(arrows)
	if err != nil {
		return err
	}
	type item struct {
		path string
		sel  *columnar.Selection
	}
	items := make([]item, 0, len(keep)+len(parquets))
	for i := range keep {
		items = append(items, item{keep[i].Path, &keep[i]})
	}
	for _, p := range parquets {
		items = append(items, item{path: p})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].path < items[j].path })
	for _, it := range items {
		if it.sel != nil {
			err = columnar.ReadSelection(l.Codec, *it.sel, skipOffset)
		} else {
			err = l.ReadFile(it.path, fn)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ReadOrders replays orders from path (see Read). Ticks and Lots are zero:
// validation derives them again.
func ReadOrders(path string, fn func(*record.Order) error) error { return Read(OrderLayout, path, fn) }

// ReadTrades replays trades from path (see Read).
func ReadTrades(path string, fn func(*record.Trade) error) error { return Read(TradeLayout, path, fn) }

// ReadEvents replays execution reports from path (see Read).
func ReadEvents(path string, fn func(*record.Event) error) error { return Read(EventLayout, path, fn) }

// ReadBars replays bars from path (see Read).
func ReadBars(path string, fn func(*record.Bar) error) error { return Read(BarLayout, path, fn) }

// ReadSMAs replays SMA windows from path (see Read).
func ReadSMAs(path string, fn func(*record.SMA) error) error { return Read(SMALayout, path, fn) }

// ReadProfits replays profit windows from path (see Read).
func ReadProfits(path string, fn func(*record.Profit) error) error {
	return Read(ProfitLayout, path, fn)
}

// ReadRejects replays rejects from path (see Read).
func ReadRejects(path string, fn func(*record.Reject) error) error {
	return Read(RejectLayout, path, fn)
}

// ReadStatuses replays trading phase changes from path (see Read).
func ReadStatuses(path string, fn func(*record.Status) error) error {
	return Read(StatusLayout, path, fn)
}
