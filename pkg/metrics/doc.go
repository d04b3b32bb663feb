// Package metrics holds the Prometheus instruments of bourse's stream jobs
// and the HTTP endpoint that serves them.
//
// A Job groups one job's counters (records in and out by kind, rejects,
// transaction commits and aborts), its consumer lag gauge and its
// transaction latency histogram, all labelled job=<name>. Every Job lives in
// the package Registry; Serve exposes it at /metrics. Methods on a nil *Job
// do nothing, so code can take an optional *Job without checks.
package metrics
