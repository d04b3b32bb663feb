package record

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// maxSymbolLen bounds instrument symbols.
const maxSymbolLen = 32

// Instruments is a validated, read-only instruments reference: symbol to
// tick size, lot size and reference price. It is safe for concurrent reads.
type Instruments struct {
	list     []Instrument // sorted by symbol
	bySymbol map[string]*Instrument
}

// NewInstruments validates list and builds a reference from it. Every
// symbol must be non-empty, at most 32 bytes of A–Z, 0–9 and . - _ & (starting
// with a letter or digit) and unique; tick size, lot size and reference
// price must be in (0, MaxValue], and the reference price a whole number of
// ticks.
func NewInstruments(list []Instrument) (*Instruments, error) {
	if len(list) == 0 {
		return nil, errors.New("instruments: expected at least one instrument, got none")
	}
	s := &Instruments{list: append([]Instrument(nil), list...), bySymbol: make(map[string]*Instrument, len(list))}
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Symbol < s.list[j].Symbol })
	for i := range s.list {
		in := &s.list[i]
		if err := checkInstrument(in); err != nil {
			return nil, fmt.Errorf("instrument %q: %w", in.Symbol, err)
		}
		if _, dup := s.bySymbol[in.Symbol]; dup {
			return nil, fmt.Errorf("instrument %q: %w", in.Symbol,
				&Error{Reason: ReasonBadField, Message: "symbol: expected a unique symbol, got it twice"})
		}
		s.bySymbol[in.Symbol] = in
	}
	return s, nil
}

// checkInstrument validates one instrument on its own.
func checkInstrument(in *Instrument) *Error {
	if !validSymbol(in.Symbol) {
		return fieldError(ReasonBadField, "symbol", "1 to 32 characters of A-Z 0-9 . - _ & starting with a letter or digit",
			strconv.Quote(string(truncate([]byte(in.Symbol)))))
	}
	for _, f := range []struct {
		name string
		v    Fixed
	}{{"tick_size", in.TickSize}, {"lot_size", in.LotSize}, {"ref_price", in.RefPrice}} {
		if f.v <= 0 {
			return fieldError(ReasonNonPositive, f.name, "a number > 0", f.v.String())
		}
		if f.v > MaxValue {
			return fieldError(ReasonTooLarge, f.name, "a number of at most "+MaxValue.String(), f.v.String())
		}
	}
	if in.RefPrice%in.TickSize != 0 {
		return fieldError(ReasonOffTick, "ref_price", "a multiple of the tick size "+in.TickSize.String(), in.RefPrice.String())
	}
	if in.BandPct < 0 || in.BandPct >= 100*One || in.BandPct%(One/100) != 0 {
		return fieldError(ReasonBadField, "band_pct", "a percentage from 0.01 to 99.99 with at most two decimals, or 0 for no band", in.BandPct.String())
	}
	if in.HaltPct < 0 || in.HaltPct >= 100*One || in.HaltPct%(One/100) != 0 {
		return fieldError(ReasonBadField, "halt_pct", "a percentage from 0.01 to 99.99 with at most two decimals, or 0 for no halts", in.HaltPct.String())
	}
	switch {
	case in.HaltFor < 0 || in.HaltFor > MaxHaltFor:
		return fieldError(ReasonBadField, "halt_for", "1 to "+strconv.Itoa(MaxHaltFor)+" seconds", strconv.FormatInt(in.HaltFor, 10))
	case in.HaltPct != 0 && in.HaltFor == 0:
		return missing("halt_for", "1 to "+strconv.Itoa(MaxHaltFor)+" seconds with halt_pct")
	case in.HaltPct == 0 && in.HaltFor != 0:
		return missing("halt_pct", "a percentage from 0.01 to 99.99 with halt_for")
	case in.HaltWindow < 0 || in.HaltWindow > MaxHaltWindow:
		return fieldError(ReasonBadField, "halt_window", "1 to "+strconv.Itoa(MaxHaltWindow)+" seconds", strconv.FormatInt(in.HaltWindow, 10))
	case in.HaltWindow != 0 && in.HaltPct == 0:
		return missing("halt_pct", "a percentage from 0.01 to 99.99 with halt_window")
	}
	return nil
}

func validSymbol(s string) bool {
	if len(s) == 0 || len(s) > maxSymbolLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '-' || c == '_' || c == '&'):
		default:
			return false
		}
	}
	return true
}

