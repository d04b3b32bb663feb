package parquet

import (
	"context"
	"encoding/binary"
	"io"
	"math/bits"
	"slices"
	"sync"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/xitongsys/parquet-go/compress"
	pq "github.com/xitongsys/parquet-go/parquet"
)

// fileWriter writes one Parquet file: pages and column chunks straight
// from typed column slices, with parquet-go's format structures (thrift
// page headers, column and file metadata) and its page compressors. Its
// slices and dictionaries are reused from column to column.
type fileWriter struct {
	w         io.Writer
	off       int64
	err       error
	codec     pq.CompressionCodec
	pageBytes int
	ts        *thrift.TSerializer

	intCols [][]int64  // the row group's integer columns, by column
	strCols [][]string // the row group's string columns, by column
	ints    []int64    // the current column's values (an optional column's non-null ones)
	strs    []string   // the current column's values, for string kinds
	defs    []uint64   // definition levels of an optional column, by row
	buf     []byte     // a page before compression
	scratch []uint64
	ranks   []uint32 // each dictionary word's place in sorted order
	order   []uint32
	i64s    dict[int64]
	words   dict[string]
}

// fileWriters keeps the writers' buffers between files.
var fileWriters = sync.Pool{New: func() any {
	ts := thrift.NewTSerializer()
	ts.Protocol = thrift.NewTCompactProtocolConf(ts.Transport, &thrift.TConfiguration{})
	return &fileWriter{ts: ts}
}}

func getFileWriter(w io.Writer, codec pq.CompressionCodec, pageBytes, columns int) *fileWriter {
	f := fileWriters.Get().(*fileWriter)
	f.w, f.off, f.err, f.codec, f.pageBytes = w, 0, nil, codec, pageBytes
	for len(f.intCols) < columns {
		f.intCols = append(f.intCols, nil)
		f.strCols = append(f.strCols, nil)
	}
	return f
}

// putFileWriter returns f to the pool, without references to the rows.
func putFileWriter(f *fileWriter) {
	for i := range f.strCols {
		clear(f.strCols[i])
	}
	clear(f.words.index)
	clear(f.words.values)
	f.w, f.strs = nil, nil
	fileWriters.Put(f)
}

func (f *fileWriter) write(b []byte) {
	if f.err != nil {
		return
	}
	n, err := f.w.Write(b)
	f.off += int64(n)
	f.err = err
}

// thrift writes a thrift structure and returns its size.
func (f *fileWriter) thrift(v thrift.TStruct) int64 {
	if f.err != nil {
		return 0
	}
	b, err := f.ts.Write(context.Background(), v)
	if err != nil {
		f.err = err
		return 0
	}
	f.write(b)
	return int64(len(b))
}

// page compresses raw and writes it after its header h; it returns the
// page's compressed and uncompressed sizes, header included.
func (f *fileWriter) page(h *pq.PageHeader, raw []byte) (comp, uncomp int64) {
	data := compress.Compress(raw, f.codec)
	h.UncompressedPageSize = int32(len(raw))
	h.CompressedPageSize = int32(len(data))
	hn := f.thrift(h)
	f.write(data)
	return hn + int64(len(data)), hn + int64(len(raw))
}

func physical(k kind) pq.Type {
	switch {
	case k.isString():
		return pq.Type_BYTE_ARRAY
	case k == kBool:
		return pq.Type_BOOLEAN
	}
	return pq.Type_INT64
}

// pageEnd is where the page starting at row lo (value v) ends, row hi and
// value vhi: after about pageBytes bytes of PLAIN values.
func (f *fileWriter) pageEnd(k kind, opt bool, lo, v, n int) (hi, vhi int) {
	if !k.isString() && !opt {
		hi = min(n, lo+max(1, f.pageBytes/8))
		return hi, hi
	}
	size := 0
	hi, vhi = lo, v
	for hi < n && (hi == lo || size < f.pageBytes) {
		if !opt || f.defs[hi] == 1 {
			if k.isString() {
				size += 4 + len(f.strs[vhi])
			} else {
				size += 8
			}
			vhi++
		}
		hi++
	}
	return hi, vhi
}

// define sets the definition levels of the first n values of an optional
// column (0 for a zero value, which is null) and moves the non-null values
// to the front of f.ints or f.strs; it returns their number.
func (f *fileWriter) define(k kind, n int) int {
	f.defs = slices.Grow(f.defs[:0], n)[:n]
	nv := 0
	for i := range n {
		var null bool
		if k.isString() {
			null = f.strs[i] == ""
			f.strs[nv] = f.strs[i]
		} else {
			null = f.ints[i] == 0
			f.ints[nv] = f.ints[i]
		}
		f.defs[i] = uint64(boolBit(!null))
		if !null {
			nv++
		}
	}
	return nv
}

