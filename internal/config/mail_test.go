package config_test

import (
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
)

func TestMailConfig(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := config.Load(env(nil))
	if err != nil || c.Mail.SMTPURL != "" || c.Mail.DigestAt != 7*time.Hour {
		t.Errorf("defaults: %+v %v", c.Mail, err)
	}
	c, err = config.Load(env(map[string]string{"KAA_SMTP_URL": "smtps://u:p@smtp.kommun.test", "KAA_SMTP_FROM": "kaa@kommun.test", "KAA_DIGEST_AT": "06:30"}))
	if err != nil || c.Mail.DigestAt != 6*time.Hour+30*time.Minute || c.Mail.From != "kaa@kommun.test" {
		t.Errorf("set: %+v %v", c.Mail, err)
	}
	for name, m := range map[string]map[string]string{
		"ErrNoFrom":   {"KAA_SMTP_URL": "smtp://smtp.kommun.test"},
		"ErrDigestAt": {"KAA_DIGEST_AT": "sju"},
	} {
		if _, err := config.Load(env(m)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
