package columnar

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestKindDatasets: every dataset the kinds table names is one this
// package writes.
func TestKindDatasets(t *testing.T) {
	for k := range record.NumKinds {
		if d := k.Info().Dataset; d != "" {
			if _, err := ParseDataset(d); err != nil {
				t.Errorf("kind %s: %v", k, err)
			}
		}
	}
}
