package setup

import (
	"errors"
	"fmt"
	"testing"
)

func TestUsageErrorMessage(t *testing.T) {
	cause := errors.New("open x.csv: no such file")
	for _, c := range []struct {
		err  error
		want string
	}{
		{Usagef("--threads", "must be 1 to %d, got %d", 64, 0), "--threads must be 1 to 64, got 0"},
		{Usagef("", "--count and --partitions must be >= 1"), "--count and --partitions must be >= 1"},
		{Usage("--instruments", cause), "--instruments: open x.csv: no such file"},
		{Usage("", cause), "open x.csv: no such file"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
		if !IsUsage(c.err) || !IsUsage(fmt.Errorf("match: %w", c.err)) {
			t.Errorf("%q: not a usage error", c.want)
		}
	}
	if !errors.Is(Usage("--instruments", cause), cause) {
		t.Error("Usage does not wrap its cause")
	}
	if Usage("--x", nil) != nil {
		t.Error("Usage of a nil error is not nil")
	}
	if IsUsage(cause) || IsUsage(nil) {
		t.Error("a plain error (or nil) counts as a usage error")
	}
}
