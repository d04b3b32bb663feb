package kafka

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func writeCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bourse-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

func TestConfigOpts(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir)
	bogus := filepath.Join(dir, "bogus.pem")
	_ = os.WriteFile(bogus, []byte("not pem"), 0o600)
	ok := []Config{
		{Brokers: []string{"h:9092"}},
		{Brokers: []string{"h:9092"}, TLS: true},
		{Brokers: []string{"h:9092"}, CAFile: cert, CertFile: cert, KeyFile: key},
		{Brokers: []string{"h:9092"}, SASLMechanism: "PLAIN", SASLUser: "u", SASLPassword: "p"},
		{Brokers: []string{"h:9092"}, SASLMechanism: "SCRAM-SHA-256", SASLUser: "u", SASLPassword: "p"},
		{Brokers: []string{"h:9092"}, TLS: true, SASLMechanism: "SCRAM-SHA-512", SASLUser: "u", SASLPassword: "p"},
	}
	for _, c := range ok {
		opts, err := c.Opts()
		if err != nil || len(opts) < 2 {
			t.Errorf("%v: %d opts, %v", c, len(opts), err)
		}
	}
	bad := map[string]Config{
		"no brokers":       {},
		"host:port":        {Brokers: []string{"h"}},
		"cert no key":      {Brokers: []string{"h:1"}, CertFile: cert},
		"missing CA":       {Brokers: []string{"h:1"}, CAFile: filepath.Join(dir, "nope")},
		"CA not PEM":       {Brokers: []string{"h:1"}, CAFile: bogus},
		"bad mechanism":    {Brokers: []string{"h:1"}, SASLMechanism: "GSSAPI", SASLUser: "u", SASLPassword: "p"},
		"no password":      {Brokers: []string{"h:1"}, SASLMechanism: "PLAIN", SASLUser: "u"},
		"no mechanism":     {Brokers: []string{"h:1"}, SASLUser: "u", SASLPassword: "p"},
		"bad key for cert": {Brokers: []string{"h:1"}, CertFile: cert, KeyFile: bogus},
	}
	for name, c := range bad {
		if _, err := c.Opts(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: got %v, want ErrConfig", name, err)
		}
	}
}

func TestConfigRedactsPassword(t *testing.T) {
	const secret = "hunter2-very-secret"
	c := FromEnv(Config{}, func(k string) string {
		return map[string]string{EnvBrokers: "a:1, b:2", EnvSASLUser: "alice", EnvSASLPassword: secret}[k]
	})
	c.SASLMechanism = SASLScramSHA512
	if c.SASLPassword != secret || c.SASLUser != "alice" || len(c.Brokers) != 2 {
		t.Fatalf("FromEnv: %v", c)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "kafka", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "kafka", c)
	for _, s := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), buf.String()} {
		if strings.Contains(s, secret) {
			t.Fatalf("password leaked: %s", s)
		}
		if !strings.Contains(s, "alice") || !strings.Contains(s, redacted) {
			t.Fatalf("expected user and redaction marker in %s", s)
		}
	}
}

// SASL/SCRAM end to end against kfake.
func TestSASLScramAgainstKfake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "admin", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	good := Config{Brokers: c.ListenAddrs(), SASLMechanism: SASLScramSHA256, SASLUser: "admin", SASLPassword: "s3cret"}
	if err := CreateTopics(t.Context(), good, []string{"t"}, 1, 1, nil); err != nil {
		t.Fatalf("authenticated create: %v", err)
	}
	badc := good
	badc.SASLPassword = "wrong"
	if err := ping(badc); err == nil {
		t.Fatal("wrong password accepted")
	}
}
