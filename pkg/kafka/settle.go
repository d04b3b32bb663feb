package kafka

import (
	"context"
	"time"
)

// markersTimeout bounds how long a finishing run waits for the markers of
// its last transaction.
const markersTimeout = 10 * time.Second

// awaitMarkers waits until the broker has written the markers of this
// instance's last transaction, so that a read_committed reader started as
// soon as Run returns (the next job of a micro-batch pipeline, a test that
// compares topics) sees everything Run committed. EndTxn answers once the
// commit is decided and durable; the coordinator writes the markers that
// make the records readable just after. Waiting is a courtesy, not part of
// exactly-once: on an error or after markersTimeout it logs and returns.
func (r *runner) awaitMarkers(ctx context.Context) {
	if r.stats.Commits == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, markersTimeout)
	defer cancel()
	for {
		d, err := r.adm.DescribeTransactions(ctx, r.rc.TransactionalID)
		if err != nil {
			r.log.Debug("describing the last transaction", "err", err)
			return
		}
		t, ok := d[r.rc.TransactionalID]
		if !ok || t.Err != nil {
			r.log.Debug("describing the last transaction", "found", ok, "err", t.Err)
			return
		}
		switch t.State {
		case "PrepareCommit", "PrepareAbort", "PrepareEpochFence":
		default:
			return
		}
		select {
		case <-ctx.Done():
			r.log.Warn("the last transaction's markers are not written yet; readers may see its records a little later", "state", t.State)
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}
