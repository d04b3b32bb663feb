package record

// Instrument is one line of the exchange's instruments reference.
type Instrument struct {
	Symbol   string `json:"symbol"`
	Name     string `json:"name"`
	TickSize Fixed  `json:"tick_size"`
	LotSize  Fixed  `json:"lot_size"`
	RefPrice Fixed  `json:"ref_price"`
	// BandPct is the static price band of the exchange rules: a limit
	// price further than BandPct percent from RefPrice is REJECTED
	// (PRICE_BAND). 0 (absent) is no band; else 0.01-99.99, at most two
	// decimals (whole basis points).
	BandPct Fixed `json:"band_pct"`
	// HaltPct and HaltFor are the volatility halts of the exchange rules
	// (match --session): a trade more than HaltPct percent from the last
	// call auction's price (ref_price before the first) halts the
	// instrument for HaltFor seconds, ended by a call auction. 0 (absent)
	// is no halts; else 0.01-99.99 with at most two decimals, for 1 to
	// 86400 seconds.
	HaltPct Fixed `json:"halt_pct"`
	HaltFor int64 `json:"halt_for"`
	// HaltWindow, in seconds (1 to 86400; 0, absent: none; only with
	// HaltPct and HaltFor), re-bases the halts' reference to the last
	// trade price every HaltWindow seconds of event time since the last
	// re-base or call auction, so that a halt needs a move of more than
	// HaltPct within one window (docs/CONTRACT.md, Volatility halts).
	HaltWindow int64 `json:"halt_window"`
}

// BandBP is BandPct in basis points.
func (in *Instrument) BandBP() int64 { return int64(in.BandPct / (One / 100)) }

// HaltBP is HaltPct in basis points.
func (in *Instrument) HaltBP() int64 { return int64(in.HaltPct / (One / 100)) }

// MaxHaltFor is the longest halt_for, in seconds: a day.
const MaxHaltFor = 86_400

// MaxHaltWindow is the longest halt_window, in seconds: a day.
const MaxHaltWindow = 86_400

// DefaultInstruments is the built-in reference used when no --instruments
// file (or topic) is given.
func DefaultInstruments() []Instrument {
	return []Instrument{
		{Symbol: "INFY", Name: "Infosys", TickSize: MustFixed("0.01"), LotSize: One, RefPrice: MustFixed("1500.00")},
		{Symbol: "ONGC", Name: "Oil and Natural Gas Corporation", TickSize: MustFixed("0.01"), LotSize: One, RefPrice: MustFixed("250.00")},
		{Symbol: "RIL", Name: "Reliance Industries", TickSize: MustFixed("0.01"), LotSize: One, RefPrice: MustFixed("2500.00")},
		{Symbol: "TCS", Name: "Tata Consultancy Services", TickSize: MustFixed("0.01"), LotSize: One, RefPrice: MustFixed("3500.00")},
	}
}

// InstrumentFields is the table of Instrument (the instruments reference
// and topic).
var InstrumentFields = []Field[Instrument]{
	stringField("symbol", FieldSymbol, func(in *Instrument) *string { return &in.Symbol }).required(),
	stringField("name", FieldText, func(in *Instrument) *string { return &in.Name }).omit(),
	fixedField("tick_size", func(in *Instrument) *Fixed { return &in.TickSize }).required(),
	fixedField("lot_size", func(in *Instrument) *Fixed { return &in.LotSize }).required(),
	fixedField("ref_price", func(in *Instrument) *Fixed { return &in.RefPrice }).required(),
	fixedField("band_pct", func(in *Instrument) *Fixed { return &in.BandPct }).omit(),
	fixedField("halt_pct", func(in *Instrument) *Fixed { return &in.HaltPct }).omit(),
	countField("halt_for", func(in *Instrument) *int64 { return &in.HaltFor }).omit(),
	countField("halt_window", func(in *Instrument) *int64 { return &in.HaltWindow }).omit(),
}
