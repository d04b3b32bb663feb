package kafkabench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// CPUSample is a snapshot of the machine's CPU time counters (/proc/stat)
// and of this process's CPU time, so that a measurement can say how busy
// the machine was and how much of it this process (producer, match job,
// tail) used; the rest is the broker and other work.
type CPUSample struct {
	at          time.Time
	busy, total uint64 // machine, in clock ticks; total 0 = unknown
	self        time.Duration
}

// SampleCPU takes a CPUSample.
func SampleCPU() CPUSample {
	s := CPUSample{at: time.Now()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return s
	}
	var v [8]uint64 // user nice system idle iowait irq softirq steal
	for i := range v {
		n, err := strconv.ParseUint(f[i+1], 10, 64)
		if err != nil {
			return s
		}
		v[i] = n
		s.total += n
	}
	s.busy = s.total - v[3] - v[4]
	return s
}

// Since describes the interval from earlier to s: the machine's busy share
// and this process's CPU in cores, e.g. "machine CPU 97% busy, this
// process 1.12 cores".
func (s CPUSample) Since(earlier CPUSample) string {
	wall := s.at.Sub(earlier.at)
	if wall <= 0 {
		return "CPU n/a"
	}
	self := fmt.Sprintf("this process %.2f cores", float64(s.self-earlier.self)/float64(wall))
	if s.total == 0 || earlier.total == 0 || s.total <= earlier.total {
		return "machine CPU n/a, " + self
	}
	busy := float64(s.busy-earlier.busy) / float64(s.total-earlier.total)
	return fmt.Sprintf("machine CPU %.0f%% busy, %s", 100*busy, self)
}
