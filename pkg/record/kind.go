package record

// Kind is a kind of output record. Every sink, topic, dataset, counter and
// file output of bourse is indexed by Kind; kinds lists what each one is.
type Kind uint8

// The output kinds, in the order of kinds.
const (
	KindTrade Kind = iota
	KindEvent
	KindBar
	KindSMA
	KindProfit
	KindReject
	// KindBook and KindBookSnapshot are match's market data feed.
	KindBook
	KindBookSnapshot
	// KindStatus is match's trading phase changes (sessions and halts).
	KindStatus
	// NumKinds is the number of kinds: arrays indexed by Kind have this length.
	NumKinds
)

// KindInfo describes one output kind.
type KindInfo struct {
	// Name is the kind in metrics (the kind label), Stats and logs.
	Name string
	// Label is the plural the run summary prints.
	Label string
	// Topic is the default Kafka topic.
	Topic string
	// Flag names the CLI flag of the topic, which is also its config-file
	// key and, upper-cased, its BOURSE_ environment variable; Help is that
	// flag's help.
	Flag, Help string
	// Dataset is the Arrow/Parquet dataset (a directory of the batch dir
	// and the archive); "" = not kept.
	Dataset string
}

// kinds is the one definition of every output kind.
var kinds = [NumKinds]KindInfo{
	KindTrade:        {"trade", "trades", "trades", "trades-topic", "trades topic", "trades"},
	KindEvent:        {"event", "events", "order-events", "events-topic", "execution reports topic", "events"},
	KindBar:          {"bar", "bars", "bars", "bars-topic", "bars topic", "bars"},
	KindSMA:          {"sma", "sma", "sma", "sma-topic", "SMA topic", "sma"},
	KindProfit:       {"profit", "profit", "profit", "profit-topic", "profit topic", "profit"},
	KindReject:       {"reject", "rejects", "bourse-rejects", "rejects-topic", "rejected input records topic", "rejects"},
	KindBook:         {"book", "book updates", "book", "book-topic", "book updates topic (match's market data feed)", "book"},
	KindBookSnapshot: {"book_snapshot", "book snapshots", "book-snapshots", "book-snapshots-topic", "compacted book snapshots topic", ""},
	KindStatus:       {"status", "statuses", "instrument-status", "status-topic", "trading phase changes topic (match with --session or halts)", "status"},
}

// Info returns what k is.
func (k Kind) Info() KindInfo { return kinds[k] }

// String returns k's name ("trade").
func (k Kind) String() string {
	if k < NumKinds {
		return kinds[k].Name
	}
	return "unknown"
}

// Record is an output record: one of *Trade, *Event, *Bar, *SMA, *Profit,
// *Reject, *BookUpdate, *BookSnapshot, *Status.
type Record interface {
	Kind() Kind
	// Key is the record's Kafka key: its instrument, or "" for none.
	Key() string
	// AppendJSON appends the record's JSON encoding (docs/CONTRACT.md).
	AppendJSON(b []byte) []byte
}

// The Record methods of each output type: Key is the instrument, except for
// a reject, which has no trustworthy instrument and goes unkeyed.

func (t *Trade) Kind() Kind                 { return KindTrade }
func (t *Trade) Key() string                { return t.Instrument }
func (t *Trade) AppendJSON(b []byte) []byte { return AppendTradeJSON(b, t) }

func (e *Event) Kind() Kind                 { return KindEvent }
func (e *Event) Key() string                { return e.Instrument }
func (e *Event) AppendJSON(b []byte) []byte { return AppendEventJSON(b, e) }

func (r *Bar) Kind() Kind                 { return KindBar }
func (r *Bar) Key() string                { return r.Instrument }
func (r *Bar) AppendJSON(b []byte) []byte { return AppendBarJSON(b, r) }

func (s *SMA) Kind() Kind                 { return KindSMA }
func (s *SMA) Key() string                { return s.Instrument }
func (s *SMA) AppendJSON(b []byte) []byte { return AppendSMAJSON(b, s) }

func (p *Profit) Kind() Kind                 { return KindProfit }
func (p *Profit) Key() string                { return p.Instrument }
func (p *Profit) AppendJSON(b []byte) []byte { return AppendProfitJSON(b, p) }

func (r *Reject) Kind() Kind                 { return KindReject }
func (r *Reject) Key() string                { return "" }
func (r *Reject) AppendJSON(b []byte) []byte { return AppendRejectJSON(b, r) }

func (u *BookUpdate) Kind() Kind                 { return KindBook }
func (u *BookUpdate) Key() string                { return u.Instrument }
func (u *BookUpdate) AppendJSON(b []byte) []byte { return AppendBookUpdateJSON(b, u) }

func (s *BookSnapshot) Kind() Kind                 { return KindBookSnapshot }
func (s *BookSnapshot) Key() string                { return s.Instrument }
func (s *BookSnapshot) AppendJSON(b []byte) []byte { return AppendBookSnapshotJSON(b, s) }

func (s *Status) Kind() Kind                 { return KindStatus }
func (s *Status) Key() string                { return s.Instrument }
func (s *Status) AppendJSON(b []byte) []byte { return AppendStatusJSON(b, s) }
