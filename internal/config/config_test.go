package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	t.Parallel()
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

// TestAuditKeys: the audit key and the retired ones are read from base64
// and too short a key is refused; a key's id depends on the key alone.
func TestAuditKeys(t *testing.T) {
	t.Parallel()
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	old := "c29tZSBvbGRlciBrZXkgdGhhdCB3YXMgcmV0aXJlZCEh" // 33 bytes
	c, err := Load(env(map[string]string{"KAA_AUDIT_KEY": key, "KAA_AUDIT_OLD_KEYS": old + ", ", "KAA_AUDIT_CHECKPOINT_INTERVAL": "15m"}))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Load(env(map[string]string{"KAA_AUDIT_KEY": key}))
	if ks := c.Audit.Keys(); len(ks) != 2 || ks[0].String() != key || ks[0].ID != again.Audit.Key.ID || ks[0].ID == ks[1].ID ||
		c.Audit.CheckpointInterval != 15*time.Minute {
		t.Errorf("keys %+v, interval %v", ks, c.Audit.CheckpointInterval)
	}
	if d, _ := Load(env(nil)); !d.Audit.Key.IsZero() || d.Audit.CheckpointInterval != time.Hour {
		t.Errorf("defaults: %+v", d.Audit)
	}
	for name, e := range map[string]map[string]string{
		"ErrShortKey":    {"KAA_AUDIT_KEY": "c2hvcnQ="},
		"ErrNotBase64":   {"KAA_AUDIT_KEY": "not base64 at all!"},
		"ErrBadOldKey":   {"KAA_AUDIT_KEY": key, "KAA_AUDIT_OLD_KEYS": "c2hvcnQ="},
		"ErrBadInterval": {"KAA_AUDIT_CHECKPOINT_INTERVAL": "often"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(env(e)); err == nil {
				t.Errorf("%v accepted", e)
			}
		})
	}
}

// TestRetentionMode: KAA_RETENTION is off, report or erase, report when
// unset; anything else stops the program with a message naming the values.
func TestRetentionMode(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]RetentionMode{"": RetentionReport, "off": RetentionOff, "report": RetentionReport, "erase": RetentionErase} {
		c, err := Load(env(map[string]string{"KAA_RETENTION": v}))
		if err != nil || c.Retention != want {
			t.Errorf("KAA_RETENTION=%q: %q, %v; want %q", v, c.Retention, err, want)
		}
	}
	for _, v := range []string{"on", "ERASE", "true", "dry-run"} {
		_, err := Load(env(map[string]string{"KAA_RETENTION": v}))
		if err == nil || !strings.Contains(err.Error(), "KAA_RETENTION must be off, report or erase") || !strings.Contains(err.Error(), v) {
			t.Errorf("KAA_RETENTION=%q: %v, want an error naming the allowed values", v, err)
		}
	}
}
