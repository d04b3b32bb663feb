package columnar

import "github.com/bourse/bourse/pkg/record"

// BookRow is one row of the book dataset (see record.BookRow).
type BookRow = record.BookRow

// BookRows appends the rows of update u to dst.
func BookRows(dst []BookRow, u *record.BookUpdate) []BookRow { return record.BookRows(dst, u) }

// BookCodec converts book rows; the day is that of time, ties broken by
// seq (rows of one update keep their order: the archive sorts stably).
var BookCodec = withKeys(newCodec(Book, record.BookRowFields),
	func(r *BookRow) int64 { return r.Time },
	func(r *BookRow) uint64 { return r.Seq },
	func(r *BookRow) string { return r.Instrument })
