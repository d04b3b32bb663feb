package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// TestExchangeRulesArchiveKafka runs the micro-batch DAG's path on the
// broker: `produce --profile exchange --batch-dir` onto the orders topic,
// then a bounded `match --session --batch-dir --threads 1 --txn-id`, then
// `archive`. The archived orders hold every produced order with its
// exchange-rule fields, and the archived status dataset holds exactly the
// status records of file mode's match over the same orders (as does the
// status topic).
func TestExchangeRulesArchiveKafka(t *testing.T) {
	e := newEnv(t)
	session := []string{"--session", "09:00-09:08/09:15-09:40@Z"}
	flow := []string{"--count", "6000", "--seed", "11", "--profile", "exchange", "--start", "2023-03-13T08:58:00Z", "--step-ms", "500", "--quiet"}
	orders, status := filepath.Join(e.dir, "orders.jsonl"), filepath.Join(e.dir, "status.jsonl")
	file(t, append([]string{"produce", "--out", orders}, flow...)...)
	file(t, append([]string{"match", "--quiet", "--in", orders, "--out", filepath.Join(e.dir, "trades.jsonl"), "--status", status}, session...)...)
	batches := filepath.Join(e.dir, "batches")
	e.bourse(60*time.Second, append([]string{"produce", "--batch-dir", batches}, flow...)...)
	e.bourse(2*time.Minute, append([]string{"match", "--quiet", "--batch-dir", batches, "--threads", "1", "--txn-id", e.prefix + "-match"}, session...)...)
	e.mustComplete(t, "match", e.topics().Orders)
	arch := archive(t, batches)

	var want []string
	for _, l := range groupLines(t, mustRead(t, orders)) {
		for _, line := range l {
			var o record.Order
			if err := record.DecodeOrder([]byte(line), &o); err != nil {
				t.Fatal(err)
			}
			want = append(want, string(record.AppendOrderJSON(nil, &o)))
		}
	}
	var got []string
	if err := parquet.ReadOrders(filepath.Join(arch, "orders"), func(o *record.Order) error {
		got = append(got, string(record.AppendOrderJSON(nil, o)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "archived orders (rule fields included)", got, want)
	var wantStatus []string
	for _, lines := range groupLines(t, mustRead(t, status)) {
		for _, l := range lines {
			var s record.Status
			if err := record.DecodeStatus([]byte(l), &s); err != nil {
				t.Fatal(err)
			}
			wantStatus = append(wantStatus, fmt.Sprintf("%+v", s))
		}
	}
	sameRows(t, "archived status records", rows(t, parquet.ReadStatuses, filepath.Join(arch, "status"), nil), wantStatus)
	sameGroups(t, "status topic", readTopicFrom(t, e.brokers, e.topics().Out[record.KindStatus]), groupLines(t, mustRead(t, status)))
}
