package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := Load(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != ":8080" || c.SessionIdleTimeout != 30*time.Minute || c.SessionLifetime != 10*time.Hour || c.HTTPS() || c.DevDir != ".dev" {
			t.Errorf("defaults: %+v", c)
		}
	})
	t.Run("HTTPS", func(t *testing.T) {
		c, err := Load(env(map[string]string{"KAA_PUBLIC_URL": "https://kaa.osby.se/", "KAA_SESSION_IDLE_TIMEOUT": "15m"}))
		if err != nil || !c.HTTPS() || c.PublicURL != "https://kaa.osby.se" || c.SessionIdleTimeout != 15*time.Minute {
			t.Errorf("%+v %v", c, err)
		}
	})
	for name, e := range map[string]map[string]string{
		"ErrLifetimeTooLong": {"KAA_SESSION_LIFETIME": "24h"},
		"ErrBadDuration":     {"KAA_SESSION_IDLE_TIMEOUT": "soon"},
		"ErrBadURL":          {"KAA_PUBLIC_URL": "kaa.osby.se"},
		"ErrBadBool":         {"KAA_TRUST_PROXY": "kanske"},
		"ErrBadLevel":        {"KAA_LOG_LEVEL": "loud"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(env(e)); err == nil {
				t.Errorf("%v accepted", e)
			}
		})
	}

	t.Run("TOTPKeys", func(t *testing.T) {
		if _, err := Load(env(map[string]string{"KAA_TOTP_KEYS": "a:dG9vIHNob3J0"})); err == nil {
			t.Error("a 10-byte key accepted")
		}
		c, err := Load(env(map[string]string{"KAA_TOTP_KEYS": "b:" + strings.Repeat("B", 43) + "=,a:" + strings.Repeat("A", 43) + "="}))
		if err != nil || c.TOTPKeys == nil || c.TOTPKeys.Current() != "b" {
			t.Errorf("two keys: %v %v", c.TOTPKeys, err)
		}
	})
}
