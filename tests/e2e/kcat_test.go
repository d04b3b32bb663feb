package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/record"
)

// originalOrders writes n orders in the original JSON format: the
// trxn_type spelling, "YYYY/MM/DD, HH:MM:SS" timestamps, float-looking
// numbers. It returns "key|value" lines for kcat and the plain values.
func originalOrders(n int) (keyed, plain string) {
	rng := rand.New(rand.NewPCG(3, 4))
	syms := []string{"TCS", "INFY", "RIL", "ONGC"}
	ref := map[string]int{"TCS": 350000, "INFY": 150000, "RIL": 250000, "ONGC": 25000}
	var k, p strings.Builder
	start := time.Date(2023, 3, 12, 23, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		s := syms[rng.IntN(len(syms))]
		side := "BUY"
		if rng.IntN(2) == 0 {
			side = "SELL"
		}
		cents := ref[s] + rng.IntN(11) - 5
		ts := start.Add(time.Duration(i) * time.Second).Format("2006/01/02, 15:04:05")
		v := fmt.Sprintf(`{"id": %d, "instrument": "%s", "trxn_type": "%s", "quantity": %d.0, "price": %d.%02d, "order_timestamp": "%s"}`,
			1000001+i, s, side, 1+rng.IntN(9), cents/100, cents%100, ts)
		k.WriteString(s + "|" + v + "\n")
		p.WriteString(v + "\n")
	}
	return k.String(), p.String()
}

// TestKcatClient: a non-Go client (kcat, librdkafka) writes orders in the
// original format; match turns them into trades; kcat reads the trades
// back (read_committed) and they equal file mode's.
func TestKcatClient(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		if real || os.Getenv(kafkatest.EnvRequire) == "1" {
			t.Fatal("kcat is not installed (make kcat)")
		}
		t.Skip("kcat is not installed; make test installs it")
	}
	e := newEnv(t)
	tp := e.topics()
	keyed, plain := originalOrders(400)
	orders := filepath.Join(e.dir, "orders.jsonl")
	if err := os.WriteFile(orders, []byte(plain), 0o644); err != nil {
		t.Fatal(err)
	}
	trades := filepath.Join(e.dir, "trades.jsonl")
	file(t, "match", "--quiet", "--in", orders, "--out", trades)

	prod := exec.Command(kcat, "-b", strings.Join(brokers, ","), "-t", tp.Orders, "-P", "-K", "|")
	prod.Stdin = strings.NewReader(keyed)
	if out, err := prod.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}
	e.bourse(120*time.Second, "match", "--quiet")

	cons := exec.Command(kcat, "-b", strings.Join(brokers, ","), "-t", tp.Out[record.KindTrade], "-C", "-e", "-q",
		"-o", "beginning", "-X", "isolation.level=read_committed", "-f", "%k|%s\n")
	out, err := cons.Output()
	if err != nil {
		t.Fatalf("kcat -C: %v", err)
	}
	got := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		key, val, ok := strings.Cut(l, "|")
		if !ok {
			t.Fatalf("kcat line %q", l)
		}
		if key != instrumentOf(t, []byte(val)) {
			t.Errorf("trade keyed %q is for %s", key, instrumentOf(t, []byte(val)))
		}
		got[key] = append(got[key], val)
	}
	want := groupLines(t, mustRead(t, trades))
	if count(want) < 50 {
		t.Fatalf("only %d trades in file mode: the order set does not cross", count(want))
	}
	sameGroups(t, "trades read by kcat", got, want)
}
