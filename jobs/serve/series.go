package serve

// series is a bounded FIFO that keeps the newest max values.
type series[T any] struct {
	buf   []T
	start int // index of the oldest value when full
	max   int
}

func newSeries[T any](max int) series[T] { return series[T]{max: max} }

// push appends v, dropping the oldest value when full.
func (s *series[T]) push(v T) {
	if s.max <= 0 {
		return
	}
	if len(s.buf) < s.max {
		s.buf = append(s.buf, v)
		return
	}
	s.buf[s.start] = v
	s.start = (s.start + 1) % s.max
}

// at returns the i-th oldest value held.
func (s *series[T]) at(i int) *T { return &s.buf[(s.start+i)%len(s.buf)] }

// last returns the newest value, if any.
func (s *series[T]) last() (*T, bool) {
	if len(s.buf) == 0 {
		return nil, false
	}
	return s.at(len(s.buf) - 1), true
}

// tail copies the newest n values (all when n <= 0 or n > len), oldest
// first.
func (s *series[T]) tail(n int) []T {
	if n <= 0 || n > len(s.buf) {
		n = len(s.buf)
	}
	out := make([]T, n)
	for i := range out {
		out[i] = *s.at(len(s.buf) - n + i)
	}
	return out
}
