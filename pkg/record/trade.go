package record

// Trade is one execution between a resting and an incoming order.
type Trade struct {
	TradeID     uint64 // per-instrument sequence from 1
	Instrument  string
	Price       Fixed // the resting order's price
	Quantity    Fixed
	BuyOrderID  uint64
	SellOrderID uint64
	BuyTrader   string
	SellTrader  string
	Aggressor   Side
	Time        int64 // the instrument clock, Unix ms UTC
}
