package record

// Bar is the OHLC summary of one instrument's trades in [Start, End).
type Bar struct {
	Instrument string
	Start      int64 // Unix ms UTC, aligned to the bar length from the epoch
	End        int64
	Open       Fixed
	High       Fixed
	Low        Fixed
	Close      Fixed
	Volume     Fixed
	VWAP       Fixed // volume-weighted average price, rounded half-even to Scale
	Count      int64
}

// SMA is the simple moving average of bar closes in one hopping window.
type SMA struct {
	Instrument  string
	WindowStart int64 // Unix ms UTC
	WindowEnd   int64
	SMA         Fixed // mean of the closes, rounded half-even to Scale
	Bars        int64
}

// Profit is the average open and close of one instrument's bars in a window,
// their difference, and the instrument's rank among all instruments with
// bars in that window (1 = highest profit; ties broken by instrument name).
type Profit struct {
	Instrument  string
	WindowStart int64
	WindowEnd   int64
	AvgOpen     Fixed
	AvgClose    Fixed
	Profit      Fixed
	Rank        int64
	Bars        int64
}

// Reject is an input record a job could not use, with the reason. Match
// reports rejects as REJECTED events; sma and profit emit Reject records.
type Reject struct {
	Source  string // where it came from: "file:line" or "topic/partition@offset"
	Reason  string // a Reason* code
	Message string
	Raw     string
}