// Lookup returns the instrument with the given symbol.
func (s *Instruments) Lookup(symbol string) (*Instrument, bool) {
	in, ok := s.bySymbol[symbol]
	return in, ok
}

// List returns a copy of the instruments, sorted by symbol.
func (s *Instruments) List() []Instrument { return append([]Instrument(nil), s.list...) }

// Len returns the number of instruments.
func (s *Instruments) Len() int { return len(s.list) }

// Validate checks o against its instrument and sets o.Ticks and o.Lots
// (zero when the price or quantity is zero, i.e. absent), and likewise
// o.StopTicks from stop_price and o.DisplayLots from display_quantity. It reports
// ReasonUnknownInstrument, ReasonOffTick or ReasonOffLot as an *Error.
func (s *Instruments) Validate(o *Order) error {
	in, ok := s.bySymbol[o.Instrument]
	if !ok {
		return fieldError(ReasonUnknownInstrument, "instrument", "a listed symbol", strconv.Quote(string(truncate([]byte(o.Instrument)))))
	}
	if o.Price%in.TickSize != 0 {
		return fieldError(ReasonOffTick, "price", "a multiple of the tick size "+in.TickSize.String()+" of "+in.Symbol, o.Price.String())
	}
	if o.Quantity%in.LotSize != 0 {
		return fieldError(ReasonOffLot, "quantity", "a multiple of the lot size "+in.LotSize.String()+" of "+in.Symbol, o.Quantity.String())
	}
	o.Ticks = int64(o.Price / in.TickSize)
	o.Lots = int64(o.Quantity / in.LotSize)
	if o.StopPrice != 0 || o.Display != 0 {
		if o.StopPrice%in.TickSize != 0 {
			return fieldError(ReasonOffTick, "stop_price", "a multiple of the tick size "+in.TickSize.String()+" of "+in.Symbol, o.StopPrice.String())
		}
		if o.Display%in.LotSize != 0 {
			return fieldError(ReasonOffLot, "display_quantity", "a multiple of the lot size "+in.LotSize.String()+" of "+in.Symbol, o.Display.String())
		}
		o.StopTicks = int64(o.StopPrice / in.TickSize)
		o.DisplayLots = int64(o.Display / in.LotSize)
	}
	return nil
}

// LoadInstruments reads an instruments file: CSV for a .csv name, JSON (an
// array of objects, or one object per line) for .json, .jsonl or .ndjson,
// and otherwise whatever ParseInstruments recognises.
func LoadInstruments(path string) (*Instruments, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load instruments: %w", err)
	}
	var list []Instrument
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		list, err = parseInstrumentsCSV(data)
	case ".json", ".jsonl", ".ndjson":
		list, err = parseInstrumentsJSON(data)
	default:
		list, err = parseInstruments(data)
	}
	if err == nil {
		var s *Instruments
		if s, err = NewInstruments(list); err == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("load instruments %s: %w", path, err)
}

// ParseInstruments parses an instruments reference, choosing the format by
// content: JSON when the first non-blank byte is '[' (an array of objects)
// or '{' (one object per line), CSV otherwise. CSV needs a header naming
// the columns symbol, tick_size, lot_size, ref_price and optionally name,
// band_pct, halt_pct, halt_for and halt_window, in any order and any case,
// each at most once (extra columns are ignored). JSON objects use the same keys.
func ParseInstruments(data []byte) (*Instruments, error) {
	list, err := parseInstruments(data)
	if err != nil {
		return nil, err
	}
	return NewInstruments(list)
}

func parseInstruments(data []byte) ([]Instrument, error) {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return parseInstrumentsJSON(data)
	}
	return parseInstrumentsCSV(data)
}

func parseInstrumentsJSON(data []byte) ([]Instrument, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	s := scanner{b: data}
	s.ws()
	var list []Instrument
	var scratch []byte
	if s.i < len(data) && data[s.i] == '[' {
		s.i++
		s.ws()
		if s.i < len(data) && data[s.i] == ']' {
			s.i++
		} else {
			for n := 1; ; n++ {
				var in Instrument
				if err := decodeInstrument(&s, &scratch, false, &in); err != nil {
					return nil, fmt.Errorf("instruments element %d: %w", n, err)
				}
				list = append(list, in)
				s.ws()
				if s.i < len(data) && data[s.i] == ',' {
					s.i++
					s.ws()
					continue
				}
				if s.i < len(data) && data[s.i] == ']' {
					s.i++
					break
				}
				return nil, s.syntax("',' or ']'")
			}
		}
		s.ws()
		if s.i != len(data) {
			return nil, s.syntax("end of input after the array")
		}
		return list, nil
	}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var in Instrument
		if err := DecodeInstrument(line, &in); err != nil {
			return nil, fmt.Errorf("instruments line %d: %w", n+1, err)
		}
		list = append(list, in)
	}
	return list, nil
}

