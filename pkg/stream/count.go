package stream

import "github.com/bourse/bourse/pkg/record"

// Counter is an Emitter that counts what passes through it to Next.
type Counter struct {
	Next record.Emitter
	record.Counts
}

// Emit counts r and passes it on.
func (c *Counter) Emit(r record.Record) {
	c.Add(r)
	c.Next.Emit(r)
}
