package config

import (
	"testing"
	"time"
)

func TestLoadSMS(t *testing.T) {
	t.Parallel()
	ok := map[string]string{"KAA_SMS_PROVIDER": "46elks", "KAA_46ELKS_USERNAME": "u", "KAA_46ELKS_PASSWORD": "p",
		"KAA_SMS_FROM": "OsbyKommun", "KAA_SMS_CALLBACK_TOKEN": "0123456789abcdef0123456789abcdef"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	t.Run("NotSetUp", func(t *testing.T) {
		c, err := Load(env(nil))
		if err != nil || c.SMS.Configured() {
			t.Errorf("without KAA_SMS_PROVIDER: %+v %v", c.SMS, err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		c, err := Load(env(ok))
		if err != nil || !c.SMS.Configured() || c.SMS.URL != "https://api.46elks.com/a1/sms" || c.SMS.Timeout != 10*time.Second {
			t.Errorf("%+v %v", c.SMS, err)
		}
		if _, err := Load(env(with("KAA_SMS_FROM", "+46766861004"))); err != nil {
			t.Errorf("a number as sender: %v", err)
		}
	})
	for name, m := range map[string]map[string]string{
		"ErrProvider":   with("KAA_SMS_PROVIDER", "twilio"),
		"ErrNoPassword": with("KAA_46ELKS_PASSWORD", ""),
		"ErrShortToken": with("KAA_SMS_CALLBACK_TOKEN", "kort"),
		"ErrLongSender": with("KAA_SMS_FROM", "OsbyKommun12"),
		"ErrSwedish":    with("KAA_SMS_FROM", "Hörby"),
		"ErrNoSender":   with("KAA_SMS_FROM", ""),
		"ErrTimeout":    with("KAA_SMS_TIMEOUT", "snart"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(env(m)); err == nil {
				t.Error("accepted")
			}
		})
	}
}
