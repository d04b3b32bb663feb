package record

import (
	"strings"
	"testing"
)

func TestCheckTraderID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"", true},
		{"T001", true},
		{"alice.smith@desk-7:fx_2", true},
		{strings.Repeat("a", MaxTraderIDLen), true},
		{strings.Repeat("a", MaxTraderIDLen+1), false},
		{"a b", false},
		{"nul\x00", false},
		{"line\nbreak", false},
		{"\x1b[31mred", false},
		{"trader é", false},
		{`q"uote`, false},
		{"slash/", false},
		{"\x7f", false},
	} {
		err := CheckTraderID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTraderID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
		if err != nil {
			if ReasonOf(err) != ReasonBadTraderID || !strings.Contains(err.Error(), "expected") {
				t.Errorf("CheckTraderID(%q): %v", tc.id, err)
			}
			if strings.ContainsAny(err.Error(), "\x00\n\x1b") {
				t.Errorf("CheckTraderID(%q): message carries control characters: %q", tc.id, err)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = CheckTraderID("T001-desk@x") }); n != 0 {
		t.Errorf("CheckTraderID allocates %v times for a good id", n)
	}
}
