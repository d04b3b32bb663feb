package record

import "strconv"

const msPerDay = 86_400_000

// ParseTimestamp parses an order timestamp into Unix milliseconds UTC. It
// accepts
//
//   - "YYYY/MM/DD, HH:MM:SS" (UTC; the space after the comma is optional,
//     fractional seconds ".fff" are allowed), and
//   - RFC 3339: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" ('T' may be 't'
//     or a space, 'Z' may be 'z').
//
// Fractional seconds beyond milliseconds are truncated toward the past.
// Years run from 0000 to 9999, also after the offset is applied (the
// instant must be writable by AppendTime and read back); dates and times
// are range-checked (no leap seconds).
func ParseTimestamp(b []byte) (int64, bool) {
	if len(b) < 19 {
		return 0, false
	}
	y := digits(b[0:4])
	if y < 0 {
		return 0, false
	}
	var rfc bool
	switch {
	case b[4] == '-' && b[7] == '-':
		rfc = true
	case b[4] == '/' && b[7] == '/':
	default:
		return 0, false
	}
	mo, d := digits(b[5:7]), digits(b[8:10])
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	i := 10
	if rfc {
		if c := b[i]; c != 'T' && c != 't' && c != ' ' {
			return 0, false
		}
		i++
	} else {
		if b[i] != ',' {
			return 0, false
		}
		i++
		for i < len(b) && b[i] == ' ' {
			i++
		}
	}
	if len(b)-i < 8 || b[i+2] != ':' || b[i+5] != ':' {
		return 0, false
	}
	h, mi, sec := digits(b[i:i+2]), digits(b[i+3:i+5]), digits(b[i+6:i+8])
	if h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	i += 8
	ms := 0
	if i < len(b) && b[i] == '.' {
		i++
		n := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if n < 3 {
				ms = ms*10 + int(b[i]-'0')
			}
			n++
		}
		if n == 0 {
			return 0, false
		}
		for ; n < 3; n++ {
			ms *= 10
		}
	}
	off := 0
	if rfc {
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case 'Z', 'z':
			i++
		case '+', '-':
			if len(b)-i < 6 || b[i+3] != ':' {
				return 0, false
			}
			oh, om := digits(b[i+1:i+3]), digits(b[i+4:i+6])
			if oh < 0 || oh > 23 || om < 0 || om > 59 {
				return 0, false
			}
			off = oh*60 + om
			if b[i] == '-' {
				off = -off
			}
			i += 6
		default:
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	days := daysFromCivil(int64(y), int64(mo), int64(d))
	t := days*msPerDay + int64(h*3600+mi*60+sec)*1000 + int64(ms) - int64(off)*60_000
	if t < minTime || t > maxTime {
		return 0, false
	}
	return t, true
}

// minTime and maxTime bound the instants ParseTimestamp returns:
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
var (
	minTime = daysFromCivil(0, 1, 1) * msPerDay
	maxTime = daysFromCivil(10000, 1, 1)*msPerDay - 1
)

// digits parses a run of ASCII digits, or returns -1.
func digits(b []byte) int {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// AppendTime appends ms (Unix milliseconds) as RFC 3339 UTC:
// "2023-03-12T23:48:37Z", or "2023-03-12T23:48:37.123Z" when the
// milliseconds are not zero. Years outside 0000–9999 are written with as
// a sign or as many digits as they need, like package time; ParseTimestamp does not read those.
func AppendTime(b []byte, ms int64) []byte {
	days := floorDiv(ms, msPerDay)
	rem := ms - days*msPerDay
	y, mo, d := civilFromDays(days)
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	if y <= 9999 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		b = strconv.AppendInt(b, y, 10)
	}
	sec := rem / 1000
	h, mi, s := sec/3600, sec/60%60, sec%60
	b = append(b, '-', byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10),
		'T', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if f := rem % 1000; f != 0 {
		b = append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
	}
	return append(b, 'Z')
}
