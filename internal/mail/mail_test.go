package mail_test

import (
	"errors"
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
	if _, err := mail.New("", ""); !errors.Is(err, mail.ErrNotConfigured) {
		t.Errorf("no URL: %v", err)
	}
}
