package kafka

import (
	"context"
	"fmt"
	"time"
)

// fenceTimeout bounds loading the producer id (the transaction
// coordinator may be loading after a broker restart).
const fenceTimeout = 30 * time.Second

// fence makes sure no transaction of this instance's transactional id is
// left open on the broker. An open transaction's offsets stay unstable
// until it ends, and the group consumer fetches the committed offsets of
// every partition it is assigned with RequireStable (KIP-447): it waits
// until the broker's transaction timeout aborts the transaction. Two
// leave one open:
//   - a run killed mid-transaction (a pod killed, a static member
//     restarted): the next run under the same id fences it before it
//     joins the group; loading the producer id (InitProducerId) bumps
//     the epoch and aborts the dead run's transaction at once;
//   - a transaction ended without EndTxn: after a broker outage the
//     client may end an unconfirmed transaction by flagging its producer
//     id for reload, the reload being the abort. The client reloads at its
//     next produce, which comes only after the rejoin's offset fetch that
//     the open transaction blocks; the runner reloads right after every
//     transaction that did not commit instead.
//
// When the producer id is loaded and sound, fence asks nothing of the
// broker.
func (r *runner) fence(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, fenceTimeout)
	defer cancel()
	if _, _, err := r.sess.Client().ProducerID(ctx); err != nil {
		return fmt.Errorf("run %s: loading the producer id of transactional id %s (fencing its previous transactions): %w", r.rc.Job, r.rc.TransactionalID, err)
	}
	return nil
}
