package record

import (
	"strconv"
	"unicode/utf8"
)

// kind is the JSON type of a scanned value.
type kind uint8

const (
	kNull kind = iota
	kString
	kNumber
	kBool
	kObject
	kArray
)

// maxDepth bounds the nesting of skipped values.
const maxDepth = 256

// scanner is a single-pass JSON lexer over one record. It validates what it
// reads (RFC 8259 grammar, UTF-8 in strings) and never panics.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// syntax reports malformed JSON at the scanner's position.
func (s *scanner) syntax(expected string) *Error {
	got := "end of input"
	if s.i < len(s.b) {
		c := s.b[s.i]
		if c >= 0x20 && c < 0x7f {
			got = strconv.QuoteRune(rune(c))
		} else {
			got = "byte 0x" + strconv.FormatUint(uint64(c), 16)
		}
	}
	return &Error{Reason: ReasonBadJSON, Message: "at byte " + strconv.Itoa(s.i) + ": expected " + expected + ", got " + got}
}

// str reads the JSON string at s.i (which holds '"'). The content is a
// sub-slice of the input when it has no escapes, otherwise it is decoded
// into *scratch; either way it is valid only until the next call.
func (s *scanner) str(scratch *[]byte) ([]byte, error) {
	b := s.b
	start := s.i + 1
	for i := start; i < len(b); i++ {
		c := b[i]
		if c == '"' {
			s.i = i + 1
			return b[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return s.strSlow(start, i, scratch)
		}
	}
	s.i = len(b)
	return nil, s.syntax("'\"' closing a string")
}

func (s *scanner) strSlow(start, i int, scratch *[]byte) ([]byte, error) {
	b := s.b
	// First pass: validate and find the end.
	escaped := false
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			end := i
			s.i = i + 1
			if !escaped {
				return b[start:end], nil
			}
			return unescape((*scratch)[:0], b[start:end], scratch), nil
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				s.i = len(b)
				return nil, s.syntax("an escape sequence")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || hex4(b[i+2:i+6]) < 0 {
					s.i = i
					return nil, s.syntax(`\u followed by 4 hex digits`)
				}
				i += 6
			default:
				s.i = i + 1
				return nil, s.syntax(`one of \" \\ \/ \b \f \n \r \t \u`)
			}
		case c < 0x20:
			s.i = i
			return nil, s.syntax("an escaped control character")
		case c < 0x80:
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				s.i = i
				return nil, s.syntax("valid UTF-8")
			}
			i += n
		}
	}
	s.i = len(b)
	return nil, s.syntax("'\"' closing a string")
}

// unescape decodes a validated string body into dst. Unpaired surrogates
// become U+FFFD, as in encoding/json.
func unescape(dst, src []byte, keep *[]byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch src[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(src[i+2 : i+6]))
			i += 6
			if r >= 0xD800 && r < 0xDC00 {
				if i+6 <= len(src) && src[i] == '\\' && src[i+1] == 'u' {
					if r2 := rune(hex4(src[i+2 : i+6])); r2 >= 0xDC00 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // " \ /
			dst = append(dst, src[i+1])
		}
		i += 2
	}
	*keep = dst
	return dst
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return -1
		}
	}
	return v
}

// number reads a JSON number token.
func (s *scanner) number() ([]byte, error) {
	b := s.b
	start, i := s.i, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	default:
		s.i = i
		return nil, s.syntax("a digit")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.syntax("a digit after '.'")
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.syntax("a digit in the exponent")
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	s.i = i
	if !s.delimited() {
		return nil, s.syntax("',', '}', ']' or whitespace after a number")
	}
	return b[start:i], nil
}

