// Package windowed is the processor the windowed jobs (sma, profit) share:
// it decodes trades, rejects the bad ones with a reason, and feeds the rest
// to a pkg/window engine configured for the job's outputs.
package windowed
