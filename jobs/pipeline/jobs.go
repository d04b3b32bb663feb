package pipeline

import (
	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/jobs/profit"
	"github.com/bourse/bourse/jobs/sma"
	"github.com/bourse/bourse/jobs/streamjob"
)

// Jobs are the stream jobs of the pipeline, in the order their data flows.
var Jobs = []streamjob.Job{match.Job, sma.Job, profit.Job}

// JobNames lists the names of Jobs: the jobs that have a state topic.
func JobNames() []string {
	names := make([]string, len(Jobs))
	for i, j := range Jobs {
		names[i] = j.Name
	}
	return names
}
