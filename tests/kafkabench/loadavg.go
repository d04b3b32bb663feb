package kafkabench

import (
	"os"
	"strings"
)

// LoadAvg returns the machine's 1, 5 and 15 minute load averages as
// /proc/loadavg shows them ("1.23 0.98 0.80"), or "n/a" where there is no
// /proc (figures on a busy machine are not comparable with an idle one).
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
