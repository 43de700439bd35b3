// Package secretbox seals small secrets (the TOTP secrets of two-factor
// sign-in) with AES-256-GCM under keys the operator gives in the
// environment, so that a copy of the database alone does not reveal them.
// Each sealed value names its key, so keys can be rotated: new values use
// the current key, older ones open with the key they name until they are
// sealed again.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// prefix marks a sealed value; anything else is a legacy plain value.
const prefix = "kaa1:"

// ErrNoKey means the value names a key the keyring does not hold.
var ErrNoKey = errors.New("secretbox: the key this value was sealed with is not configured")

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Keyring holds the current key, which seals, and the previous ones, which
// still open what they sealed.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// ParseKeys reads a comma-separated list of id:base64-key, the current key
// first, each key 32 bytes (standard or URL base64). Example:
// "2025b:3q2+7w...=,2024a:q83v...=".
func ParseKeys(s string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(s, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || !keyID.MatchString(id) {
			return nil, fmt.Errorf("secretbox: key %d: want id:base64 with an id of letters, digits, - or _", i+1)
		}
		raw, err := decodeKey(b64)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secretbox: key %q: want 32 bytes in base64 (openssl rand -base64 32)", id)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("secretbox: key id %q is given twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		if k.aeads[id], err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
		if i == 0 {
			k.current = id
		}
	}
	return k, nil
}

func decodeKey(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}

// NewKey returns a fresh key entry "id:base64" for ParseKeys.
func NewKey(id string) string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return id + ":" + base64.StdEncoding.EncodeToString(raw)
}

// Current is the id of the key that seals.
func (k *Keyring) Current() string { return k.current }

// Seal encrypts plain under the current key. context binds the value to
// where it is kept (such as the user it belongs to): it opens only with the
// same context.
func (k *Keyring) Seal(plain, context string) string {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	box := aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return prefix + k.current + ":" + base64.RawStdEncoding.EncodeToString(box)
}

// Open decrypts a value Seal made with the same context. A legacy value
// that was never sealed is returned as it is, with stale true; so is a value
// sealed under a key other than the current one: the caller should seal it
// again. Returns ErrNoKey when the value's key is not configured.
func (k *Keyring) Open(stored, context string) (plain string, stale bool, err error) {
	if !Sealed(stored) {
		return stored, true, nil
	}
	id, b64, _ := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	aead, ok := k.aeads[id]
	if !ok {
		return "", false, fmt.Errorf("%w (key id %q)", ErrNoKey, id)
	}
	box, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(box) < aead.NonceSize() {
		return "", false, errors.New("secretbox: malformed value")
	}
	out, err := aead.Open(nil, box[:aead.NonceSize()], box[aead.NonceSize():], []byte(context))
	if err != nil {
		return "", false, errors.New("secretbox: value does not open: altered, or sealed for another context")
	}
	return string(out), id != k.current, nil
}

// Sealed reports whether stored is a sealed value rather than a legacy plain one.
func Sealed(stored string) bool { return strings.HasPrefix(stored, prefix) }

// Origin is the scheme, host and port an address sends to, in lower case.
// A kept secret (a client secret sealed with its provider's addresses) may
// follow an address that moves on the same origin, never to another one:
// whoever moves it there must type the secret again.
func Origin(address string) string {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil {
		return address
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
