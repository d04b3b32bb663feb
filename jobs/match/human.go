package match

import (
	"bufio"
	"io"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// HumanLines writes one readable line per trade, showing both orders
// behind it, and one per rejected order. It is an Emitter for stderr.
type HumanLines struct {
	record.Discard
	w   *bufio.Writer
	buf []byte
}

// NewHumanLines writes lines to w; call Flush (or rely on line flushing).
func NewHumanLines(w io.Writer) *HumanLines {
	return &HumanLines{w: bufio.NewWriterSize(w, 4096)}
}

// Trade writes e.g. "TRADE TCS #12  5.0 @ 15.0  BUY #1000001 (t01) x SELL #1000002 (t07)  aggressor BUY  2023-03-12T23:48:37Z".
func (h *HumanLines) Trade(t *record.Trade) {
	b := append(h.buf[:0], "TRADE "...)
	b = append(b, t.Instrument...)
	b = append(b, " #"...)
	b = strconv.AppendUint(b, t.TradeID, 10)
	b = append(b, "  "...)
	b = t.Quantity.AppendText(b)
	b = append(b, " @ "...)
	b = t.Price.AppendText(b)
	b = append(b, "  BUY #"...)
	b = strconv.AppendUint(b, t.BuyOrderID, 10)
	b = appendTrader(b, t.BuyTrader)
	b = append(b, " x SELL #"...)
	b = strconv.AppendUint(b, t.SellOrderID, 10)
	b = appendTrader(b, t.SellTrader)
	b = append(b, "  aggressor "...)
	b = append(b, t.Aggressor.String()...)
	b = append(b, "  "...)
	b = record.AppendTime(b, t.Time)
	h.line(b)
}

// Event writes a line for REJECTED reports only.
func (h *HumanLines) Event(e *record.Event) {
	if e.Type != record.Rejected {
		return
	}
	b := append(h.buf[:0], "REJECT "...)
	if e.Instrument != "" {
		b = append(b, e.Instrument...)
		b = append(b, ' ')
	}
	b = append(b, "order #"...)
	b = strconv.AppendUint(b, e.OrderID, 10)
	b = append(b, "  "...)
	b = append(b, e.Reason...)
	b = append(b, ": "...)
	b = append(b, e.Message...)
	h.line(b)
}

func (h *HumanLines) line(b []byte) {
	b = append(b, '\n')
	h.buf = b
	_, _ = h.w.Write(b)
	if h.w.Buffered() > 2048 {
		_ = h.w.Flush()
	}
}

// Flush writes out buffered lines.
func (h *HumanLines) Flush() error { return h.w.Flush() }

func appendTrader(b []byte, id string) []byte {
	if id == "" {
		return b
	}
	b = append(b, " ("...)
	b = append(b, id...)
	return append(b, ')')
}
