package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/record"
)

// PublishInstruments writes the instruments reference to topic (compacted,
// one record per instrument, keyed by symbol), creating the topic if needed.
func PublishInstruments(ctx context.Context, cfg Config, topic string, list []record.Instrument) error {
	if err := CreateTopics(ctx, cfg, []string{topic}, 1, -1, map[string]bool{topic: true}); err != nil {
		return err
	}
	p, err := NewProducer(cfg, ProducerConfig{})
	if err != nil {
		return err
	}
	defer p.Close()
	for i := range list {
		p.Produce(topic, []byte(list[i].Symbol), record.AppendInstrumentJSON(nil, &list[i]))
	}
	if err := p.Flush(ctx); err != nil {
		return fmt.Errorf("publishing instruments to %s: %w", topic, err)
	}
	return nil
}

// SkippedInstrument is an instruments record that ReadInstruments did not
// apply, with the reason: the symbol's previous good value (if any) stays
// in force.
type SkippedInstrument struct {
	Key       string
	Partition int32
	Offset    int64
	Reason    string // a record.Reason* code
	Message   string // what was expected and what was received
}

// LogValue makes slog log a skipped record as a group.
func (s SkippedInstrument) LogValue() slog.Value {
	return slog.GroupValue(slog.String("key", s.Key), slog.Int("partition", int(s.Partition)),
		slog.Int64("offset", s.Offset), slog.String("reason", s.Reason), slog.String("message", s.Message))
}

// ReadInstruments reads the instruments reference from topic, record by
// record in offset order per partition: a good record sets its symbol, a
// null value (tombstone) deletes it, and a bad record (undecodable, tick
// 0, lot -1, a key other than its symbol, ...) is skipped and reported,
// leaving that symbol's last good value in force. One bad record never
// fails the load. A keyless record counts under its symbol. An empty topic
// gives a nil reference and no error: the caller picks its default. A
// topic whose records leave no instrument at all is an error. The topic is
// compacted: once the cleaner has run, a bad record is the only one left
// for its key and the symbol is then absent (its orders are
// UNKNOWN_INSTRUMENT and its resting orders INSTRUMENT_REMOVED) until a
// good record is published again.
func ReadInstruments(ctx context.Context, cfg Config, topic string) (*record.Instruments, []SkippedInstrument, error) {
	latest := map[string]record.Instrument{}
	var skipped []SkippedInstrument
	records := 0
	err := ReadAll(ctx, cfg, topic, func(r *kgo.Record) {
		records++
		key := string(r.Key)
		skip := func(reason, msg string) {
			skipped = append(skipped, SkippedInstrument{Key: key, Partition: r.Partition, Offset: r.Offset, Reason: reason, Message: msg})
		}
		if r.Value == nil {
			if key == "" {
				skip(record.ReasonMissingField, "key: expected the symbol of the instrument to delete, got a keyless tombstone")
				return
			}
			delete(latest, key)
			return
		}
		var in record.Instrument
		if err := record.DecodeInstrument(r.Value, &in); err != nil {
			var re *record.Error
			if errors.As(err, &re) {
				skip(re.Reason, re.Message)
			} else {
				skip(record.ReasonBadJSON, err.Error())
			}
			return
		}
		if key != "" && key != in.Symbol {
			skip(record.ReasonKeyMismatch, fmt.Sprintf("key: expected the symbol %q, got %q", in.Symbol, key))
			return
		}
		latest[in.Symbol] = in
	})
	if err != nil {
		return nil, skipped, fmt.Errorf("loading instruments from %s: %w", topic, err)
	}
	if records == 0 {
		return nil, nil, nil // an empty topic: the caller picks its default
	}
	list := make([]record.Instrument, 0, len(latest))
	for _, in := range latest {
		list = append(list, in) // NewInstruments sorts by symbol
	}
	if len(list) == 0 {
		return nil, skipped, fmt.Errorf("loading instruments from %s: expected at least one valid instrument, got %d records (%d skipped) and none in force", topic, records, len(skipped))
	}
	s, err := record.NewInstruments(list)
	if err != nil {
		return nil, skipped, fmt.Errorf("loading instruments from %s: %w", topic, err)
	}
	return s, skipped, nil
}

// LogSkippedInstruments logs one warning per skipped instruments record.
func LogSkippedInstruments(log *slog.Logger, topic string, skipped []SkippedInstrument) {
	if log == nil {
		return
	}
	for _, s := range skipped {
		log.Warn("instruments record skipped; the symbol's last good value stays in force", "topic", topic, "record", s)
	}
}
