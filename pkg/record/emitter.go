package record

// Emitter receives the records a job's core produces. Sinks (JSON Lines
// files, Kafka topics, Arrow micro-batches) implement it. The pointers are
// only valid for the duration of the call: a sink that keeps a record copies
// it. A sink ignores the kinds it does not carry.
type Emitter interface {
	Trade(*Trade)
	Event(*Event)
	Bar(*Bar)
	SMA(*SMA)
	Profit(*Profit)
	Reject(*Reject)
	BookUpdate(*BookUpdate)
	BookSnapshot(*BookSnapshot)
}

// Discard is an Emitter that drops everything.
type Discard struct{}

func (Discard) Trade(*Trade)               {}
func (Discard) Event(*Event)               {}
func (Discard) Bar(*Bar)                   {}
func (Discard) SMA(*SMA)                   {}
func (Discard) Profit(*Profit)             {}
func (Discard) Reject(*Reject)             {}
func (Discard) BookUpdate(*BookUpdate)     {}
func (Discard) BookSnapshot(*BookSnapshot) {}

// Fanout sends every record to each of its emitters in turn.
type Fanout []Emitter

func (f Fanout) Trade(t *Trade) {
	for _, e := range f {
		e.Trade(t)
	}
}
func (f Fanout) Event(v *Event) {
	for _, e := range f {
		e.Event(v)
	}
}
func (f Fanout) Bar(b *Bar) {
	for _, e := range f {
		e.Bar(b)
	}
}
func (f Fanout) SMA(s *SMA) {
	for _, e := range f {
		e.SMA(s)
	}
}
func (f Fanout) Profit(p *Profit) {
	for _, e := range f {
		e.Profit(p)
	}
}
func (f Fanout) Reject(r *Reject) {
	for _, e := range f {
		e.Reject(r)
	}
}
func (f Fanout) BookUpdate(u *BookUpdate) {
	for _, e := range f {
		e.BookUpdate(u)
	}
}
func (f Fanout) BookSnapshot(s *BookSnapshot) {
	for _, e := range f {
		e.BookSnapshot(s)
	}
}
