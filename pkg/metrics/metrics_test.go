package metrics

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeExposesJobMetrics(t *testing.T) {
	j := NewJob("unit")
	if NewJob("unit") != j {
		t.Fatal("same name gave another Job")
	}
	j.RecordsIn(5)
	j.RecordsOut("trade", 3)
	j.Rejects(1)
	j.Commit(0.01)
	j.Abort()
	j.Lag(42)
	var nilJob *Job
	nilJob.RecordsIn(1) // no-op, no panic
	if _, _, err := Serve("bad address"); err == nil {
		t.Fatal("bad address accepted")
	}
	addr, stop, err := Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`bourse_records_in_total{job="unit"} 5`,
		`bourse_records_out_total{job="unit",kind="trade"} 3`,
		`bourse_rejects_total{job="unit"} 1`,
		`bourse_txn_commits_total{job="unit"} 1`,
		`bourse_txn_aborts_total{job="unit"} 1`,
		`bourse_consumer_lag_records{job="unit"} 42`,
		`bourse_txn_duration_seconds_count{job="unit"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("missing %s", want)
		}
	}
}
