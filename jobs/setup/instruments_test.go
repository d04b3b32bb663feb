package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

func TestLoadInstrumentsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ins.csv")
	if err := os.WriteFile(path, []byte("symbol,name,tick_size,lot_size,ref_price\nABC,Abc,0.05,1,10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The file wins over the topic: no broker is asked.
	ins, err := LoadInstruments(t.Context(), InstrumentsFrom{File: path, Kafka: kafka.Config{Brokers: []string{"127.0.0.1:1"}}, Topic: "instruments"}, nil)
	if err != nil || ins.Len() != 1 {
		t.Fatalf("file: %v, %v", ins, err)
	}
	_, err = LoadInstruments(t.Context(), InstrumentsFrom{File: path + ".missing"}, nil)
	if !IsUsage(err) || !strings.HasPrefix(err.Error(), "--instruments: ") {
		t.Fatalf("missing file: %v, want a usage error of --instruments", err)
	}
	ins, err = LoadInstruments(t.Context(), InstrumentsFrom{Topic: "instruments"}, nil)
	if err != nil || ins.Len() != len(record.DefaultInstruments()) {
		t.Fatalf("no file, no brokers: %v, %v; want the built-in list", ins, err)
	}
}

// TestLoadInstrumentsTopic: with brokers the topic is read as
// kafka.ReadInstruments reads it (bad records skipped), and an empty topic
// gives the built-in list.
func TestLoadInstrumentsTopic(t *testing.T) {
	brokers, stop, err := kafka.StartEmbedded(1)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	kc := kafka.Config{Brokers: brokers}
	list := []record.Instrument{{Symbol: "ABC", TickSize: record.MustFixed("0.05"), LotSize: record.One, RefPrice: 10 * record.One}}
	if err := kafka.PublishInstruments(t.Context(), kc, "instruments", list); err != nil {
		t.Fatal(err)
	}
	p, err := kafka.NewProducer(kc, kafka.ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	p.Produce("instruments", []byte("XYZ"), []byte(`{"symbol":"XYZ","tick_size":0}`))
	if err := p.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	p.Close()
	want, skipped, err := kafka.ReadInstruments(t.Context(), kc, "instruments")
	if err != nil || len(skipped) != 1 {
		t.Fatalf("ReadInstruments: %v, skipped %v", err, skipped)
	}
	ins, err := LoadInstruments(t.Context(), InstrumentsFrom{Kafka: kc, Topic: "instruments"}, nil)
	if err != nil || ins.Len() != want.Len() || ins.Len() != 1 {
		t.Fatalf("topic: %v, %v; want %v", ins, err, want)
	}
	if err := kafka.CreateTopics(t.Context(), kc, []string{"empty"}, 1, 1, map[string]bool{"empty": true}); err != nil {
		t.Fatal(err)
	}
	ins, err = LoadInstruments(t.Context(), InstrumentsFrom{Kafka: kc, Topic: "empty"}, nil)
	if err != nil || ins.Len() != len(record.DefaultInstruments()) {
		t.Fatalf("empty topic: %v, %v; want the built-in list", ins, err)
	}
}
