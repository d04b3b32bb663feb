package kafka

import (
	"context"
	"fmt"

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

// LoadInstruments reads the instruments reference from topic: the latest
// value per symbol wins, a null value deletes the symbol. An empty topic
// gives (nil, nil): the caller falls back to its default.
func LoadInstruments(ctx context.Context, cfg Config, topic string) (*record.Instruments, error) {
	latest := map[string][]byte{}
	var order []string
	err := ReadAll(ctx, cfg, topic, func(r *kgo.Record) {
		k := string(r.Key)
		if _, seen := latest[k]; !seen {
			order = append(order, k)
		}
		latest[k] = r.Value
	})
	if err != nil {
		return nil, fmt.Errorf("loading instruments from %s: %w", topic, err)
	}
	if len(order) == 0 {
		return nil, nil // an empty topic: the caller picks its default
	}
	var list []record.Instrument
	for _, k := range order {
		v := latest[k]
		if v == nil {
			continue
		}
		var in record.Instrument
		if err := record.DecodeInstrument(v, &in); err != nil {
			return nil, fmt.Errorf("loading instruments from %s: key %q: %w", topic, k, err)
		}
		list = append(list, in)
	}
	s, err := record.NewInstruments(list)
	if err != nil {
		return nil, fmt.Errorf("loading instruments from %s: %w", topic, err)
	}
	return s, nil
}
