package runner

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// LoadInstruments returns the instruments reference: from the file at path
// when given; else, in Kafka mode, from the compacted instruments topic;
// else (or when the topic is empty) the built-in default. Bad records of
// the topic are logged and skipped; they never fail the load.
func LoadInstruments(ctx context.Context, path string, cfg Config, log *slog.Logger) (*record.Instruments, error) {
	if path != "" {
		ins, err := record.LoadInstruments(path)
		if err != nil {
			return nil, fmt.Errorf("%w: --instruments: %v", ErrUsage, err)
		}
		return ins, nil
	}
	if cfg.KafkaMode() {
		ins, skipped, err := kafka.ReadInstruments(ctx, cfg.Kafka, cfg.Topics.Instruments)
		kafka.LogSkippedInstruments(log, cfg.Topics.Instruments, skipped)
		if err != nil {
			return nil, fmt.Errorf("read instruments topic %q: %w", cfg.Topics.Instruments, err)
		}
		if ins != nil && len(ins.List()) > 0 {
			return ins, nil
		}
		if log != nil {
			log.Warn("instruments topic is empty; using the built-in instruments", "topic", cfg.Topics.Instruments)
		}
	}
	return record.NewInstruments(record.DefaultInstruments())
}
