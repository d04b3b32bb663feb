package kafka

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestReadInstrumentsPoisoned: bad records on the instruments topic are
// skipped with a reason, each symbol keeps its last good value, tombstones
// delete, and the load succeeds.
func TestReadInstrumentsPoisoned(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		topic, _, _ := b.names(t)
		topic = "instruments-" + topic
		b.createTopics(t, 1, topic)
		p, err := NewProducer(b.cfg, ProducerConfig{})
		if err != nil {
			t.Fatal(err)
		}
		recs := []struct{ key, value string }{
			{"TCS", `{"symbol":"TCS","tick_size":0.01,"lot_size":1,"ref_price":3500}`},
			{"INFY", `{"symbol":"INFY","tick_size":0.01,"lot_size":1,"ref_price":1500}`},
			{"RIL", `{"symbol":"RIL","tick_size":0.05,"lot_size":1,"ref_price":2500}`},
			{"TCS", `{"symbol":"TCS","tick_size":0,"lot_size":1,"ref_price":3500}`},       // tick 0
			{"INFY", `{"symbol":"INFY","tick_size":0.01,"lot_size":-1,"ref_price":1500}`}, // lot -1
			{"RIL", `{"symbol":"RIL","tick_size":`},                                       // bad JSON
			{"ONGC", `{"symbol":"RIL","tick_size":1,"lot_size":1,"ref_price":1}`},         // key is not the symbol
			{"XYZ", `not json`}, // never good: absent
			{"RIL", `{"symbol":"RIL","tick_size":0.01,"lot_size":1,"ref_price":2500}`}, // a later good value wins
			{"GONE", `{"symbol":"GONE","tick_size":1,"lot_size":1,"ref_price":1}`},
			{"GONE", ""}, // tombstone (nil value below)
			{"", `{"symbol":"ONGC","tick_size":0.01,"lot_size":1,"ref_price":250}`}, // keyless: under its symbol
		}
		for _, r := range recs {
			var v []byte
			if r.value != "" {
				v = []byte(r.value)
			}
			var k []byte
			if r.key != "" {
				k = []byte(r.key)
			}
			p.Produce(topic, k, v)
		}
		if err := p.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		p.Close()

		ins, skipped, err := ReadInstruments(t.Context(), b.cfg, topic)
		if err != nil {
			t.Fatalf("one bad record failed the load: %v", err)
		}
		want := map[string]string{"TCS": "0.01", "INFY": "0.01", "RIL": "0.01", "ONGC": "0.01"}
		if ins.Len() != len(want) {
			t.Errorf("instruments %v, want %v", ins.List(), want)
		}
		for sym, tick := range want {
			in, ok := ins.Lookup(sym)
			if !ok || in.TickSize != record.MustFixed(tick) || in.LotSize != record.One {
				t.Errorf("%s: %+v %v, want tick %s lot 1", sym, in, ok, tick)
			}
		}
		wantSkips := []struct{ key, reason string }{
			{"TCS", record.ReasonNonPositive}, {"INFY", record.ReasonNonPositive}, {"RIL", record.ReasonBadJSON},
			{"ONGC", record.ReasonKeyMismatch}, {"XYZ", record.ReasonBadJSON},
		}
		if len(skipped) != len(wantSkips) {
			t.Fatalf("skipped %+v, want %d", skipped, len(wantSkips))
		}
		for i, w := range wantSkips {
			s := skipped[i]
			if s.Key != w.key || s.Reason != w.reason || s.Offset != int64(3+i) || s.Message == "" {
				t.Errorf("skipped[%d] = %+v, want key %s reason %s offset %d", i, s, w.key, w.reason, 3+i)
			}
		}

		// A topic whose records leave nothing in force is an error that
		// says so; an empty topic is (nil, nil).
		bad, _, _ := b.names(t)
		bad = "instruments-bad-" + bad
		empty := bad + "-empty"
		b.createTopics(t, 1, bad, empty)
		p, _ = NewProducer(b.cfg, ProducerConfig{})
		p.Produce(bad, []byte("TCS"), []byte(`{"symbol":"TCS","tick_size":0}`))
		if err := p.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		p.Close()
		if ins, skipped, err := ReadInstruments(t.Context(), b.cfg, bad); err == nil || ins != nil || len(skipped) != 1 {
			t.Errorf("all-bad topic: %v %v %v", ins, skipped, err)
		}
		if ins, skipped, err := ReadInstruments(t.Context(), b.cfg, empty); err != nil || ins != nil || skipped != nil {
			t.Errorf("empty topic: %v %v %v", ins, skipped, err)
		}
	})
}
