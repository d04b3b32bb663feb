package kafka

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Bounds of the pause before a restarted run attempt: it doubles from
// restartBackoff after each transient failure in a row, up to
// maxRestartBackoff.
const (
	defaultRestartBackoff = 2 * time.Second
	maxRestartBackoff     = 30 * time.Second
)

// runMember runs one member of the group, thread i of this process. A run
// attempt that ends with a transient error (transient) is closed
// completely and, after a backoff, replaced by a fresh one, as a process
// restart would (see the package doc), at most rc.Restarts times in a row;
// an attempt that committed a transaction resets the count. The stats
// are summed over the attempts.
func runMember(ctx context.Context, cfg Config, rc RunConfig, i int) (Stats, error) {
	var st Stats
	inARow := 0
	for {
		before := st.Commits
		var err error
		st, err = runAttempt(ctx, cfg, rc, i, st)
		if err == nil || ctx.Err() != nil || !transient(err) {
			return st, err
		}
		if st.Commits > before {
			inARow = 0
		}
		if inARow >= rc.Restarts {
			return st, err
		}
		inARow++
		wait := restartDelay(rc.restartBackoff, inARow)
		rc.Logger.Warn("run failed with a transient error; restarting it with new clients from the committed state",
			"job", rc.Job, "group", rc.Group, "input", rc.Input, "thread", i,
			"restart", inARow, "of", rc.Restarts, "backoff", wait, "err", err)
		if len(rc.Batches) > 0 {
			// A new process starts with empty buffers; the staged files
			// are recovered when the fresh attempt restores its partitions.
			if derr := rc.Batches[i].Discard(nil); derr != nil {
				return st, errors.Join(err, derr)
			}
		}
		select {
		case <-ctx.Done():
			return st, err
		case <-time.After(wait):
		}
		st.Restarts++
		rc.Metrics.Restart()
	}
}

// restartDelay is the pause before the n-th restart in a row (from 1).
func restartDelay(base time.Duration, n int) time.Duration {
	d := base
	for ; n > 1 && d < maxRestartBackoff; n-- {
		d *= 2
	}
	return min(d, maxRestartBackoff)
}

// transient reports whether a run attempt that failed with err may be
// redone by a fresh runner: a failed produce, a broker or the network
// unavailable (dial errors, EOF, timeouts, coordinator moves), or a
// transaction whose end failed so that its outcome is unknown. Errors of
// the configuration, the state, the stop rule, the batch files and the
// processors are not, nor are a fenced producer or static member (another
// instance owns the id) and refused authorization.
func transient(err error) bool {
	if ke, ok := errors.AsType[*kerr.Error](err); ok && !restartable(ke) {
		return false
	}
	var m *restartMark
	switch {
	case errors.Is(err, ErrConfig), errors.Is(err, ErrStateMismatch), errors.Is(err, ErrGlobalSplit),
		errors.Is(err, ErrIncomplete), errors.Is(err, context.Canceled), errors.Is(err, errPermanent):
		return false
	case errors.As(err, &m), errors.Is(err, ErrProduce), kerr.IsRetriable(err), lostMembership(err):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var oe *net.OpError
	var de *net.DNSError
	return errors.As(err, &oe) || errors.As(err, &de)
}

// lostMembership reports a group session the coordinator ended: the
// member timed out (a broker or this process frozen past the session
// timeout) or a rebalance moved on without it. A fresh runner joins
// again.
func lostMembership(err error) bool {
	return errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration) ||
		errors.Is(err, kerr.StaleMemberEpoch) || errors.Is(err, kerr.RebalanceInProgress)
}

// restartable reports whether a broker error code leaves room for a
// restart: not a fence (another instance took over the transactional or
// static instance id), a refused authorization or a record the broker
// will always refuse.
func restartable(e *kerr.Error) bool {
	switch e {
	case kerr.ProducerFenced, kerr.InvalidProducerEpoch, kerr.FencedInstanceID, kerr.TransactionalIDAuthorizationFailed,
		kerr.GroupAuthorizationFailed, kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed,
		kerr.SaslAuthenticationFailed, kerr.IllegalSaslState, kerr.UnsupportedSaslMechanism,
		kerr.MessageTooLarge, kerr.RecordListTooLarge, kerr.InvalidRecord:
		return false
	}
	return true
}

// errPermanent marks an error that a restart must not retry (the batch
// files could not be written), whatever else it joins.
var errPermanent = errors.New("not restartable")

// restartMark marks an error as transient without changing its text: a
// transaction whose end failed, its outcome unknown.
type restartMark struct{ err error }

func (m *restartMark) Error() string { return m.err.Error() }
func (m *restartMark) Unwrap() error { return m.err }

// permanentMark marks an error as not restartable without changing its
// text.
type permanentMark struct{ err error }

func (m *permanentMark) Error() string   { return m.err.Error() }
func (m *permanentMark) Unwrap() []error { return []error{m.err, errPermanent} }
