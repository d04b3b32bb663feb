package e2e

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// readTopic returns a topic's committed values (read_committed) grouped by
// record key, each group in offset order.
func readTopic(t *testing.T, topic string) map[string][]string {
	t.Helper()
	return readTopicFrom(t, brokers, topic)
}

// readTopicFrom is readTopic on the brokers b.
func readTopicFrom(t *testing.T, b []string, topic string) map[string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	byKey := map[string][]string{}
	err := kafka.ReadValues(ctx, kafka.Config{Brokers: b}, topic, func(k, v []byte) {
		byKey[string(k)] = append(byKey[string(k)], string(v))
	})
	if err != nil {
		t.Fatalf("read %s: %v", topic, err)
	}
	return byKey
}

// groupLines groups JSON Lines by their "instrument" field, in file order.
func groupLines(t *testing.T, data []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		out[instrumentOf(t, l)] = append(out[instrumentOf(t, l)], string(l))
	}
	return out
}

func instrumentOf(t *testing.T, line []byte) string {
	t.Helper()
	const key = `"instrument":"`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		t.Fatalf("no instrument in %s", line)
	}
	rest := line[i+len(key):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

// sameGroups fails unless a and b hold the same lines per key, in order.
func sameGroups(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	total := 0
	for k := range keys {
		g, w := got[k], want[k]
		total += len(w)
		if len(g) != len(w) {
			t.Errorf("%s %s: %d records on Kafka, %d in file mode", what, k, len(g), len(w))
			continue
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s %s #%d:\nkafka: %s\nfile:  %s", what, k, i, g[i], w[i])
				break
			}
		}
	}
	if total == 0 {
		t.Errorf("%s: nothing to compare", what)
	}
}

// closedWindows keeps the window records (sma or profit) that a bounded
// Kafka run emits: for sma (global false), those whose window ended at or
// before the instrument's newest trade; for profit (global true), those
// that ended at or before every instrument's newest trade, since a window
// is ranked only once all instruments have passed it. File mode also emits
// the still-open ones at the end of its input.
func closedWindows(t *testing.T, windows map[string][]string, trades map[string][]string, global bool) map[string][]string {
	t.Helper()
	newest := map[string]int64{}
	for inst, lines := range trades {
		var tr record.Trade
		if err := record.DecodeTrade([]byte(lines[len(lines)-1]), &tr); err != nil {
			t.Fatal(err)
		}
		newest[inst] = tr.Time
	}
	if global {
		low := int64(1<<63 - 1)
		for _, v := range newest {
			low = min(low, v)
		}
		for k := range newest {
			newest[k] = low
		}
	}
	out := map[string][]string{}
	for inst, lines := range windows {
		for _, l := range lines {
			var s record.SMA
			if err := record.DecodeSMA([]byte(l), &s); err != nil {
				var p record.Profit
				if err := record.DecodeProfit([]byte(l), &p); err != nil {
					t.Fatalf("not a window record: %s", l)
				}
				s.WindowEnd = p.WindowEnd
			}
			if s.WindowEnd <= newest[inst] {
				out[inst] = append(out[inst], l)
			}
		}
	}
	return out
}

func count(groups map[string][]string) int {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	return n
}

func sortedKeys(m map[string][]string) string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return strings.Join(k, ",")
}