// delimited reports whether a number or literal token ends at s.i, so that
// "01" or "truex" are not read as a value followed by garbage.
func (s *scanner) delimited() bool {
	if s.i >= len(s.b) {
		return true
	}
	switch s.b[s.i] {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

func (s *scanner) literal(word string) error {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		if !s.delimited() {
			return s.syntax("',', '}', ']' or whitespace after " + word)
		}
		return nil
	}
	return s.syntax("a JSON value")
}

// val reads any JSON value at s.i (after whitespace). Strings come back
// decoded, numbers as their token, everything else as its raw text.
func (s *scanner) val(scratch *[]byte) (kind, []byte, error) {
	if s.i >= len(s.b) {
		return 0, nil, s.syntax("a JSON value")
	}
	start := s.i
	switch c := s.b[s.i]; {
	case c == '"':
		v, err := s.str(scratch)
		return kString, v, err
	case c == '-' || (c >= '0' && c <= '9'):
		v, err := s.number()
		return kNumber, v, err
	case c == 'n':
		return kNull, nil, s.literal("null")
	case c == 't':
		err := s.literal("true")
		return kBool, s.b[start:s.i], err
	case c == 'f':
		err := s.literal("false")
		return kBool, s.b[start:s.i], err
	case c == '{':
		err := s.skip(scratch, 0)
		return kObject, s.b[start:s.i], err
	case c == '[':
		err := s.skip(scratch, 0)
		return kArray, s.b[start:s.i], err
	}
	return 0, nil, s.syntax("a JSON value")
}

// skip reads and validates one JSON value of any kind.
func (s *scanner) skip(scratch *[]byte, depth int) error {
	if depth > maxDepth {
		return &Error{Reason: ReasonBadJSON, Message: "at byte " + strconv.Itoa(s.i) + ": expected at most " + strconv.Itoa(maxDepth) + " levels of nesting, got more"}
	}
	if s.i >= len(s.b) {
		return s.syntax("a JSON value")
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			return nil
		}
		for {
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return s.syntax("'\"' starting a key")
			}
			if _, err := s.str(scratch); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return s.syntax("':' after a key")
			}
			s.i++
			s.ws()
			if err := s.skip(scratch, depth+1); err != nil {
				return err
			}
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				s.ws()
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				return nil
			}
			return s.syntax("',' or '}'")
		}
	case '[':
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skip(scratch, depth+1); err != nil {
				return err
			}
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				s.ws()
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == ']' {
				s.i++
				return nil
			}
			return s.syntax("',' or ']'")
		}
	}
	_, _, err := s.val(scratch)
	return err
}

// fieldIndex maps a key to its index in a decoder's field table, or -1.
type fieldIndex func(key []byte) int

// object reads one JSON object member by member. For every known key
// (index >= 0) with a non-null value it calls fn; unknown keys are skipped
// after validation; a repeated known key is an error; null is treated as
// absent. It returns the bit set of known keys with non-null values. After
// the closing '}' only whitespace may follow when whole is true.
func (s *scanner) object(scratch *[]byte, names []string, index fieldIndex, whole bool, fn func(f int, k kind, v []byte) error) (uint32, error) {
	var seen, present uint32
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return 0, s.syntax("'{' starting an object")
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
	} else {
		for {
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return 0, s.syntax("'\"' starting a key")
			}
			key, err := s.str(scratch)
			if err != nil {
				return 0, err
			}
			f := index(key)
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return 0, s.syntax("':' after a key")
			}
			s.i++
			s.ws()
			if f < 0 {
				if err := s.skip(scratch, 1); err != nil {
					return 0, err
				}
			} else {
				if seen&(1<<f) != 0 {
					return 0, &Error{Reason: ReasonBadField, Message: names[f] + ": expected the key once, got it twice"}
				}
				seen |= 1 << f
				k, v, err := s.val(scratch)
				if err != nil {
					return 0, err
				}
				if k != kNull {
					present |= 1 << f
					if err := fn(f, k, v); err != nil {
						return 0, err
					}
				}
			}
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
				s.ws()
				continue
			}
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				break
			}
			return 0, s.syntax("',' or '}'")
		}
	}
	if whole {
		s.ws()
		if s.i != len(s.b) {
			return 0, s.syntax("end of input after the object")
		}
	}
	return present, nil
}

// linearIndex returns a fieldIndex that searches names.
func linearIndex(names []string) fieldIndex {
	return func(key []byte) int {
		for i, n := range names {
			if len(n) == len(key) && n == string(key) {
				return i
			}
		}
		return -1
	}
}

// eqFold reports whether v equals the upper-case ASCII word w, ignoring
// ASCII case.
func eqFold(v []byte, w string) bool {
	if len(v) != len(w) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
