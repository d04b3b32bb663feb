package serve

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestOpenAPIRecordsMatchTables: the OpenAPI schemas of the records the
// server passes through as they are (bars, SMA, profit, book updates and
// snapshots, status) list the fields of their record tables, in order.
func TestOpenAPIRecordsMatchTables(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	// Properties keep their document order through json.RawMessage keys.
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for schema, want := range map[string][]string{
		"Bar": record.Names(record.BarFields), "SMA": record.Names(record.SMAFields), "Profit": record.Names(record.ProfitFields),
		"BookUpdate": record.Names(record.BookUpdateFields), "BookSnapshot": record.Names(record.BookSnapshotFields),
		"Status": record.Names(record.StatusFields),
	} {
		s, ok := doc.Components.Schemas[schema]
		if !ok {
			t.Errorf("openapi.json has no %s schema", schema)
			continue
		}
		if got := objectKeys(t, s.Properties); !slices.Equal(got, want) {
			t.Errorf("openapi.json %s: %v, record table has %v", schema, got, want)
		}
	}
}

// objectKeys returns the keys of the JSON object b in document order.
func objectKeys(t *testing.T, b json.RawMessage) []string {
	d := json.NewDecoder(bytes.NewReader(b))
	if _, err := d.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
