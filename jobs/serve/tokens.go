package serve

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
)

// TokenPrefix starts every bearer token AddToken makes.
const TokenPrefix = "bt_"

// ErrBadTrader is wrapped when a trader id is not acceptable.
var ErrBadTrader = errors.New("bad trader id")

// Tokens maps the SHA-256 of bearer tokens to trader ids. Only hashes are
// held or stored: a token is shown once, when AddToken makes it. It is safe
// for concurrent use and can be reloaded when its file changes (a mounted
// Kubernetes Secret is updated in place).
type Tokens struct {
	mu       sync.RWMutex
	traderOf map[[32]byte]string
	changed  chan struct{} // closed (and replaced) by every replace
}

// NewTokens returns an empty token table.
func NewTokens() *Tokens {
	return &Tokens{traderOf: map[[32]byte]string{}, changed: make(chan struct{})}
}

// HashToken returns the hex SHA-256 of a token, as stored in a tokens file.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Add registers the hex SHA-256 hash of a token for trader.
func (t *Tokens) Add(trader, hash string) error {
	if err := CheckTrader(trader); err != nil {
		return err
	}
	var h [32]byte
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) != 32 {
		return fmt.Errorf("token hash for %s: expected 64 hex digits (SHA-256), got %d characters", trader, len(hash))
	}
	copy(h[:], b)
	t.mu.Lock()
	t.traderOf[h] = trader
	t.mu.Unlock()
	return nil
}

// Lookup returns the trader a bearer token belongs to.
func (t *Tokens) Lookup(token string) (string, bool) {
	if token == "" {
		return "", false
	}
	h := sha256.Sum256([]byte(token))
	t.mu.RLock()
	trader, ok := t.traderOf[h]
	t.mu.RUnlock()
	return trader, ok
}

// Len is the number of tokens.
func (t *Tokens) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.traderOf)
}

// replace swaps in the tokens of u and wakes whoever waits on Changed
// (the open streams, which then check that their token still holds).
func (t *Tokens) replace(u *Tokens) {
	t.mu.Lock()
	t.traderOf = u.traderOf
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// Changed returns a channel closed at the next reload.
func (t *Tokens) Changed() <-chan struct{} {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.changed
}

// MaxTraderLen is the longest trader id accepted, in bytes.
const MaxTraderLen = 64

// CheckTrader validates a trader id: 1 to 64 bytes of A-Z a-z 0-9 and
// - _ . : @ (the match job's rule), so that an id is safe in logs, JSON,
// CSV and terminals.
func CheckTrader(id string) error {
	if len(id) == 0 || len(id) > MaxTraderLen {
		return fmt.Errorf("%w: expected 1 to %d bytes, got %d", ErrBadTrader, MaxTraderLen, len(id))
	}
	for _, c := range []byte(id) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':' || c == '@') {
			return fmt.Errorf("%w: expected only A-Z a-z 0-9 - _ . : @, got %q", ErrBadTrader, id)
		}
	}
	return nil
}

// bearer returns the token of an "Authorization: Bearer <token>" header;
// the scheme is case-insensitive (RFC 7235).
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// TightenMode makes sure the tokens file at path is readable by its owner
// only: a file with a looser mode is changed to 0600. It returns the mode
// found when it changed it (the caller warns), and an error when it could
// not (a read-only Kubernetes Secret mount: set its defaultMode to 0400).
func TightenMode(path string) (was os.FileMode, changed bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false, fmt.Errorf("tokens file: %w", err)
	}
	was = fi.Mode().Perm()
	if was&0o077 == 0 {
		return was, false, nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return was, false, fmt.Errorf("tokens file %s has mode %#o, readable by others; expected 0600 and chmod failed: %w", path, was, err)
	}
	return was, true, nil
}

// ParseTokens reads a tokens file: one "trader_id,sha256hex" per line;
// blank lines and lines starting with # are ignored. A trader may have
// several tokens.
func ParseTokens(data []byte) (*Tokens, error) {
	t := NewTokens()
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		trader, hash, ok := strings.Cut(line, ",")
		if !ok {
			return nil, fmt.Errorf("tokens line %d: expected trader_id,sha256, got no comma", n)
		}
		if err := t.Add(strings.TrimSpace(trader), strings.ToLower(strings.TrimSpace(hash))); err != nil {
			return nil, fmt.Errorf("tokens line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading tokens: %w", err)
	}
	return t, nil
}

// LoadTokens reads a tokens file (see ParseTokens).
func LoadTokens(path string) (*Tokens, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokens file: %w", err)
	}
	t, err := ParseTokens(data)
	if err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return t, nil
}

// AddToken makes a new random bearer token for trader, appends its hash to
// the tokens file at path (created with mode 0600 when missing; see
// TightenMode for an existing one) and returns the token. The token itself is stored nowhere: show it to the trader once.
func AddToken(path, trader string) (string, error) {
	if err := CheckTrader(trader); err != nil {
		return "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return "", fmt.Errorf("tokens file: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s,%s\n", trader, HashToken(token)); err != nil {
		f.Close()
		return "", fmt.Errorf("tokens file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("tokens file %s: %w", path, err)
	}
	return token, nil
}
