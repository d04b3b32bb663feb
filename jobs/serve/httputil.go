package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// num is a Fixed written as a JSON number ("15.25").
type num record.Fixed

// MarshalJSON writes the exact decimal text.
func (n num) MarshalJSON() ([]byte, error) { return record.Fixed(n).AppendText(nil), nil }

// UnmarshalJSON reads an exact decimal number.
func (n *num) UnmarshalJSON(b []byte) error {
	f, err := record.ParseFixed(b)
	*n = num(f)
	return err
}

// stamp is Unix milliseconds written as an RFC 3339 UTC string.
type stamp int64

// MarshalJSON writes the quoted RFC 3339 time.
func (t stamp) MarshalJSON() ([]byte, error) {
	b := append([]byte{'"'}, record.AppendTime(nil, int64(t))...)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a quoted timestamp.
func (t *stamp) UnmarshalJSON(b []byte) error {
	ms, ok := record.ParseTimestamp(bytes.Trim(b, `"`))
	if !ok {
		return fmt.Errorf("expected an RFC 3339 time, got %s", b)
	}
	*t = stamp(ms)
	return nil
}

// apiError is the body of every error answer.
type apiError struct {
	Error  string `json:"error"`
	Reason string `json:"reason,omitempty"` // a record Reason* code for order validation errors
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// rawList renders records already encoded as JSON objects into an array.
func rawList[T any](items []T, enc func([]byte, *T) []byte) json.RawMessage {
	b := []byte{'['}
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = enc(b, &items[i])
	}
	return append(b, ']')
}

// intParam parses an optional positive integer query parameter.
func intParam(r *http.Request, name string, def, max int) (int, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, false
	}
	return n, true
}

// securityHeaders sets the headers every answer carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}
