package setup

import (
	"errors"
	"fmt"
	"strings"
)

// UsageError is a mistake in how a job was asked to run: a flag out of
// range, a missing setting, a bad reference file. Its message names the
// flag, then says what was expected and what was received.
type UsageError struct {
	Flag   string // the flag at fault, e.g. "--threads"; empty when no single flag is
	Reason string // e.g. "must be 1 to 64, got 0"
	Err    error  // the underlying error, when there is one
}

// Error is "<flag> <reason>: <err>", leaving out the parts that are empty.
func (e *UsageError) Error() string {
	var b strings.Builder
	b.WriteString(e.Flag)
	if e.Reason != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Reason)
	}
	if e.Err != nil {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError of flag whose reason is formatted as by
// fmt.Sprintf: Usagef("--threads", "must be 1 to %d, got %d", 64, 0).
func Usagef(flag, format string, args ...any) error {
	return &UsageError{Flag: flag, Reason: fmt.Sprintf(format, args...)}
}

// Usage marks err as a UsageError of flag ("" when no single flag is at
// fault); it returns nil when err is nil.
func Usage(flag string, err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{Flag: flag, Err: err}
}

// IsUsage reports whether err is or wraps a UsageError.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}
