package record

import "unicode/utf8"

// Replays of archived records hand the decoded rows to the jobs without a
// JSON round trip. A row may do so only when the round trip would change
// nothing: when OrderDecoder would give back exactly the same order from
// AppendOrderJSON(o), without an error. Other rows (an id of 0, a negative
// quantity, invalid UTF-8, ...) go through the JSON encoder and decoder as
// before, so that they are rejected for the same reasons.

// Years 0001 to 9999, which AppendTime writes and ParseTimestamp reads back.
const (
	minReplayTime = -62_135_596_800_000
	maxReplayTime = 253_402_300_799_999
	// maxReplayText bounds a replayed row's strings, far below MaxLineBytes.
	maxReplayText = 4096
)

// OrderReplays reports whether OrderDecoder decodes AppendOrderJSON(o)
// back to o (with Ticks, Lots, StopTicks and DisplayLots zero) without an
// error.
func OrderReplays(o *Order) bool {
	return validID(o.ID) && replayString(o.Instrument) && o.Instrument != "" && replayString(o.TraderID) &&
		(o.Side == Buy || o.Side == Sell || o.Side == 0 && o.Action == Cancel) &&
		o.Type <= Market && o.TIF <= DAY && o.Action <= Replace &&
		replayAmount(o.Quantity, o.Action != New) &&
		replayAmount(o.Price, o.Action != New || o.Type != Limit) &&
		replayTime(o.Time) && (o.ExpiresAt == 0 || replayTime(o.ExpiresAt)) &&
		replayAmount(o.StopPrice, true) && replayAmount(o.Display, true) && o.STP <= STPCancelBoth &&
		o.Ticks == 0 && o.Lots == 0 && o.StopTicks == 0 && o.DisplayLots == 0
}

// TradeReplays reports whether TradeDecoder decodes AppendTradeJSON(t)
// back to t without an error.
func TradeReplays(t *Trade) bool {
	return validID(t.TradeID) && validID(t.BuyOrderID) && validID(t.SellOrderID) &&
		replayString(t.Instrument) && t.Instrument != "" && replayString(t.BuyTrader) && replayString(t.SellTrader) &&
		replayAmount(t.Price, false) && replayAmount(t.Quantity, false) &&
		t.Aggressor <= Sell && replayTime(t.Time)
}

func validID(id uint64) bool { return id >= 1 && id <= 1<<63-1 }

func replayString(s string) bool { return len(s) <= maxReplayText && utf8.ValidString(s) }

// replayAmount: a price or quantity in (0, MaxValue], or 0 when it may be
// absent.
func replayAmount(f Fixed, optional bool) bool {
	return f > 0 && f <= MaxValue || f == 0 && optional
}

func replayTime(ms int64) bool { return ms >= minReplayTime && ms <= maxReplayTime }
