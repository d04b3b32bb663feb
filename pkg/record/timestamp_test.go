package record

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2023/03/12, 23:48:37", ms("2023-03-12T23:48:37Z"), true},
		{"2023/03/12,23:48:37", ms("2023-03-12T23:48:37Z"), true},
		{"2023/03/12,   23:48:37.5", ms("2023-03-12T23:48:37.5Z"), true},
		{"2023-03-12T23:48:37Z", ms("2023-03-12T23:48:37Z"), true},
		{"2023-03-12t23:48:37z", ms("2023-03-12T23:48:37Z"), true},
		{"2023-03-12 23:48:37Z", ms("2023-03-12T23:48:37Z"), true},
		{"2023-03-12T23:48:37.123Z", ms("2023-03-12T23:48:37.123Z"), true},
		{"2023-03-12T23:48:37.123999Z", ms("2023-03-12T23:48:37.123Z"), true},
		{"2023-03-13T05:18:37+05:30", ms("2023-03-12T23:48:37Z"), true},
		{"2023-03-12T18:48:37-05:00", ms("2023-03-12T23:48:37Z"), true},
		{"1970-01-01T00:00:00Z", 0, true},
		// The offset may not carry the instant out of years 0000-9999
		// (AppendTime could not write it back: found by FuzzDecodeOrder).
		{"0000-01-01 00:00:00+00:01", 0, false},
		{"9999-12-31T23:59:59-00:01", 0, false},
		{"0000-01-01T00:01:00+00:01", ms("0000-01-01T00:00:00Z"), true},
		{"9999-12-31T23:59:59.999Z", ms("9999-12-31T23:59:59.999Z"), true},
		{"1969-12-31T23:59:59.999Z", -1, true},
		{"1969-12-31T23:59:59Z", -1000, true},
		{"1900-02-28T00:00:00Z", ms("1900-02-28T00:00:00Z"), true},
		{"2000-02-29T00:00:00Z", ms("2000-02-29T00:00:00Z"), true},
		{"0000-01-01T00:00:00Z", ms("0000-01-01T00:00:00Z"), true},
		{"9999-12-31T23:59:59.999Z", ms("9999-12-31T23:59:59.999Z"), true},
		{"1900-02-29T00:00:00Z", 0, false},
		{"2023-02-29T00:00:00Z", 0, false},
		{"2023-04-31T00:00:00Z", 0, false},
		{"2023-13-01T00:00:00Z", 0, false},
		{"2023-00-01T00:00:00Z", 0, false},
		{"2023-01-00T00:00:00Z", 0, false},
		{"2023-01-01T24:00:00Z", 0, false},
		{"2023-01-01T23:60:00Z", 0, false},
		{"2023-01-01T23:59:60Z", 0, false},
		{"2023-01-01T23:59:59", 0, false},
		{"2023-01-01T23:59:59.Z", 0, false},
		{"2023-01-01T23:59:59+0530", 0, false},
		{"2023-01-01T23:59:59+24:00", 0, false},
		{"2023-01-01T23:59:59Zjunk", 0, false},
		{"2023/01/01 23:59:59", 0, false},
		{"2023/01/01, 23:59:59Z", 0, false},
		{"2023-01/01T23:59:59Z", 0, false},
		{"12023-01-01T23:59:59Z", 0, false},
		{"", 0, false},
		{"yesterday", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseTimestamp([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTimestamp(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAppendTime(t *testing.T) {
	tests := []struct {
		ms   int64
		want string
	}{
		{0, "1970-01-01T00:00:00Z"},
		{1678664917000, "2023-03-12T23:48:37Z"},
		{1678664917123, "2023-03-12T23:48:37.123Z"},
		{1678664917007, "2023-03-12T23:48:37.007Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
		{-86_400_000, "1969-12-31T00:00:00Z"},
		{951782400000, "2000-02-29T00:00:00Z"},
	}
	for _, tt := range tests {
		if got := string(AppendTime(nil, tt.ms)); got != tt.want {
			t.Errorf("AppendTime(%d) = %s, want %s", tt.ms, got, tt.want)
		}
	}
}

// TestTimeAgainstStdlib compares AppendTime and ParseTimestamp with package
// time over days around the epoch, leap days and far dates.
func TestTimeAgainstStdlib(t *testing.T) {
	check := func(ms int64) {
		want := time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.999Z07:00")
		got := AppendTime(nil, ms)
		if string(got) != want {
			t.Fatalf("AppendTime(%d) = %s, want %s", ms, got, want)
		}
		back, ok := ParseTimestamp(got)
		if ms < -62167219200000 || ms > 253402300799999 {
			if ok {
				t.Fatalf("ParseTimestamp(%s) accepted a year outside 0000-9999", got)
			}
			return
		}
		if !ok || back != ms {
			t.Fatalf("ParseTimestamp(%s) = %d, %v; want %d", got, back, ok, ms)
		}
	}
	for day := int64(-1_000_000); day < 3_000_000; day += 17 {
		check(day*msPerDay - 1)
		check(day * msPerDay)
		check(day*msPerDay + 43_200_123)
	}
	check(-62167219200000) // 0000-01-01
	check(253402300799999) // 9999-12-31T23:59:59.999
}
