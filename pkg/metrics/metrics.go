package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds every bourse metric, plus the Go runtime and process
// collectors. Serve exposes it.
var Registry = func() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}()

var (
	recordsIn = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "records_in_total",
		Help: "Input records processed and committed.",
	}, []string{"job"})
	recordsOut = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "records_out_total",
		Help: "Output records committed, by kind.",
	}, []string{"job", "kind"})
	rejects = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "rejects_total",
		Help: "Input records rejected (reject records and REJECTED events).",
	}, []string{"job"})
	commits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "txn_commits_total",
		Help: "Kafka transactions committed.",
	}, []string{"job"})
	aborts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "txn_aborts_total",
		Help: "Kafka transactions aborted (rebalance or failure); their work is redone.",
	}, []string{"job"})
	restarts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "bourse", Name: "run_restarts_total",
		Help: "Stream runs restarted in-process after a transient Kafka error (--restarts).",
	}, []string{"job"})
	lag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "bourse", Name: "consumer_lag_records",
		Help: "Records between the job's position and the last stable offset, summed over its partitions.",
	}, []string{"job"})
	latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "bourse", Name: "txn_duration_seconds",
		Help:    "Time to process one transaction's input and commit it.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
	}, []string{"job"})
)

func init() {
	Registry.MustRegister(recordsIn, recordsOut, rejects, commits, aborts, restarts, lag, latency)
}

// Job is one job's set of metrics.
type Job struct {
	name                                   string
	in, rejects, commits, aborts, restarts prometheus.Counter
	lag                                    prometheus.Gauge
	latency                                prometheus.Observer
	mu                                     sync.Mutex
	out                                    map[string]prometheus.Counter
}

var (
	jobsMu sync.Mutex
	jobs   = map[string]*Job{}
)

// NewJob returns the metrics of the named job; the same name gives the same
// Job.
func NewJob(name string) *Job {
	jobsMu.Lock()
	defer jobsMu.Unlock()
	if j, ok := jobs[name]; ok {
		return j
	}
	j := &Job{
		name:     name,
		in:       recordsIn.WithLabelValues(name),
		rejects:  rejects.WithLabelValues(name),
		commits:  commits.WithLabelValues(name),
		aborts:   aborts.WithLabelValues(name),
		restarts: restarts.WithLabelValues(name),
		lag:      lag.WithLabelValues(name),
		latency:  latency.WithLabelValues(name),
		out:      map[string]prometheus.Counter{},
	}
	jobs[name] = j
	return j
}

// RecordsIn adds n processed input records.
func (j *Job) RecordsIn(n int64) {
	if j != nil {
		j.in.Add(float64(n))
	}
}

// RecordsOut adds n output records of kind.
func (j *Job) RecordsOut(kind string, n int64) {
	if j == nil {
		return
	}
	j.mu.Lock()
	c, ok := j.out[kind]
	if !ok {
		c = recordsOut.WithLabelValues(j.name, kind)
		j.out[kind] = c
	}
	j.mu.Unlock()
	c.Add(float64(n))
}

// Rejects adds n rejected inputs.
func (j *Job) Rejects(n int64) {
	if j != nil {
		j.rejects.Add(float64(n))
	}
}

// Commit counts a committed transaction that took seconds.
func (j *Job) Commit(seconds float64) {
	if j != nil {
		j.commits.Inc()
		j.latency.Observe(seconds)
	}
}

// Abort counts an aborted transaction.
func (j *Job) Abort() {
	if j != nil {
		j.aborts.Inc()
	}
}

// Restart counts a run restarted after a transient error.
func (j *Job) Restart() {
	if j != nil {
		j.restarts.Inc()
	}
}

// Lag sets the consumer lag.
func (j *Job) Lag(records int64) {
	if j != nil {
		j.lag.Set(float64(records))
	}
}
