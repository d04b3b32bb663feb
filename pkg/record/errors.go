package record

import (
	"strconv"
	"unicode/utf8"
)

// MaxLineBytes is the longest input record a decoder accepts; longer lines
// are rejected with ReasonOversize before any parsing.
const MaxLineBytes = 64 << 10

// maxGot is how much of a received value an error message quotes.
const maxGot = 64

// Error is a record-level decoding or validation failure: a Reason* code
// and a message that says what was expected and what was received. Jobs turn
// it into a REJECTED event or a Reject record.
type Error struct {
	Reason  string // one of the Reason* constants
	Message string // e.g. `price: expected a number > 0, got "abc"`
}

// Error returns "REASON: message".
func (e *Error) Error() string { return e.Reason + ": " + e.Message }

// ReasonOf returns the Reason of err when it is (or wraps) an *Error, and
// ReasonBadJSON otherwise.
func ReasonOf(err error) string {
	for err != nil {
		if e, ok := err.(*Error); ok {
			return e.Reason
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	return ReasonBadJSON
}

// fieldError builds "<field>: expected <expected>, got <got>".
func fieldError(reason, field, expected, got string) *Error {
	return &Error{Reason: reason, Message: field + ": expected " + expected + ", got " + got}
}

// missing reports a required field that is absent or null.
func missing(field, expected string) *Error {
	return &Error{Reason: ReasonMissingField, Message: field + ": expected " + expected + ", got nothing"}
}

// gotText renders a received value for a message: strings quoted, other
// tokens verbatim, both cut to about maxGot bytes on a rune boundary.
func gotText(k kind, v []byte) string {
	cut := truncate(v)
	switch k {
	case kString:
		s := strconv.Quote(string(cut))
		if len(cut) < len(v) {
			s += "..."
		}
		return s
	case kNull:
		return "null"
	}
	if len(cut) < len(v) {
		return string(cut) + "..."
	}
	return string(cut)
}

func truncate(v []byte) []byte {
	if len(v) <= maxGot {
		return v
	}
	n := maxGot
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return v[:n]
}
