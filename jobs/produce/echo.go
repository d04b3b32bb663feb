package produce

import (
	"bufio"
	"io"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// echo writes one human line per order, e.g.
// "ORDER #1000001 TCS BUY 5.0 @ 3500.25 LIMIT GTC trader T007 2023-03-13T09:15:00.042Z".
type echo struct {
	w   *bufio.Writer
	buf []byte
}

func newEcho(w io.Writer, quiet bool) *echo {
	if quiet || w == nil {
		return &echo{}
	}
	return &echo{w: bufio.NewWriterSize(w, 32<<10)}
}

func (e *echo) order(o *record.Order) {
	if e.w == nil {
		return
	}
	b := append(e.buf[:0], "ORDER #"...)
	b = strconv.AppendUint(b, o.ID, 10)
	b = append(b, ' ')
	b = append(b, o.Instrument...)
	b = append(b, ' ')
	if o.Action != record.New {
		b = append(b, o.Action.String()...)
		b = append(b, ' ')
	}
	if o.Side != 0 {
		b = append(b, o.Side.String()...)
		b = append(b, ' ')
	}
	if o.Quantity != 0 {
		b = o.Quantity.AppendText(b)
	}
	if o.Price != 0 {
		b = append(b, " @ "...)
		b = o.Price.AppendText(b)
	}
	if o.Action == record.New {
		b = append(b, ' ')
		b = append(b, o.Type.String()...)
		b = append(b, ' ')
		b = append(b, o.TIF.String()...)
	}
	if o.TraderID != "" {
		b = append(b, " trader "...)
		b = append(b, o.TraderID...)
	}
	b = append(b, ' ')
	b = record.AppendTime(b, o.Time)
	if o.ExpiresAt != 0 {
		b = append(b, " expires "...)
		b = record.AppendTime(b, o.ExpiresAt)
	}
	b = append(b, '\n')
	e.buf = b
	_, _ = e.w.Write(b)
}

func (e *echo) flush() {
	if e.w != nil {
		_ = e.w.Flush()
	}
}
