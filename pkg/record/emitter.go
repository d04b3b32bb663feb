package record

import "log/slog"

// Emitter receives the records a job's core produces. Sinks (JSON Lines
// files, Kafka topics, Arrow micro-batches) implement it. The record is only
// valid for the duration of the call: a sink that keeps one copies it. A
// sink ignores the kinds it does not carry.
type Emitter interface {
	Emit(Record)
}

// Discard is an Emitter that drops everything.
type Discard struct{}

// Emit drops r.
func (Discard) Emit(Record) {}

// Fanout sends every record to each of its emitters in turn.
type Fanout []Emitter

// Emit sends r to each emitter.
func (f Fanout) Emit(r Record) {
	for _, e := range f {
		e.Emit(r)
	}
}

// Counts tallies records by kind.
type Counts struct {
	ByKind [NumKinds]int64
	// Rejected counts REJECTED execution reports among the events: they
	// are rejects as well as events.
	Rejected int64
}

// Add counts r.
func (c *Counts) Add(r Record) {
	k := r.Kind()
	c.ByKind[k]++
	if k == KindEvent && r.(*Event).Type == Rejected {
		c.Rejected++
	}
}

// AddCounts adds o to c.
func (c *Counts) AddCounts(o Counts) {
	for k, n := range o.ByKind {
		c.ByKind[k] += n
	}
	c.Rejected += o.Rejected
}

// Total is the number of records of every kind.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c.ByKind {
		n += v
	}
	return n
}

// Rejects is the number of reject records plus REJECTED events.
func (c Counts) Rejects() int64 { return c.ByKind[KindReject] + c.Rejected }

// LogValue logs the non-zero counts under the kinds' names.
func (c Counts) LogValue() slog.Value {
	var as []slog.Attr
	for k, n := range c.ByKind {
		if n != 0 {
			as = append(as, slog.Int64(Kind(k).String(), n))
		}
	}
	return slog.GroupValue(as...)
}
