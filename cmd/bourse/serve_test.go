package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bourse/bourse/jobs/serve"
)

// TestTokenAdd: the token alone on stdout (TOKEN=$(bourse serve token add
// …) captures it), messages on stderr, a loose tokens file tightened to
// 0600 with a warning, a bad trader id a usage error.
func TestTokenAdd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	out, errs, code := bourse(t, "serve", "token", "add", "desk-7:alice@firm", "--tokens", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	tok := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(tok, serve.TokenPrefix) || strings.Contains(tok, "\n") || strings.Contains(errs, tok) {
		t.Fatalf("stdout %q, stderr %q: want the token alone on stdout", out, errs)
	}
	if !strings.Contains(errs, "mode 0644") || !strings.Contains(errs, "added to") {
		t.Errorf("stderr %q: want the mode warning and the confirmation", errs)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	tokens, err := serve.LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if who, ok := tokens.Lookup(tok); !ok || who != "desk-7:alice@firm" {
		t.Fatalf("Lookup(printed token) = %q %v", who, ok)
	}
	for _, bad := range []string{"a\x00b", "line\nbreak", "\x1b[31mred", strings.Repeat("x", 65)} {
		if out, _, code := bourse(t, "serve", "token", "add", bad, "--tokens", path); code != 2 || out != "" {
			t.Errorf("token add %q: exit %d, stdout %q; want 2 and nothing", bad, code, out)
		}
	}
}
