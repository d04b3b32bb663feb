package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL mechanisms accepted in Config.SASLMechanism.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Environment variables read by FromEnv.
const (
	EnvBrokers      = "BOURSE_KAFKA_BROKERS"
	EnvSASLUser     = "BOURSE_SASL_USERNAME"
	EnvSASLPassword = "BOURSE_SASL_PASSWORD"
)

// DefaultClientID is the client id used when Config.ClientID is empty.
const DefaultClientID = "bourse"

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("kafka config")

// Config says how to reach the cluster. It carries connection settings only;
// each role (producer, runner, reader) adds its own options on top of Opts.
//
// SASLPassword is a secret: String and LogValue redact it, so a Config can
// be logged as a whole.
type Config struct {
	Brokers       []string // seed brokers, host:port
	ClientID      string   // default DefaultClientID
	TLS           bool     // dial with TLS (implied by CAFile/CertFile)
	CAFile        string   // PEM CA bundle; system roots when empty
	CertFile      string   // PEM client certificate for mutual TLS
	KeyFile       string   // PEM key of CertFile
	SASLMechanism string   // "", PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	SASLUser      string   // from BOURSE_SASL_USERNAME
	SASLPassword  string   // from BOURSE_SASL_PASSWORD; never logged
}

// FromEnv fills the fields that come from the environment: the SASL user
// and password (always, when set) and the brokers (when c has none).
// getenv is os.Getenv in production.
func FromEnv(c Config, getenv func(string) string) Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	if len(c.Brokers) == 0 {
		if v := getenv(EnvBrokers); v != "" {
			c.Brokers = SplitBrokers(v)
		}
	}
	return CredentialsFromEnv(c, getenv)
}

// CredentialsFromEnv fills the SASL user and password from
// BOURSE_SASL_USERNAME and BOURSE_SASL_PASSWORD, when set: they are never
// flags, so they appear neither in shell history nor in --help. getenv is
// os.Getenv in production.
func CredentialsFromEnv(c Config, getenv func(string) string) Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv(EnvSASLUser); v != "" {
		c.SASLUser = v
	}
	if v := getenv(EnvSASLPassword); v != "" {
		c.SASLPassword = v
	}
	return c
}

// SplitBrokers splits a comma-separated broker list, dropping blanks.
func SplitBrokers(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return fmt.Errorf("%w: no brokers: expected at least one host:port (flag --brokers or %s)", ErrConfig, EnvBrokers)
	}
	for _, b := range c.Brokers {
		if b == "" || !strings.Contains(b, ":") {
			return fmt.Errorf("%w: broker %q: expected host:port", ErrConfig, b)
		}
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return fmt.Errorf("%w: client certificate and key go together: got cert %q and key %q", ErrConfig, c.CertFile, c.KeyFile)
	}
	switch strings.ToUpper(c.SASLMechanism) {
	case "":
		if c.SASLUser != "" || c.SASLPassword != "" {
			return fmt.Errorf("%w: SASL credentials given but no SASL mechanism: expected one of %s, %s, %s", ErrConfig, SASLPlain, SASLScramSHA256, SASLScramSHA512)
		}
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		if c.SASLUser == "" || c.SASLPassword == "" {
			return fmt.Errorf("%w: SASL %s needs a user and a password (%s, %s)", ErrConfig, c.SASLMechanism, EnvSASLUser, EnvSASLPassword)
		}
	default:
		return fmt.Errorf("%w: SASL mechanism %q: expected one of %s, %s, %s", ErrConfig, c.SASLMechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
	}
	return nil
}

// Opts is the one place a Config becomes franz-go options: seed brokers,
// client id, TLS and SASL. It validates c and reads the TLS files.
func (c Config) Opts() ([]kgo.Opt, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	id := c.ClientID
	if id == "" {
		id = DefaultClientID
	}
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(id)}
	if c.TLS || c.CAFile != "" || c.CertFile != "" {
		tc, err := c.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	switch strings.ToUpper(c.SASLMechanism) {
	case SASLPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsMechanism()))
	case SASLScramSHA256:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsSha256Mechanism()))
	case SASLScramSHA512:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASLUser, Pass: c.SASLPassword}.AsSha512Mechanism()))
	}
	return opts, nil
}

func (c Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: reading CA file: %w", ErrConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: CA file %s: expected PEM certificates, found none", ErrConfig, c.CAFile)
		}
		tc.RootCAs = pool
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: loading client certificate %s / key %s: %w", ErrConfig, c.CertFile, c.KeyFile, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

const redacted = "[REDACTED]"

func (c Config) secret() string {
	if c.SASLPassword == "" {
		return ""
	}
	return redacted
}

// String describes c with the password redacted.
func (c Config) String() string {
	return fmt.Sprintf("kafka{brokers=%s client_id=%s tls=%t ca=%s cert=%s key=%s sasl=%s user=%s password=%s}",
		strings.Join(c.Brokers, ","), c.ClientID, c.TLS, c.CAFile, c.CertFile, c.KeyFile,
		c.SASLMechanism, c.SASLUser, c.secret())
}

// GoString is String, so %#v cannot leak the password either.
func (c Config) GoString() string { return c.String() }

// LogValue makes slog log c as a group with the password redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("brokers", strings.Join(c.Brokers, ",")),
		slog.String("client_id", c.ClientID),
		slog.Bool("tls", c.TLS),
		slog.String("sasl", c.SASLMechanism),
		slog.String("user", c.SASLUser),
		slog.String("password", c.secret()),
	)
}
