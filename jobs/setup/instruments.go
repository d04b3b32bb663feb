package setup

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// InstrumentsFrom says where a job reads the instruments reference.
type InstrumentsFrom struct {
	File  string       // --instruments: a CSV or JSON file; used when set
	Kafka kafka.Config // with brokers, and Topic set: the topic is read
	Topic string       // the compacted instruments topic
}

// LoadInstruments returns the instruments reference: from the file when
// one is given (a bad file is a UsageError of --instruments); else, with
// brokers and a topic, from the compacted instruments topic; else (or
// when the topic is empty) the built-in default. Bad records of the topic
// are logged on log (when not nil) and skipped; they never fail the load.
func LoadInstruments(ctx context.Context, from InstrumentsFrom, log *slog.Logger) (*record.Instruments, error) {
	if from.File != "" {
		ins, err := record.LoadInstruments(from.File)
		if err != nil {
			return nil, Usage("--instruments", err)
		}
		return ins, nil
	}
	if len(from.Kafka.Brokers) > 0 && from.Topic != "" {
		ins, skipped, err := kafka.ReadInstruments(ctx, from.Kafka, from.Topic)
		kafka.LogSkippedInstruments(log, from.Topic, skipped)
		if err != nil {
			return nil, fmt.Errorf("read instruments topic %q: %w", from.Topic, err)
		}
		if ins != nil && ins.Len() > 0 {
			return ins, nil
		}
		if log != nil {
			log.Warn("instruments topic is empty; using the built-in instruments", "topic", from.Topic)
		}
	}
	return record.NewInstruments(record.DefaultInstruments())
}
