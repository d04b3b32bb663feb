package record

import "strconv"

// MaxTraderIDLen is the longest trader_id the match job accepts, in bytes.
const MaxTraderIDLen = 64

// CheckTraderID reports whether id is an acceptable trader_id: empty (the
// original order format has none), or 1 to MaxTraderIDLen bytes of A-Z,
// a-z, 0-9 and - _ . : @. Anything else (control characters, spaces,
// quotes, non-ASCII) is a *Error with ReasonBadTraderID. It does not
// allocate when id is acceptable.
func CheckTraderID(id string) error {
	if len(id) > MaxTraderIDLen {
		return &Error{Reason: ReasonBadTraderID, Message: "trader_id: expected at most " +
			strconv.Itoa(MaxTraderIDLen) + " bytes, got " + strconv.Itoa(len(id))}
	}
	for i := 0; i < len(id); i++ {
		if !traderByte[id[i]] {
			return fieldError(ReasonBadTraderID, "trader_id", "only A-Z a-z 0-9 - _ . : @",
				strconv.Quote(string(truncate([]byte(id)))))
		}
	}
	return nil
}

var traderByte = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c], t[c+'a'-'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-_.:@" {
		t[c] = true
	}
	return t
}()
