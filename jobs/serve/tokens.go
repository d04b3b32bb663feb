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
}

// NewTokens returns an empty token table.
func NewTokens() *Tokens { return &Tokens{traderOf: map[[32]byte]string{}} }

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

// replace swaps in the tokens of u.
func (t *Tokens) replace(u *Tokens) {
	t.mu.Lock()
	t.traderOf = u.traderOf
	t.mu.Unlock()
}

// CheckTrader validates a trader id: 1 to 64 characters of A-Z a-z 0-9 . _ -
func CheckTrader(id string) error {
	if len(id) == 0 || len(id) > 64 {
		return fmt.Errorf("%w: expected 1 to 64 characters, got %d", ErrBadTrader, len(id))
	}
	for _, c := range []byte(id) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: expected only A-Z a-z 0-9 . _ -, got %q", ErrBadTrader, id)
		}
	}
	return nil
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
// the tokens file at path (created with mode 0600 when missing) and returns
// the token. The token itself is stored nowhere: show it to the trader once.
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
