package produce

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// Summary says what a produce run wrote.
type Summary struct {
	Orders  int
	Elapsed time.Duration
}

// String is the summary line printed at the end of a run.
func (s Summary) String() string {
	rate := float64(s.Orders) / max(s.Elapsed.Seconds(), 1e-9)
	return fmt.Sprintf("produce: wrote %d orders in %s (%.0f orders/s)", s.Orders, s.Elapsed.Round(time.Millisecond), rate)
}

// orderWriter is where orders go: a file or the orders topic.
type orderWriter interface {
	write(o *record.Order, line []byte) error
	close(ctx context.Context) error
}

// Run writes cfg.Count synthetic orders. Each order is echoed as a human
// line to human unless cfg.Quiet.
func Run(ctx context.Context, cfg Config, human io.Writer, log *slog.Logger) (Summary, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	ins, err := loadInstruments(ctx, cfg)
	if err != nil {
		return Summary{}, err
	}
	gen, err := flow.NewGenerator(cfg.Gen, ins.List())
	if err != nil {
		return Summary{}, setup.Usage("", err)
	}
	w, err := openWriter(ctx, cfg, ins)
	if err != nil {
		return Summary{}, err
	}
	echo := newEcho(human, cfg.Quiet)
	batches, err := openBatches(cfg)
	if err != nil {
		w.close(ctx)
		return Summary{}, err
	}
	var o record.Order
	var line []byte
	p := pacer{start: time.Now(), rate: cfg.Rate}
	n := 0
	for ; n < cfg.Count; n++ {
		if ctx.Err() != nil {
			break
		}
		p.wait(n)
		gen.Next(&o)
		line = record.AppendOrderJSON(line[:0], &o)
		if err = w.write(&o, line); err != nil {
			break
		}
		if err = batches.add(&o, n+1); err != nil {
			break
		}
		echo.order(&o)
	}
	echo.flush()
	if berr := batches.close(n); berr != nil && err == nil {
		err = berr
	}
	if cerr := w.close(ctx); cerr != nil && err == nil {
		err = cerr
	}
	return Summary{Orders: n, Elapsed: time.Since(start)}, err
}

// WriteOrder writes one order (the manual `produce order` command).
func WriteOrder(ctx context.Context, cfg Config, o *record.Order, human io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	ins, err := loadInstruments(ctx, cfg)
	if err != nil {
		return err
	}
	check := *o
	if err := ins.Validate(&check); err != nil && o.Action != record.Cancel {
		return setup.Usage("", err)
	}
	w, err := openWriter(ctx, cfg, ins)
	if err != nil {
		return err
	}
	err = w.write(o, record.AppendOrderJSON(nil, o))
	if cerr := w.close(ctx); cerr != nil && err == nil {
		err = cerr
	}
	if err == nil {
		e := newEcho(human, cfg.Quiet)
		e.order(o)
		e.flush()
	}
	return err
}

// loadInstruments reads the --instruments file or takes the built-in list:
// produce publishes the reference, so it never reads the topic.
func loadInstruments(ctx context.Context, cfg Config) (*record.Instruments, error) {
	return setup.LoadInstruments(ctx, setup.InstrumentsFrom{File: cfg.Instruments}, nil)
}

func openWriter(ctx context.Context, cfg Config, ins *record.Instruments) (orderWriter, error) {
	if len(cfg.Kafka.Brokers) > 0 {
		if err := kafka.PublishInstruments(ctx, cfg.Kafka, cfg.Topics.Instruments, ins.List()); err != nil {
			return nil, fmt.Errorf("publish instruments: %w", err)
		}
		p, err := kafka.NewProducer(cfg.Kafka, kafka.ProducerConfig{Compression: cfg.Compression})
		if err != nil {
			return nil, fmt.Errorf("connect to Kafka: %w", err)
		}
		return &topicWriter{p: p, topic: cfg.Topics.Orders}, nil
	}
	if cfg.Out == "-" {
		return &fileWriter{w: bufio.NewWriterSize(os.Stdout, 64<<10)}, nil
	}
	f, err := os.Create(cfg.Out)
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &fileWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

type fileWriter struct {
	f *os.File
	w *bufio.Writer
}

func (fw *fileWriter) write(_ *record.Order, line []byte) error {
	if _, err := fw.w.Write(line); err != nil {
		return fmt.Errorf("write order: %w", err)
	}
	return fw.w.WriteByte('\n')
}

func (fw *fileWriter) close(context.Context) error {
	err := fw.w.Flush()
	if fw.f != nil {
		if cerr := fw.f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("write orders: %w", err)
	}
	return nil
}

type topicWriter struct {
	p     *kafka.Producer
	topic string
}

// write hands the record to the asynchronous producer, which keeps the
// slices until the broker acknowledges them: hence the copy.
func (tw *topicWriter) write(o *record.Order, line []byte) error {
	tw.p.Produce(tw.topic, []byte(o.Instrument), bytes.Clone(line))
	return nil
}

func (tw *topicWriter) close(ctx context.Context) error {
	err := tw.p.Flush(ctx)
	tw.p.Close()
	if err != nil {
		return fmt.Errorf("flush orders to topic %q: %w", tw.topic, err)
	}
	return nil
}
