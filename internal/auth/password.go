package auth

import (
	"fmt"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// hashParams are OWASP's argon2id parameters (t=2, m=19 MiB, p=1): about 30 ms a hash.
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// HashPassword returns the argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, hashParams)
	if err != nil {
		return "", fmt.Errorf("auth: hash: %w", err)
	}
	return h, nil
}

// dummyHash is verified against when an account does not exist, so that an
// unknown address takes as long to refuse as a wrong password.
var dummyHash, _ = argon2id.CreateHash("no account has this password", hashParams)

// VerifyPassword reports whether pw matches hash; an empty hash never matches
// but costs the same time.
func VerifyPassword(pw, hash string) bool {
	if hash == "" {
		argon2id.ComparePasswordAndHash(pw, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// PasswordProblem returns a Swedish explanation of why pw is not acceptable,
// or "" when it is.
func PasswordProblem(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return fmt.Sprintf("Lösenordet måste ha minst %d tecken. Ett bra lösenord är några ord i följd.", MinPasswordLength)
	case utf8.RuneCountInString(pw) > 200:
		return "Lösenordet får ha högst 200 tecken."
	}
	return ""
}
