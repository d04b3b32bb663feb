package record

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestReplaysMatchRoundTrip checks OrderReplays and TradeReplays against
// the JSON round trip they stand for, on random records with edge values:
// a record that replays decodes back to itself from its JSON.
func TestReplaysMatchRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []uint64{0, 1, 7, 1<<63 - 1, 1 << 63, math.MaxUint64}
	amounts := []Fixed{0, 1, One, -One, MaxValue, MaxValue + 1}
	times := []int64{0, t0, -1, minReplayTime, minReplayTime - 1, maxReplayTime, maxReplayTime + 1, math.MinInt64}
	strs := []string{"", "TCS", "é", "bad\xff", "ctl\x01\"", string(make([]byte, maxReplayText+1))}
	pick := func(n int) int { return rng.IntN(n) }
	replayed := 0
	for range 20000 {
		o := Order{ID: ids[pick(len(ids))], Instrument: strs[pick(len(strs))], Side: Side(pick(4)), Type: OrderType(pick(3)),
			TIF: TimeInForce(pick(4)), Action: Action(pick(4)), Price: amounts[pick(len(amounts))], Quantity: amounts[pick(len(amounts))],
			Time: times[pick(len(times))], ExpiresAt: times[pick(len(times))], TraderID: strs[pick(len(strs))]}
		if pick(2) == 0 {
			o.StopPrice, o.Display = amounts[pick(len(amounts))], amounts[pick(len(amounts))]
			o.PostOnly, o.STP = pick(2) == 0, STP(pick(5))
		}
		var back Order
		err := DecodeOrder(AppendOrderJSON(nil, &o), &back)
		if OrderReplays(&o) {
			replayed++
			if err != nil || back != o {
				t.Fatalf("order %+v replays, but its JSON decodes to %+v, %v", o, back, err)
			}
		}
		tr := Trade{TradeID: ids[pick(len(ids))], Instrument: strs[pick(len(strs))], Price: amounts[pick(len(amounts))],
			Quantity: amounts[pick(len(amounts))], BuyOrderID: ids[pick(len(ids))], SellOrderID: ids[pick(len(ids))],
			BuyTrader: strs[pick(len(strs))], SellTrader: strs[pick(len(strs))], Aggressor: Side(pick(4)), Time: times[pick(len(times))]}
		var tb Trade
		err = DecodeTrade(AppendTradeJSON(nil, &tr), &tb)
		if TradeReplays(&tr) {
			replayed++
			if err != nil || tb != tr {
				t.Fatalf("trade %+v replays, but its JSON decodes to %+v, %v", tr, tb, err)
			}
		}
	}
	if replayed < 100 {
		t.Fatalf("only %d random records replay: the test says little", replayed)
	}
}
