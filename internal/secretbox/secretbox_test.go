package secretbox_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/secretbox"
)

func mustKeys(t *testing.T, s string) *secretbox.Keyring {
	t.Helper()
	k, err := secretbox.ParseKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSecretbox: a sealed secret does not show the secret, opens again only
// with its own context, and survives a key rotation: the old key still
// opens it (reported stale), the new key seals it again.
func TestSecretbox(t *testing.T) {
	t.Parallel()
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	old := secretbox.NewKey("old")
	next := secretbox.NewKey("new")
	k1 := mustKeys(t, old)

	t.Run("RoundTrip", func(t *testing.T) {
		sealed := k1.Seal(secret, "user:7")
		if strings.Contains(sealed, secret) || !secretbox.Sealed(sealed) {
			t.Fatalf("sealed value shows the secret or is not marked: %q", sealed)
		}
		if k1.Seal(secret, "user:7") == sealed {
			t.Error("two seals of one secret are equal: the nonce is not fresh")
		}
		got, stale, err := k1.Open(sealed, "user:7")
		if err != nil || got != secret || stale {
			t.Errorf("open: %q stale=%v err=%v", got, stale, err)
		}
	})
	t.Run("OtherContextOrAltered", func(t *testing.T) {
		sealed := k1.Seal(secret, "user:7")
		if _, _, err := k1.Open(sealed, "user:8"); err == nil {
			t.Error("a secret copied to another user opens")
		}
		b := []byte(sealed)
		b[len(b)-2] ^= 1
		if _, _, err := k1.Open(string(b), "user:7"); err == nil {
			t.Error("an altered value opens")
		}
	})
	t.Run("Rotation", func(t *testing.T) {
		sealed := k1.Seal(secret, "user:7")
		k2 := mustKeys(t, next+","+old)
		if k2.Current() != "new" {
			t.Fatalf("current key %q, want the first one", k2.Current())
		}
		got, stale, err := k2.Open(sealed, "user:7")
		if err != nil || got != secret || !stale {
			t.Fatalf("old value under the new keyring: %q stale=%v err=%v", got, stale, err)
		}
		resealed := k2.Seal(got, "user:7")
		if !strings.HasPrefix(resealed, "kaa1:new:") {
			t.Errorf("resealed under %q", resealed)
		}
		// Once the old key is dropped, only values sealed again still open.
		k3 := mustKeys(t, next)
		if _, _, err := k3.Open(sealed, "user:7"); !errors.Is(err, secretbox.ErrNoKey) {
			t.Errorf("old value without its key: %v, want ErrNoKey", err)
		}
		if got, stale, err := k3.Open(resealed, "user:7"); err != nil || got != secret || stale {
			t.Errorf("resealed value: %q stale=%v err=%v", got, stale, err)
		}
	})
	t.Run("LegacyPlain", func(t *testing.T) {
		got, stale, err := k1.Open(secret, "user:7")
		if err != nil || got != secret || !stale {
			t.Errorf("a legacy plain secret: %q stale=%v err=%v", got, stale, err)
		}
	})
	t.Run("BadKeys", func(t *testing.T) {
		for _, s := range []string{"", "nokey", "a:c2hvcnQ=", "a b:" + strings.Repeat("A", 44), old + "," + old} {
			if _, err := secretbox.ParseKeys(s); err == nil {
				t.Errorf("ParseKeys(%q) accepted", s)
			}
		}
	})
}
