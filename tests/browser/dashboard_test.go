package browser

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/jobs/profit"
	"github.com/bourse/bourse/jobs/serve"
	"github.com/bourse/bourse/jobs/sma"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/record"
	"github.com/chromedp/chromedp"
)

// chromium finds the browser: $CHROMIUM, else chromium on PATH. Without
// one the test skips, unless BOURSE_REQUIRE_BROWSER=1 (CI), where it fails.
func chromium(t *testing.T) string {
	for _, c := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("BOURSE_REQUIRE_BROWSER") == "1" {
		t.Fatal("BOURSE_REQUIRE_BROWSER=1 but chromium is not installed (make chromium)")
	}
	t.Skip("chromium not installed (make chromium); set BOURSE_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

// startExchange runs the whole pipeline on its own topics — match, sma
// (bars and SMA), profit and serve — and returns the server's URL and
// tokens of traders alice and mm. The windows are short (1 s bars, 2 s
// windows sliding by 1 s) so that candles, the SMA line and the top-profit
// windows close within seconds of wall-clock time (serve stamps orders with
// it); profit does not wait for the instruments that never trade (--idle).
// status writes a status record to the status topic, as match does with
// --session.
func startExchange(t *testing.T) (url, alice, mm string, status func(record.Status)) {
	kcfg := kafka.Config{Brokers: kafkatest.Brokers(t, 3)}
	run := fmt.Sprintf("b%d", time.Now().UnixNano())
	topics := kafka.PrefixedTopics(run).Only(record.KindTrade, record.KindEvent, record.KindBar, record.KindSMA, record.KindProfit,
		record.KindBook, record.KindBookSnapshot, record.KindStatus)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := kafka.CreateTopics(ctx, kcfg, topics.Names(), 3, -1, nil); err != nil {
		t.Fatal(err)
	}
	if err := kafka.PublishInstruments(ctx, kcfg, topics.Instruments, record.DefaultInstruments()); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mc := match.DefaultConfig()
	mc.Kafka, mc.Topics, mc.Group, mc.Follow, mc.Quiet = kcfg, topics, run+"-match", true, true
	mc.StateTopic = run + "-match-state" // its own: the default may exist with another partition count
	mc.CommitInterval = 20 * time.Millisecond
	go match.Run(ctx, mc, nil, log)

	win := windowed.Windows{Bar: time.Second, Window: 2 * time.Second, Slide: time.Second, Idle: time.Second}
	stream := func(job string) streamjob.Config {
		rc := streamjob.Defaults()
		rc.Kafka, rc.Topics, rc.Group, rc.Follow = kcfg, topics, run+"-"+job, true
		rc.StateTopic = run + "-" + job + "-state"
		rc.CommitInterval = 20 * time.Millisecond
		return rc
	}
	sc0 := sma.DefaultConfig()
	sc0.Config, sc0.Windows, sc0.Files = stream("sma"), win, streamjob.Files{}
	go func() {
		if _, err := sma.Run(ctx, sc0, log); err != nil && ctx.Err() == nil {
			t.Errorf("sma: %v", err)
		}
	}()
	pc := profit.DefaultConfig()
	pc.Config.Config, pc.Windows, pc.Files = stream("profit"), win, streamjob.Files{}
	go func() {
		if _, err := profit.Run(ctx, pc, log); err != nil && ctx.Err() == nil {
			t.Errorf("profit: %v", err)
		}
	}()

	tokens := filepath.Join(t.TempDir(), "tokens")
	alice, _ = serve.AddToken(tokens, "alice")
	mm, _ = serve.AddToken(tokens, "mm")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sc := serve.Defaults()
	sc.Kafka, sc.Topics, sc.Addr, sc.Tokens = kcfg, topics, addr, tokens
	sc.Rate, sc.Burst = 1000, 1000
	errc := make(chan error, 1)
	go func() { errc <- serve.Run(ctx, sc, log) }()
	p, err := kafka.NewProducer(kcfg, kafka.ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	status = func(st record.Status) {
		if err := p.ProduceSync(ctx, topics.Out[record.KindStatus], []byte(st.Instrument), record.AppendStatusJSON(nil, &st)); err != nil {
			t.Fatal(err)
		}
	}
	url = "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			return url, alice, mm, status
		}
		select {
		case err := <-errc:
			t.Fatalf("serve: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if i > 400 {
			t.Fatal("serve did not start")
		}
	}
}

func post(t *testing.T, url, token, body string) {
	req, _ := http.NewRequest("POST", url+"/api/orders", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Errorf("feeder order: %d", resp.StatusCode)
	}
}

// TestDashboard signs in, watches the chart and the trade tape update as
// trades flow, places an order from the ticket and finds it in the book,
// shows a phase change, cancels the order with the kill switch, checks the
// phone-sized layout, and saves screenshots.
func TestDashboard(t *testing.T) {
	exe := chromium(t)
	url, alice, mm, status := startExchange(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	defer tcancel()

	poll := func(js string, d time.Duration) error {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(d)))
		return err
	}
	count := func(js string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	text := func(js string) string {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		return s
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#token"),
		chromedp.SendKeys("#token", alice),
		chromedp.Click("#signin button"),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if err := poll(`document.getElementById("who").textContent.includes("alice") && document.querySelector("#conn.on") !== null`, 20*time.Second); err != nil {
		t.Fatalf("not signed in and streaming: %v (%q)", err, text(`document.getElementById("who").textContent`))
	}

	// a resting ladder on both sides of INFY, away from the feeder's prices.
	for i := 0; i < 4; i++ {
		post(t, url, mm, fmt.Sprintf(`{"instrument":"INFY","txn_type":"SELL","quantity":%d,"price":%d}`, 10+i, 1520+5*i))
		post(t, url, mm, fmt.Sprintf(`{"instrument":"INFY","txn_type":"BUY","quantity":%d,"price":%d}`, 10+i, 1480-5*i))
	}

	// trades flow: the feeder crosses orders on INFY (the first instrument).
	stop := make(chan struct{})
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(150 * time.Millisecond):
			}
			p := 1500 + i%7
			post(t, url, mm, fmt.Sprintf(`{"instrument":"INFY","txn_type":"SELL","quantity":%d,"price":%d}`, 1+i%3, p))
			post(t, url, mm, fmt.Sprintf(`{"instrument":"INFY","txn_type":"BUY","quantity":%d,"price":%d}`, 1+i%3, p))
		}
	}()
	defer func() { close(stop); <-fed }()

	points := `Number(document.getElementById("chart").dataset.points)`
	tape := `document.querySelectorAll("#tape li").length`
	if err := poll(points+` >= 3 && `+tape+` >= 3`, 30*time.Second); err != nil {
		t.Fatalf("chart and tape did not fill: %d points, %d tape rows", count(points), count(tape))
	}
	// the depth ladder: both sides of the resting ladder, moving with the
	// book feed (its seq grows as the feeder's orders trade).
	ladder := `document.querySelectorAll("#book tbody tr").length`
	bookSeq := `Number(document.getElementById("book").dataset.seq || 0)`
	twoSided := `[...document.querySelectorAll("#book tbody tr")].some(r => r.cells[1].textContent !== "" && r.cells[2].textContent !== "")`
	if err := poll(ladder+` >= 4 && `+twoSided, 20*time.Second); err != nil {
		t.Fatalf("the depth ladder did not fill: %q", text(`document.getElementById("book").innerText`))
	}
	seq0 := count(bookSeq)
	p0 := count(points)
	firstTrade := text(`document.querySelector("#tape li").dataset.tradeId`)
	if err := poll(fmt.Sprintf(`%s > %d && document.querySelector("#tape li").dataset.tradeId !== %q`, points, p0+2, firstTrade), 30*time.Second); err != nil {
		t.Fatalf("chart and tape did not update as trades flowed: %d points (was %d)", count(points), p0)
	}
	if err := poll(fmt.Sprintf(`%s > %d`, bookSeq, seq0+4), 20*time.Second); err != nil {
		t.Fatalf("the depth ladder did not move with the book feed: seq %d (was %d)", count(bookSeq), seq0)
	}

	// the windowed jobs' panels: candles from the bars, the SMA line drawn
	// over them, the top-profit instrument per window; each keeps moving.
	bars := `Number(document.getElementById("chart").dataset.bars)`
	smaLine := `Number(document.getElementById("chart").dataset.sma)`
	top := `document.querySelectorAll("#top li").length`
	if err := poll(bars+` >= 2 && `+smaLine+` >= 2 && `+top+` >= 2`, 30*time.Second); err != nil {
		t.Fatalf("candles, SMA line or top profit did not fill: %d bars, %d SMA points drawn, %d top-profit windows",
			count(bars), count(smaLine), count(top))
	}
	b0, s0 := count(bars), count(smaLine)
	topEnd := text(`document.querySelector("#top li").dataset.windowEnd`)
	if err := poll(fmt.Sprintf(`%s > %d && %s > %d && document.querySelector("#top li").dataset.windowEnd !== %q && document.querySelector("#top li b").textContent === "INFY"`,
		bars, b0, smaLine, s0, topEnd), 30*time.Second); err != nil {
		t.Fatalf("candles, SMA line and top profit did not move with the stream: %d bars (was %d), %d SMA points (was %d), top %q (was window end %s)",
			count(bars), b0, count(smaLine), s0, text(`document.getElementById("top").innerText`), topEnd)
	}

	// an order from the ticket rests in the book and shows in my orders.
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#side", "BUY"),
		chromedp.SetValue("#qty", "7"),
		chromedp.SetValue("#price", "1400.5"),
		chromedp.Click("#place"),
	); err != nil {
		t.Fatal(err)
	}
	if err := poll(`document.getElementById("ticket-status").textContent.includes("sent")`, 10*time.Second); err != nil {
		t.Fatalf("order ticket: %v (status %q)", err, text(`document.getElementById("ticket-status").textContent`))
	}
	inBook := `[...document.querySelectorAll("#book tbody tr")].some(r => r.cells[1].textContent === (1400.5).toLocaleString() && r.cells[0].textContent === "7")`
	if err := poll(inBook, 20*time.Second); err != nil {
		t.Fatalf("the ticket's order is not in the book: %q", text(`document.getElementById("book").innerText`))
	}
	inOrders := `[...document.querySelectorAll("#orders tbody tr")].some(r => r.cells[5].textContent === "ACCEPTED")`
	if err := poll(inOrders, 10*time.Second); err != nil {
		t.Fatalf("my orders does not show the order ACCEPTED: %q", text(`document.getElementById("orders").innerText`))
	}
	time.Sleep(500 * time.Millisecond)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	save(t, "dashboard.png", shot)

	// the instrument's trading phase from a status record; the kill switch
	// (armed by a first click) cancels the ticket's order.
	status(record.Status{Instrument: "INFY", Phase: "CONTINUOUS", Time: time.Now().UnixMilli()})
	if err := poll(`document.getElementById("phase").textContent === "CONTINUOUS"`, 20*time.Second); err != nil {
		t.Fatalf("the phase badge shows %q, want CONTINUOUS", text(`document.getElementById("phase").textContent`))
	}
	if err := chromedp.Do(ctx, chromedp.Click("#cancel-all"), chromedp.Click("#cancel-all")); err != nil {
		t.Fatal(err)
	}
	if err := poll(`document.getElementById("ticket-status").textContent.includes("cancel all sent")`, 10*time.Second); err != nil {
		t.Fatalf("kill switch: %v (status %q)", err, text(`document.getElementById("ticket-status").textContent`))
	}
	cancelled := `[...document.querySelectorAll("#orders tbody tr")].some(r => r.cells[5].textContent === "CANCELLED") && ![...document.querySelectorAll("#orders tbody tr")].some(r => r.cells[5].textContent === "ACCEPTED")`
	if err := poll(cancelled+` && !(`+inBook+`)`, 20*time.Second); err != nil {
		t.Fatalf("the kill switch did not cancel the ticket's order: %q; book %q", text(`document.getElementById("orders").innerText`), text(`document.getElementById("book").innerText`))
	}

	// phone-sized: one column, nothing wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	// the new width is in effect, and a frame later the resize handlers
	// (which redraw the charts) have run.
	if err := poll(`window.innerWidth === 390`, 5*time.Second); err != nil {
		t.Fatalf("viewport still %d px wide", count(`window.innerWidth`))
	}
	count(`window.framed = 0, requestAnimationFrame(() => requestAnimationFrame(() => window.framed = 1)), 0`)
	if err := poll(`window.framed === 1`, 5*time.Second); err != nil {
		t.Fatal("no frame rendered after the resize")
	}
	if overflow := count(`document.documentElement.scrollWidth > window.innerWidth + 1 ? 1 : 0`); overflow != 0 {
		t.Error("the dashboard is wider than a 390px phone screen")
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatal(err)
	}
	save(t, "dashboard-phone.png", shot)
}

// save writes a screenshot to the test's artifact directory and, for
// humans reading the docs, to docs/ (BOURSE_UPDATE_SCREENSHOT=1).
func save(t *testing.T, name string, png []byte) {
	dir := t.ArtifactDir()
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("screenshot: %s", filepath.Join(dir, name))
	if os.Getenv("BOURSE_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
}
