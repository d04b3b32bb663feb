package streamjob

import (
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// TestSummaryString: the summary line, which docs and scripts read, is
// built from the kinds table byte for byte as it was written by hand.
func TestSummaryString(t *testing.T) {
	var c record.Counts
	copy(c.ByKind[:], []int64{10, 20, 3, 4, 5, 6, 0, 0})
	c.Rejected = 2
	s := Summary{Job: "match", Read: 100, Out: c, Elapsed: 1500 * time.Microsecond}
	if got, want := s.String(), "match: read 100, wrote 42 (trades 10, events 20, bars 3, sma 4, profit 5), rejected 8 in 2ms"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	c.ByKind[record.KindBook], c.ByKind[record.KindBookSnapshot] = 7, 1
	s.Out, s.Commits, s.Aborts = c, 3, 1
	if got, want := s.String(), "match: read 100, wrote 50 (trades 10, events 20, bars 3, sma 4, profit 5), rejected 8, 3 transactions committed, 1 aborted, book updates 7, book snapshots 1 in 2ms"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A run restarted after transient Kafka errors says so; one that was not
// keeps the line above.
func TestSummaryStringRestarts(t *testing.T) {
	s := Summary{Job: "sma", Read: 5, Commits: 2, Restarts: 1, Elapsed: time.Second}
	if got, want := s.String(), "sma: read 5, wrote 0 (trades 0, events 0, bars 0, sma 0, profit 0), rejected 0, 2 transactions committed, 0 aborted, 1 restarts in 1s"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
