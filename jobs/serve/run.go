package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// topicSink sends orders to the orders topic with the idempotent producer,
// waiting for the acknowledgement.
type topicSink struct {
	p     *kafka.Producer
	topic string
}

// sendWait bounds each Send. The idempotent producer may still hold a
// record already in flight after it (it waits for the broker's answer, so
// as not to break its sequence): Send then returns only once that is known.
const sendWait = 10 * time.Second

func (t topicSink) Send(ctx context.Context, key, value []byte) error {
	ctx, cancel := context.WithTimeout(ctx, sendWait)
	defer cancel()
	return t.p.ProduceSync(ctx, t.topic, key, value)
}

// TopicKinds maps the topics the server follows to the kinds they carry.
func TopicKinds(t kafka.Topics) map[string]record.Kind {
	m := map[string]record.Kind{}
	for k, name := range t.Out {
		if name != "" && streamNames[k].event != "" {
			m[name] = record.Kind(k)
		}
	}
	return m
}

// Run serves until ctx is done: it follows the output topics from the
// start (read_committed) into the view and the stream, and answers HTTP on
// cfg.Addr. It returns nil after a clean shutdown.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if log == nil {
		log = slog.Default()
	}
	ins, err := setup.LoadInstruments(ctx, setup.InstrumentsFrom{File: cfg.Instruments, Kafka: cfg.Kafka, Topic: cfg.Topics.Instruments}, log)
	if err != nil {
		return err
	}
	if was, changed, err := TightenMode(cfg.Tokens); err != nil {
		log.Warn("the tokens file is readable by others", "err", err)
	} else if changed {
		log.Warn("the tokens file was readable by others; changed its mode to 0600", "file", cfg.Tokens, "was", fmtMode(was))
	}
	tokens, err := LoadTokens(cfg.Tokens)
	if err != nil {
		return setup.Usage("--tokens", err)
	}
	if tokens.Len() == 0 {
		log.Warn("the tokens file has no tokens: every API call will be refused; add one with `bourse serve token add`", "file", cfg.Tokens)
	}
	p, err := kafka.NewProducer(cfg.Kafka, kafka.ProducerConfig{Linger: time.Millisecond})
	if err != nil {
		return fmt.Errorf("order producer: %w", err)
	}
	defer p.Close()
	srv, err := New(cfg, ins, tokens, topicSink{p, cfg.Topics.Orders}, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3)
	kinds := TopicKinds(cfg.Topics)
	topics := make([]string, 0, len(kinds))
	for t := range kinds {
		topics = append(topics, t)
	}
	go func() {
		errc <- kafka.Tail(ctx, cfg.Kafka, topics, true, func(topic string, _, value []byte, _ int32, _, _ int64) {
			srv.Ingest(kinds[topic], value)
		})
	}()
	go watchTokens(ctx, cfg.Tokens, cfg.TokenCheck, tokens, log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "topics", topics, "orders_topic", cfg.Topics.Orders,
		"tokens", tokens.Len(), "instruments", ins.Len(), "kafka", cfg.Kafka)
	go progress(ctx, srv, log)
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	case runErr = <-served:
		served <- nil
	}
	cancel()
	if err := <-served; err != nil && runErr == nil { // Serve has shut down
		runErr = err
	}
	if runErr != nil {
		runErr = fmt.Errorf("serve: %w", runErr)
	}
	return runErr
}

// watchTokens reloads the tokens file when its modification time or size
// changes (a rotated Kubernetes Secret), keeping the old tokens when the new
// file does not parse.
func watchTokens(ctx context.Context, path string, every time.Duration, tokens *Tokens, log *slog.Logger) {
	if every <= 0 {
		return
	}
	stat := func() (time.Time, int64) {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}, -1
		}
		return fi.ModTime(), fi.Size()
	}
	mt, sz := stat()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		m, s := stat()
		if m.Equal(mt) && s == sz {
			continue
		}
		mt, sz = m, s
		u, err := LoadTokens(path)
		if err != nil {
			log.Error("tokens file changed but does not load; keeping the previous tokens", "err", err)
			continue
		}
		tokens.replace(u)
		log.Info("tokens reloaded", "file", path, "tokens", u.Len())
	}
}

// fmtMode writes a permission as 0644.
func fmtMode(m os.FileMode) string { return fmt.Sprintf("%#o", m.Perm()) }

// progress logs the records ingested every 10 seconds when it changes.
func progress(ctx context.Context, s *Server, log *slog.Logger) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	var last int64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n := s.ingested.Load(); n != last {
			log.Info("view", "records", n, "records_per_s", float64(n-last)/10, "bad_records", s.bad.Load(), "last_event_id", s.hub.Last(),
				"connections", s.connsOpen(), "refused_connections", s.connsRefused(), "streams", s.openStreams.Load(),
				"stalled_streams", s.stalled.Load(), "revoked_streams", s.revoked.Load())
			last = n
		}
	}
}