// chunk writes the column chunk of the first n values of f.ints or f.strs
// (rows of an optional column whose zero values are null when opt).
func (f *fileWriter) chunk(k kind, opt bool, name string, n int) *pq.ColumnChunk {
	md := &pq.ColumnMetaData{Type: physical(k), PathInSchema: []string{name}, Codec: f.codec,
		NumValues: int64(n), DataPageOffset: f.off}
	cc := &pq.ColumnChunk{FileOffset: f.off, MetaData: md}
	nv := n
	if opt {
		nv = f.define(k, n)
	}
	enc := pq.Encoding_PLAIN
	switch k {
	case kU64, kI64, kTS:
		if !opt {
			enc = pq.Encoding_DELTA_BINARY_PACKED
		}
	case kDec:
		if nv > 0 && f.i64s.build(f.ints[:nv], func(int64) int { return 8 }, f.pageBytes) {
			f.buf = appendPlainInt64s(f.buf[:0], f.i64s.values)
			enc = f.dictPage(md, len(f.i64s.values))
		}
	case kStr:
		if nv > 0 && f.words.build(f.strs[:nv], func(s string) int { return 4 + len(s) }, f.pageBytes) {
			f.buf = appendPlainStrings(f.buf[:0], f.words.values)
			enc = f.dictPage(md, len(f.words.values))
			f.rankWords()
		}
	}
	md.Encodings = append(md.Encodings, pq.Encoding_RLE, enc)
	if enc == pq.Encoding_PLAIN_DICTIONARY {
		md.Encodings = []pq.Encoding{pq.Encoding_PLAIN, pq.Encoding_RLE, enc}
	}
	var all stat
	for lo, v := 0, 0; lo < n; {
		hi, vhi := f.pageEnd(k, opt, lo, v, n)
		var st stat
		if k == kStr && enc == pq.Encoding_PLAIN_DICTIONARY {
			st = f.wordStat(v, vhi)
		} else {
			st = f.stat(k, v, vhi)
		}
		st.nulls = int64(hi - lo - (vhi - v))
		f.buf = f.buf[:0]
		if opt {
			f.buf = f.appendLevels(f.buf, lo, hi)
		}
		switch enc {
		case pq.Encoding_DELTA_BINARY_PACKED:
			f.buf = appendDelta(f.buf, f.ints[v:vhi])
		case pq.Encoding_PLAIN_DICTIONARY:
			ids, size := f.i64s.ids, len(f.i64s.values)
			if k == kStr {
				ids, size = f.words.ids, len(f.words.values)
			}
			w := uint(max(1, bits.Len(uint(size-1))))
			f.buf = append(f.buf, byte(w))
			f.buf, f.scratch = appendHybrid(f.buf, ids[v:vhi], w, f.scratch)
		default:
			switch {
			case k.isString():
				f.buf = appendPlainStrings(f.buf, f.strs[v:vhi])
			case k == kBool:
				f.buf = appendPlainBools(f.buf, f.ints[v:vhi])
			default:
				f.buf = appendPlainInt64s(f.buf, f.ints[v:vhi])
			}
		}
		h := &pq.PageHeader{Type: pq.PageType_DATA_PAGE, DataPageHeader: &pq.DataPageHeader{
			NumValues: int32(hi - lo), Encoding: enc,
			DefinitionLevelEncoding: pq.Encoding_RLE, RepetitionLevelEncoding: pq.Encoding_RLE,
			Statistics: st.thrift(k)}}
		c, u := f.page(h, f.buf)
		md.TotalCompressedSize += c
		md.TotalUncompressedSize += u
		all.merge(k, st)
		lo, v = hi, vhi
	}
	md.Statistics = all.thrift(k)
	return cc
}

// dictPage writes f.buf, the PLAIN dictionary of size values, as the
// chunk's dictionary page and returns the data pages' encoding.
func (f *fileWriter) dictPage(md *pq.ColumnMetaData, size int) pq.Encoding {
	off := f.off
	md.DictionaryPageOffset = &off
	h := &pq.PageHeader{Type: pq.PageType_DICTIONARY_PAGE, DictionaryPageHeader: &pq.DictionaryPageHeader{
		NumValues: int32(size), Encoding: pq.Encoding_PLAIN}}
	c, u := f.page(h, f.buf)
	md.TotalCompressedSize += c
	md.TotalUncompressedSize += u
	md.DataPageOffset = f.off
	return pq.Encoding_PLAIN_DICTIONARY
}

// appendLevels appends the definition levels of rows lo..hi of an
// optional column (0 is null): a 4-byte length, then the hybrid runs.
func (f *fileWriter) appendLevels(dst []byte, lo, hi int) []byte {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst, f.scratch = appendHybrid(dst, f.defs[lo:hi], 1, f.scratch)
	binary.LittleEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	return dst
}

func boolBit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
