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

// BarFields is the table of Bar.
var BarFields = []Field[Bar]{
	stringField("instrument", FieldSymbol, func(b *Bar) *string { return &b.Instrument }).required(),
	timeField("bar_start", func(b *Bar) *int64 { return &b.Start }).required(),
	timeField("bar_end", func(b *Bar) *int64 { return &b.End }).required(),
	fixedField("open", func(b *Bar) *Fixed { return &b.Open }),
	fixedField("high", func(b *Bar) *Fixed { return &b.High }),
	fixedField("low", func(b *Bar) *Fixed { return &b.Low }),
	fixedField("close", func(b *Bar) *Fixed { return &b.Close }),
	fixedField("volume", func(b *Bar) *Fixed { return &b.Volume }),
	fixedField("vwap", func(b *Bar) *Fixed { return &b.VWAP }),
	countField("count", func(b *Bar) *int64 { return &b.Count }),
}

// SMAFields is the table of SMA.
var SMAFields = []Field[SMA]{
	stringField("instrument", FieldSymbol, func(s *SMA) *string { return &s.Instrument }).required(),
	timeField("window_start", func(s *SMA) *int64 { return &s.WindowStart }).required(),
	timeField("window_end", func(s *SMA) *int64 { return &s.WindowEnd }).required(),
	fixedField("sma", func(s *SMA) *Fixed { return &s.SMA }),
	countField("bars", func(s *SMA) *int64 { return &s.Bars }),
}

// ProfitFields is the table of Profit.
var ProfitFields = []Field[Profit]{
	stringField("instrument", FieldSymbol, func(p *Profit) *string { return &p.Instrument }).required(),
	timeField("window_start", func(p *Profit) *int64 { return &p.WindowStart }).required(),
	timeField("window_end", func(p *Profit) *int64 { return &p.WindowEnd }).required(),
	fixedField("avg_open", func(p *Profit) *Fixed { return &p.AvgOpen }),
	fixedField("avg_close", func(p *Profit) *Fixed { return &p.AvgClose }),
	fixedField("profit", func(p *Profit) *Fixed { return &p.Profit }),
	countField("rank", func(p *Profit) *int64 { return &p.Rank }),
	countField("bars", func(p *Profit) *int64 { return &p.Bars }),
}

// RejectFields is the table of Reject.
var RejectFields = []Field[Reject]{
	stringField("source", FieldText, func(r *Reject) *string { return &r.Source }).omit(),
	stringField("reason", FieldSymbol, func(r *Reject) *string { return &r.Reason }).required(),
	stringField("message", FieldText, func(r *Reject) *string { return &r.Message }).omit(),
	stringField("raw", FieldText, func(r *Reject) *string { return &r.Raw }).omit(),
}
