package kafka

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// openOffsetsTxn leaves what a run killed between its TxnOffsetCommit and
// its EndTxn leaves: a transaction of txnID, open on the broker for
// timeout, holding offset at on partition 0 of input for group.
func openOffsetsTxn(t *testing.T, b *broker, txnID, group, input string, at int64, timeout time.Duration) {
	t.Helper()
	opts, err := b.cfg.Opts()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx := t.Context()
	init := kmsg.NewPtrInitProducerIDRequest()
	init.TransactionalID = &txnID
	init.TransactionTimeoutMillis = int32(timeout.Milliseconds())
	ir, err := init.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(ir.ErrorCode)
	}
	if err != nil {
		t.Fatalf("InitProducerId: %v", err)
	}
	add := kmsg.NewPtrAddOffsetsToTxnRequest()
	add.TransactionalID, add.ProducerID, add.ProducerEpoch, add.Group = txnID, ir.ProducerID, ir.ProducerEpoch, group
	ar, err := add.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(ar.ErrorCode)
	}
	if err != nil {
		t.Fatalf("AddOffsetsToTxn: %v", err)
	}
	commit := kmsg.NewPtrTxnOffsetCommitRequest()
	commit.TransactionalID, commit.Group, commit.ProducerID, commit.ProducerEpoch = txnID, group, ir.ProducerID, ir.ProducerEpoch
	commit.Generation = -1
	td, err := kadm.NewClient(cl).ListTopics(ctx, input)
	if err == nil {
		err = td.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	tp := kmsg.NewTxnOffsetCommitRequestTopic()
	tp.Topic, tp.TopicID = input, td[input].ID
	pp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
	pp.Partition, pp.Offset, pp.LeaderEpoch = 0, at, -1
	tp.Partitions = append(tp.Partitions, pp)
	commit.Topics = append(commit.Topics, tp)
	cr, err := commit.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("TxnOffsetCommit: %v", err)
	}
	for _, rt := range cr.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				t.Fatalf("TxnOffsetCommit %s/%d: %v", rt.Topic, rp.Partition, err)
			}
		}
	}
	// Precondition: the group's offsets are unstable now.
	fr, err := kadm.NewClient(cl).FetchOffsetsForTopics(kadm.RequireStable(ctx), group, input)
	unstable := errors.Is(err, kerr.UnstableOffsetCommit)
	if err == nil {
		unstable = errors.Is(fr[input][0].Err, kerr.UnstableOffsetCommit)
	}
	if !unstable {
		t.Fatalf("the open transaction did not make the offsets unstable (err %v, %v)", err, fr)
	}
}

// TestRunFencesItsOwnOpenTransaction: a run killed mid-commit leaves its
// transaction open, its offsets pending, until the broker's transaction
// timeout (here 5 minutes). The next run under the same transactional id
// must not wait for it: it fences the dead run (InitProducerId aborts the
// open transaction) before reading the committed offsets, and then
// finishes well inside its one-minute context, its output exactly the
// direct run's (the dead transaction's offset 1 was aborted, not
// committed: the first run's 1000 stand).
func TestRunFencesItsOwnOpenTransaction(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		if !b.real {
			t.Skip("kfake (this version) does not abort an open transaction when its transactional id is re-initialised; the real broker runs this test")
		}
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 1000)
		rc := b.runConfig(in, out, group)
		if _, err := Run(runCtx(t), b.cfg, rc); err != nil {
			t.Fatal(err)
		}
		b.produceInput(t, in, 1000, 1000)
		openOffsetsTxn(t, b, rc.TransactionalID, group, in, 1, 5*time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		st, err := Run(ctx, b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn != 1000 {
			t.Fatalf("second run processed %d records, want the 1000 new ones", st.RecordsIn)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}
