package kafka

import (
	"slices"
	"testing"
)

// TestDefaultTopics: the default names are a public contract (docs, DAGs,
// deployments); they must not move with the kinds table.
func TestDefaultTopics(t *testing.T) {
	want := []string{"orders", "instruments", "trades", "order-events", "bars", "sma", "profit", "bourse-rejects", "book", "book-snapshots", "instrument-status"}
	if got := DefaultTopics().Names(); !slices.Equal(got, want) {
		t.Fatalf("default topics %v, want %v", got, want)
	}
	names, compacted := DefaultTopics().Layout("match", "sma")
	if len(names) != len(want)+2 || !compacted["instruments"] || !compacted["book-snapshots"] || !compacted["bourse-sma-state"] || compacted["trades"] {
		t.Fatalf("layout %v, compacted %v", names, compacted)
	}
}
