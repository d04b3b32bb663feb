package kafka

import (
	"fmt"

	"github.com/bourse/bourse/pkg/stream"
)

// states holds the processors of the owned partitions and the snapshots
// they last committed. partitioned keeps one processor per input partition
// (match, sma); global keeps one over every partition (profit ranks across
// instruments) and needs the whole assignment. The runner does the rest
// the same way for both.
type states interface {
	// proc is the processor of partition p's records.
	proc(p int32) stream.Processor
	// stage returns the snapshots that a transaction touching partitions
	// ps (sorted) must write, each naming the next offsets and the batch
	// files staged for them.
	stage(ps []int32, next func(int32) int64, files map[int32][]string) []stagedSnapshot
	// commit makes the staged snapshots the committed ones.
	commit()
	// rollback rebuilds every processor from its committed snapshot.
	rollback() error
	// keys says which snapshot keys and state partitions hold the state
	// of partitions ps.
	keys(ps []int32) []stateKey
	// load restores the processors of ps from the snapshots found under
	// keys(ps) (absent: fresh).
	load(ps []int32, snaps map[string]snapshot) error
	// drop forgets partitions ps (revoked).
	drop(ps []int32)
}

type stateKey struct {
	key       string
	partition int32 // of the state topic
	covers    []int32
}

type stagedSnapshot struct {
	stateKey
	snap snapshot
}

// partitioned: one processor per input partition, snapshot key
// "<group>/<topic>/<p>" in state partition p.
type partitioned struct {
	factory      stream.Factory
	group, input string
	procs        map[int32]stream.Processor
	committed    map[int32]snapshot
	staged       map[int32]snapshot
}

func newPartitioned(rc *RunConfig) *partitioned {
	return &partitioned{factory: rc.Factory, group: rc.Group, input: rc.Input,
		procs: map[int32]stream.Processor{}, committed: map[int32]snapshot{}, staged: map[int32]snapshot{}}
}

func (s *partitioned) proc(p int32) stream.Processor { return s.procs[p] }

func (s *partitioned) key(p int32) stateKey {
	return stateKey{key: snapshotKey(s.group, s.input, p, false), partition: p, covers: []int32{p}}
}

func (s *partitioned) stage(ps []int32, next func(int32) int64, files map[int32][]string) []stagedSnapshot {
	out := make([]stagedSnapshot, 0, len(ps))
	for _, p := range ps {
		snap := snapshot{next: map[int32]int64{p: next(p)}, data: s.procs[p].Snapshot(nil), files: files[p]}
		s.staged[p] = snap
		out = append(out, stagedSnapshot{s.key(p), snap})
	}
	return out
}

func (s *partitioned) commit() {
	for p, snap := range s.staged {
		s.committed[p] = snap
	}
	clear(s.staged)
}

func (s *partitioned) rollback() error {
	clear(s.staged)
	for p := range s.procs {
		proc := s.factory(p)
		if c, ok := s.committed[p]; ok && c.data != nil {
			if err := proc.Restore(c.data); err != nil {
				return fmt.Errorf("restoring partition %d: %w", p, err)
			}
		}
		s.procs[p] = proc
	}
	return nil
}

func (s *partitioned) keys(ps []int32) []stateKey {
	out := make([]stateKey, len(ps))
	for i, p := range ps {
		out[i] = s.key(p)
	}
	return out
}

func (s *partitioned) load(ps []int32, snaps map[string]snapshot) error {
	for _, p := range ps {
		proc := s.factory(p)
		k := s.key(p).key
		if snap, ok := snaps[k]; ok {
			if err := proc.Restore(snap.data); err != nil {
				return fmt.Errorf("restoring partition %d from %s: %w", p, k, err)
			}
			s.committed[p] = snap
		} else {
			delete(s.committed, p)
		}
		s.procs[p] = proc
	}
	return nil
}

func (s *partitioned) drop(ps []int32) {
	for _, p := range ps {
		delete(s.procs, p)
		delete(s.committed, p)
		delete(s.staged, p)
	}
}

// global: one processor for every partition, snapshot key
// "<group>/<topic>/global" in state partition 0 with every partition's
// next offset.
type global struct {
	factory      stream.Factory
	group, input string
	nparts       int32
	p            stream.Processor
	committed    *snapshot
	staged       *snapshot
}

func newGlobal(rc *RunConfig, nparts int32) *global {
	return &global{factory: rc.Factory, group: rc.Group, input: rc.Input, nparts: nparts}
}

func (g *global) proc(int32) stream.Processor { return g.p }

func (g *global) key() stateKey {
	all := make([]int32, g.nparts)
	for i := range all {
		all[i] = int32(i)
	}
	return stateKey{key: snapshotKey(g.group, g.input, 0, true), partition: 0, covers: all}
}

// stage writes one snapshot with the next offset of every partition that
// has a position (committed before, or touched now).
func (g *global) stage(ps []int32, next func(int32) int64, files map[int32][]string) []stagedSnapshot {
	snap := snapshot{next: map[int32]int64{}, data: g.p.Snapshot(nil)}
	if g.committed != nil {
		for p := range g.committed.next {
			snap.next[p] = next(p)
		}
	}
	for _, p := range ps {
		snap.next[p] = next(p)
	}
	for p := int32(0); p < g.nparts; p++ {
		snap.files = append(snap.files, files[p]...)
	}
	g.staged = &snap
	return []stagedSnapshot{{g.key(), snap}}
}

func (g *global) commit() {
	if g.staged != nil {
		g.committed, g.staged = g.staged, nil
	}
}

func (g *global) rollback() error {
	g.staged = nil
	if g.p == nil {
		return nil
	}
	p := g.factory(-1)
	if g.committed != nil && g.committed.data != nil {
		if err := p.Restore(g.committed.data); err != nil {
			return fmt.Errorf("restoring global state: %w", err)
		}
	}
	g.p = p
	return nil
}

func (g *global) keys([]int32) []stateKey { return []stateKey{g.key()} }

func (g *global) load(ps []int32, snaps map[string]snapshot) error {
	if len(ps) != int(g.nparts) {
		return fmt.Errorf("%w: assigned %d of the %d partitions; run a single instance of a global job", ErrGlobalSplit, len(ps), g.nparts)
	}
	p := g.factory(-1)
	k := g.key().key
	g.committed = nil
	if snap, ok := snaps[k]; ok {
		if err := p.Restore(snap.data); err != nil {
			return fmt.Errorf("restoring global state from %s: %w", k, err)
		}
		g.committed = &snap
	}
	g.p = p
	return nil
}

// drop forgets everything: global state covers every partition, so with
// any gone it is rebuilt from the state topic on the next full assignment.
func (g *global) drop([]int32) { g.p, g.committed, g.staged = nil, nil, nil }
