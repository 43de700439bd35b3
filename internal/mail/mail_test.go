package mail_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/mail"
)

func TestNew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, url, from string
		ok              bool
	}{
		{"STARTTLS", "smtp://u:p@smtp.kommun.test:587", "kaa@kommun.test", true},
		{"TLS", "smtps://u:p@smtp.kommun.test", "kaa@kommun.test", true},
		{"PlainRelay", "smtp://relay.kommun.test?starttls=off", "kaa@kommun.test", true},
		{"ErrScheme", "http://smtp.kommun.test", "kaa@kommun.test", false},
		{"ErrNoFrom", "smtp://smtp.kommun.test", "", false},
		{"ErrNoHost", "smtp://", "kaa@kommun.test", false},
		{"ErrStartTLS", "smtp://smtp.kommun.test?starttls=maybe", "kaa@kommun.test", false},
	} {
		_, err := mail.New(tc.url, tc.from)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A URL that does not parse, or has a bad port, is refused without
	// repeating it: the error is logged, and the URL holds the password.
	for _, bad := range []string{"smtp://user:s3cret@mail.example:58x", "smtp://user:s3cret%zz@mail.example:587", "smtp://user:s3cret@mail.example:99999"} {
		if _, err := mail.New(bad, "kaa@kommun.test"); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if _, err := mail.New("", ""); !errors.Is(err, mail.ErrNotConfigured) {
		t.Errorf("no URL: %v", err)
	}
}