func parseInstrumentsCSV(data []byte) ([]Instrument, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("instruments csv: expected a header line, got an empty file")
		}
		return nil, fmt.Errorf("instruments csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, ok := col[name]; ok && name != "" {
			return nil, fmt.Errorf("instruments csv header: expected each column once, got %q twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{"symbol", "tick_size", "lot_size", "ref_price"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("instruments csv header: expected a %s column, got %q", need, strings.Join(header, ","))
		}
	}
	var list []Instrument
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("instruments csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		var in Instrument
		in.Symbol, _ = get("symbol")
		in.Name, _ = get("name")
		if v, ok := get("band_pct"); ok && v != "" {
			if in.BandPct, err = fixedValue("band_pct", kString, []byte(v)); err != nil {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
			}
		}
		if v, ok := get("halt_pct"); ok && v != "" {
			if in.HaltPct, err = fixedValue("halt_pct", kString, []byte(v)); err != nil {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
			}
		}
		if v, ok := get("halt_for"); ok && v != "" {
			if in.HaltFor, err = countValue("halt_for", kString, []byte(v)); err != nil {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
			}
		}
		if v, ok := get("halt_window"); ok && v != "" {
			if in.HaltWindow, err = countValue("halt_window", kString, []byte(v)); err != nil {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
			}
		}
		for _, f := range []struct {
			name string
			dst  *Fixed
		}{{"tick_size", &in.TickSize}, {"lot_size", &in.LotSize}, {"ref_price", &in.RefPrice}} {
			v, ok := get(f.name)
			if !ok || v == "" {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, missing(f.name, "a number > 0"))
			}
			x, err := fixedValue(f.name, kString, []byte(v))
			if err != nil {
				return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
			}
			*f.dst = x
		}
		if err := checkInstrument(&in); err != nil {
			return nil, fmt.Errorf("instruments csv line %d: %w", line, err)
		}
		list = append(list, in)
	}
	return list, nil
}

var instrumentDecoder = newDecoder(InstrumentFields)

// DecodeInstrument decodes and validates one instrument object (a record of
// the instruments topic, or a line of a JSON Lines reference): symbol,
// tick_size, lot_size and ref_price are required, name, band_pct,
// halt_pct, halt_for and halt_window are optional.
func DecodeInstrument(line []byte, in *Instrument) error {
	if len(line) > MaxLineBytes {
		*in = Instrument{}
		return oversize(len(line))
	}
	var scratch []byte
	s := scanner{b: line}
	return decodeInstrument(&s, &scratch, true, in)
}

func decodeInstrument(s *scanner, scratch *[]byte, whole bool, in *Instrument) error {
	err := instrumentDecoder.read(s, scratch, whole, in)
	if err == nil {
		if e := checkInstrument(in); e != nil {
			*in = Instrument{}
			err = e
		}
	}
	return err
}

// AppendInstrumentJSON appends in as a JSON object with the keys symbol,
// name (omitted when empty), tick_size, lot_size, ref_price, band_pct,
// halt_pct, halt_for and halt_window (each omitted when zero).
func AppendInstrumentJSON(b []byte, in *Instrument) []byte {
	b = append(b, `{"symbol":`...)
	b = appendString(b, in.Symbol)
	b = appendOptString(b, "name", in.Name)
	b = appendFixed(b, "tick_size", in.TickSize)
	b = appendFixed(b, "lot_size", in.LotSize)
	b = appendFixed(b, "ref_price", in.RefPrice)
	if in.BandPct != 0 {
		b = appendFixed(b, "band_pct", in.BandPct)
	}
	if in.HaltPct != 0 {
		b = appendFixed(b, "halt_pct", in.HaltPct)
	}
	if in.HaltFor != 0 {
		b = appendInt(b, "halt_for", in.HaltFor)
	}
	if in.HaltWindow != 0 {
		b = appendInt(b, "halt_window", in.HaltWindow)
	}
	return append(b, '}')
}
