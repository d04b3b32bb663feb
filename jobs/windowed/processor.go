package windowed

import (
	"errors"
	"fmt"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
	"github.com/bourse/bourse/pkg/window"
)

// Processor turns trades into bars, SMA or profit windows.
type Processor struct {
	eng   *window.Engine
	dec   record.TradeDecoder
	trade record.Trade
	rej   record.Reject
}

// New makes a processor; cfg must be valid. The instruments in expect are
// waited for before a window is ranked (see window.Engine.Expect).
func New(cfg window.Config, opt window.Options, expect []string) (*Processor, error) {
	eng, err := window.New(cfg, opt)
	if err != nil {
		return nil, err
	}
	eng.Expect(expect...)
	return &Processor{eng: eng}, nil
}

// Factory returns a stream.Factory for cfg and opt; cfg must be valid
// (checked by the job's Config.Validate).
func Factory(cfg window.Config, opt window.Options, expect []string) stream.Factory {
	return func(int32) stream.Processor {
		p, err := New(cfg, opt, expect)
		if err != nil {
			panic(fmt.Sprintf("windowed: config was not validated: %v", err))
		}
		return p
	}
}

// Process decodes one trade and adds it to the windows.
func (p *Processor) Process(rec *stream.Record, out record.Emitter) {
	t := &p.trade
	if d, ok := rec.Decoded.(*record.Trade); ok {
		*t = *d
		p.eng.Add(t, out)
		return
	}
	if err := p.dec.Decode(rec.Value, t); err != nil {
		r := &p.rej
		*r = record.Reject{Source: source(rec), Reason: record.ReasonBadJSON, Message: err.Error()}
		var re *record.Error
		if errors.As(err, &re) {
			r.Reason, r.Message = re.Reason, re.Message
		}
		r.Raw = record.RawText(rec.Value)
		out.Emit(r)
		return
	}
	p.eng.Add(t, out)
}

// Flush emits every open bar and window.
func (p *Processor) Flush(out record.Emitter) { p.eng.Flush(out) }

// End does nothing: a bounded run keeps its open windows for the next.
func (p *Processor) End(record.Emitter) {}

// Late is the number of trades that came after their window was emitted.
func (p *Processor) Late() int64 { return p.eng.Late() }

// Snapshot encodes the engine's state.
func (p *Processor) Snapshot(dst []byte) []byte { return p.eng.Snapshot(dst) }

// Restore replaces the engine's state.
func (p *Processor) Restore(src []byte) error { return p.eng.Restore(src) }

func source(rec *stream.Record) string {
	if rec.Source == "" {
		return fmt.Sprintf("p%d@%d", rec.Partition, rec.Offset)
	}
	return fmt.Sprintf("%s/%d@%d", rec.Source, rec.Partition, rec.Offset)
}
