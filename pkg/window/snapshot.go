package window

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/bourse/bourse/pkg/record"
)

// Snapshot format: "BWIN", uvarint version, the config and options it was
// made with, counters, every instrument (name, latest time, closed horizon,
// late count, open bars, open windows), the ranker's pending windows, and a
// CRC-32 (IEEE, little endian) of everything before it. Integers are
// varints. Watermarks and next-close times are derived on Restore.
const (
	snapMagic   = "BWIN"
	snapVersion = 1
)

// ErrSnapshot is wrapped by every error Restore returns.
var ErrSnapshot = errors.New("bad window snapshot")

// Snapshot appends the engine's whole state to dst: open bars, open
// windows, watermarks, counters and the ranker's pending windows.
func (e *Engine) Snapshot(dst []byte) []byte {
	start := len(dst)
	b := append(dst, snapMagic...)
	b = binary.AppendUvarint(b, snapVersion)
	c := e.cfg
	for _, v := range [...]int64{c.Bar, c.Window, c.Slide, c.Lateness, c.Idle} {
		b = binary.AppendVarint(b, v)
	}
	b = append(b, e.opt.bits())
	b = binary.AppendVarint(b, e.late)
	b = binary.AppendVarint(b, e.rejected)
	b = binary.AppendVarint(b, e.rk.unranked)
	b = binary.AppendUvarint(b, uint64(len(e.insts)))
	for _, in := range e.insts {
		b = binary.AppendUvarint(b, uint64(len(in.name)))
		b = append(b, in.name...)
		b = binary.AppendVarint(b, in.maxTime)
		b = binary.AppendVarint(b, in.closed)
		b = binary.AppendVarint(b, in.late)
		b = binary.AppendUvarint(b, uint64(len(in.bars)))
		for i := range in.bars {
			x := &in.bars[i]
			for _, v := range [...]int64{x.start, x.openT, x.closeT, int64(x.open), int64(x.high), int64(x.low), int64(x.close), int64(x.vol), x.count} {
				b = binary.AppendVarint(b, v)
			}
			b = binary.AppendUvarint(b, x.pq.hi)
			b = binary.AppendUvarint(b, x.pq.lo)
		}
		b = binary.AppendUvarint(b, uint64(len(in.wins)))
		for _, w := range in.wins {
			b = binary.AppendVarint(b, w.k)
			b = binary.AppendVarint(b, w.n)
			for _, v := range [...]uint64{w.opens.hi, w.opens.lo, w.closes.hi, w.closes.lo} {
				b = binary.AppendUvarint(b, v)
			}
		}
	}
	rk := &e.rk
	b = binary.AppendVarint(b, rk.lastRanked)
	b = binary.AppendVarint(b, rk.end)
	b = binary.AppendVarint(b, rk.idleAt)
	b = binary.AppendUvarint(b, uint64(len(rk.pending)))
	for _, p := range rk.pending {
		b = binary.AppendVarint(b, p.k)
		b = binary.AppendUvarint(b, uint64(len(p.res)))
		for _, r := range p.res {
			b = binary.AppendUvarint(b, uint64(r.in.id))
			for _, v := range [...]int64{int64(r.avgOpen), int64(r.avgClose), int64(r.profit), r.bars} {
				b = binary.AppendVarint(b, v)
			}
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

func (o Options) bits() byte {
	var v byte
	if o.Bars {
		v |= 1
	}
	if o.SMA {
		v |= 2
	}
	if o.Profit {
		v |= 4
	}
	return v
}

// Restore replaces the engine's state with a snapshot's. The snapshot must
// come from an engine with the same Config and Options. On error the
// engine is unchanged.
func (e *Engine) Restore(src []byte) error {
	if len(src) < len(snapMagic)+4 || string(src[:len(snapMagic)]) != snapMagic {
		return fmt.Errorf("%w: missing %q header", ErrSnapshot, snapMagic)
	}
	body := src[:len(src)-4]
	if got, want := crc32.ChecksumIEEE(body), binary.LittleEndian.Uint32(src[len(src)-4:]); got != want {
		return fmt.Errorf("%w: checksum %08x, expected %08x", ErrSnapshot, got, want)
	}
	d := &decoder{b: body[len(snapMagic):]}
	if v := d.uvarint(); d.err == nil && v != snapVersion {
		return fmt.Errorf("%w: version %d, this build reads %d", ErrSnapshot, v, snapVersion)
	}
	var c Config
	c.Bar, c.Window, c.Slide, c.Lateness, c.Idle = d.varint(), d.varint(), d.varint(), d.varint(), d.varint()
	ob := d.byte()
	if d.err != nil {
		return d.fail()
	}
	if c != e.cfg || ob != e.opt.bits() {
		return fmt.Errorf("%w: made with config %+v options %03b, engine has %+v options %03b", ErrSnapshot, c, ob, e.cfg, e.opt.bits())
	}
	n := &Engine{cfg: e.cfg, opt: e.opt, idle: e.idle, windows: e.windows}
	n.reset()
	if err := n.decode(d); err != nil {
		return err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d unexpected trailing bytes", ErrSnapshot, len(d.b))
	}
	n.countWaiting()
	n.flushBars, n.flushWins = e.flushBars, e.flushWins
	*e = *n
	return nil
}

func (e *Engine) decode(d *decoder) error {
	cfg := &e.cfg
	e.late, e.rejected, e.rk.unranked = d.varint(), d.varint(), d.varint()
	if e.late < 0 || e.rejected < 0 || e.rk.unranked < 0 {
		return d.invalid("negative counter")
	}
	ni := d.count()
	for i := 0; i < ni && d.err == nil; i++ {
		name := string(d.bytes(d.count()))
		if name == "" {
			return d.invalid("empty instrument name")
		}
		if e.index.get(name) != nil {
			return d.invalid("instrument %q twice", name)
		}
		in := newInst(name)
		in.id = int32(i)
		in.maxTime, in.closed, in.late = d.varint(), d.varint(), d.varint()
		if in.maxTime == math.MinInt64 {
			// expected (Engine.Expect) but not traded yet
		} else if d.err == nil && (in.maxTime < 0 || in.maxTime > MaxTime || in.late < 0) {
			return d.invalid("instrument %q: time %d or late count %d out of range", name, in.maxTime, in.late)
		} else {
			in.wm = in.maxTime - cfg.Lateness
			e.maxWM = max(e.maxWM, in.wm)
		}
		nb := d.count()
		for j := 0; j < nb && d.err == nil; j++ {
			var x bar
			var v [9]int64
			for k := range v {
				v[k] = d.varint()
			}
			x.start, x.openT, x.closeT = v[0], v[1], v[2]
			x.open, x.high, x.low, x.close, x.vol = record.Fixed(v[3]), record.Fixed(v[4]), record.Fixed(v[5]), record.Fixed(v[6]), record.Fixed(v[7])
			x.count = v[8]
			x.pq = u128{d.uvarint(), d.uvarint()}
			x.end = x.start + cfg.Bar
			if d.err == nil && !x.valid(cfg.Bar) {
				return d.invalid("instrument %q: inconsistent bar at %d", name, x.start)
			}
			if j > 0 && x.start <= in.bars[j-1].start {
				return d.invalid("instrument %q: bars out of order", name)
			}
			in.bars = append(in.bars, x)
		}
		nw := d.count()
		for j := 0; j < nw && d.err == nil; j++ {
			var w win
			w.k, w.n = d.varint(), d.varint()
			w.opens = u128{d.uvarint(), d.uvarint()}
			w.closes = u128{d.uvarint(), d.uvarint()}
			if d.err != nil {
				break
			}
			if !validK(w.k, cfg) || w.n < 1 || w.n > cfg.Window/cfg.Bar || w.opens.hi >= uint64(w.n) || w.closes.hi >= uint64(w.n) {
				return d.invalid("instrument %q: inconsistent window %d", name, w.k)
			}
			if j > 0 && w.k <= in.wins[j-1].k {
				return d.invalid("instrument %q: windows out of order", name)
			}
			w.end = w.k*cfg.Slide + cfg.Window
			in.wins = append(in.wins, w)
		}
		in.resetNext()
		e.index.put(in)
		e.insts = append(e.insts, in)
	}
	rk := &e.rk
	rk.lastRanked, rk.end, rk.idleAt = d.varint(), d.varint(), d.varint()
	np := d.count()
	seen := make([]int, len(e.insts)) // seen[id] = 1 + the last pending window that had id
	for i := 0; i < np && d.err == nil; i++ {
		p := pend{k: d.varint()}
		if d.err == nil && (!validK(p.k, cfg) || p.k <= rk.lastRanked || (i > 0 && p.k <= rk.pending[i-1].k)) {
			return d.invalid("pending window %d out of order", p.k)
		}
		nr := d.count()
		for j := 0; j < nr && d.err == nil; j++ {
			id := d.uvarint()
			var v [4]int64
			for k := range v {
				v[k] = d.varint()
			}
			if d.err != nil {
				break
			}
			if id >= uint64(len(e.insts)) || v[3] < 1 {
				return d.invalid("pending window %d: bad result", p.k)
			}
			if seen[id] == i+1 {
				return d.invalid("pending window %d: instrument twice", p.k)
			}
			seen[id] = i + 1
			p.res = append(p.res, result{in: e.insts[id], avgOpen: record.Fixed(v[0]), avgClose: record.Fixed(v[1]), profit: record.Fixed(v[2]), bars: v[3]})
		}
		if d.err == nil && len(p.res) == 0 {
			return d.invalid("pending window %d has no results", p.k)
		}
		rk.pending = append(rk.pending, p)
	}
	if d.err != nil {
		return d.fail()
	}
	return nil
}

// valid checks a decoded bar's invariants.
func (x *bar) valid(size int64) bool {
	okPrice := func(p record.Fixed) bool { return p > 0 && p <= record.MaxValue }
	return x.start >= 0 && x.start <= MaxTime && x.start%size == 0 &&
		x.count >= 1 && x.vol > 0 &&
		okPrice(x.open) && okPrice(x.high) && okPrice(x.low) && okPrice(x.close) &&
		x.low <= x.open && x.low <= x.close && x.open <= x.high && x.close <= x.high &&
		x.openT >= x.start && x.openT <= x.closeT && x.closeT < x.end &&
		x.pq.hi < uint64(x.vol)
}

// validK reports whether window k starts within the range trades can reach.
func validK(k int64, c *Config) bool {
	lo, hi := floorDiv(-c.Window, c.Slide), MaxTime/c.Slide+1
	return k >= lo && k <= hi
}

// decoder reads varints, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("truncated or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errors.New("truncated or overlong varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.err = errors.New("truncated")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// count reads a length that cannot exceed the bytes left (every element
// takes at least one), so a corrupt length cannot make Restore allocate.
func (d *decoder) count() int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)) {
		d.err = fmt.Errorf("count %d exceeds the %d bytes left", v, len(d.b))
		return 0
	}
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) fail() error { return fmt.Errorf("%w: %v", ErrSnapshot, d.err) }

func (d *decoder) invalid(format string, args ...any) error {
	if d.err != nil {
		return d.fail()
	}
	return fmt.Errorf("%w: %s", ErrSnapshot, fmt.Sprintf(format, args...))
}
