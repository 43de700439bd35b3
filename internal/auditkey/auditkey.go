// Package auditkey is the secret the audit chain is keyed with. It lives
// outside the database (the environment, or the dev folder), so someone with
// the database owner's rights can neither forge a row's MAC nor re-hash the
// chain after an edit.
package auditkey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MinBytes is the shortest key accepted.
const MinBytes = 32

// Key is one audit key. ID names it in every row it MACed, so that a
// rotated key's rows stay checkable with the old key.
type Key struct {
	ID     string
	Secret []byte
}

// Parse reads a key written in base64 (standard or URL alphabet, with or
// without padding), at least MinBytes long.
func Parse(s string) (Key, error) {
	s = strings.TrimSpace(s)
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return Key{}, errors.New("the audit key is not base64")
	}
	if len(b) < MinBytes {
		return Key{}, fmt.Errorf("the audit key has %d bytes; at least %d are needed", len(b), MinBytes)
	}
	return FromSecret(b), nil
}

// FromSecret returns the key with secret b and its id.
func FromSecret(b []byte) Key {
	return Key{ID: ID(b), Secret: b}
}

// ID is a key's name: the first 4 bytes of SHA-256 of a label and the key,
// in hex. The trigger audit_chain derives the same.
func ID(secret []byte) string {
	sum := sha256.Sum256(append([]byte("kaa audit key id:"), secret...))
	return hex.EncodeToString(sum[:4])
}

// New returns a random key, for `kaa dev` and for operators (see
// docs/operations.md for how to make one with openssl).
func New() Key {
	b := make([]byte, MinBytes)
	rand.Read(b)
	return FromSecret(b)
}

// IsZero reports whether k is no key at all.
func (k Key) IsZero() bool { return len(k.Secret) == 0 }

// String is the key in standard base64, as KAA_AUDIT_KEY takes it.
func (k Key) String() string { return base64.StdEncoding.EncodeToString(k.Secret) }

// MAC is HMAC-SHA256 of msg under k.
func (k Key) MAC(msg []byte) []byte {
	m := hmac.New(sha256.New, k.Secret)
	m.Write(msg)
	return m.Sum(nil)
}

// Sub is a key derived from k for one other use (such as checkpoints), so
// that a MAC made for that use is never a valid row MAC.
func (k Key) Sub(use string) Key {
	return Key{ID: k.ID, Secret: k.MAC([]byte("kaa audit " + use))}
}

// Find returns the key among keys whose id is id.
func Find(keys []Key, id string) (Key, bool) {
	for _, k := range keys {
		if k.ID == id {
			return k, true
		}
	}
	return Key{}, false
}
