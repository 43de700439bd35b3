// Package config reads the program's configuration from environment variables
// into one struct. Every variable is documented in the README.
package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/sms"
)

// Config is everything the program can be told from outside.
type Config struct {
	// Addr is where the server listens (KAA_ADDR, default ":8080").
	Addr string
	// MetricsAddr is where /metrics is served, on a listener of its own that
	// the monitoring network reaches and the internet does not
	// (KAA_METRICS_ADDR, default 127.0.0.1:9090, ":9090" in a pod; "off":
	// no metrics). The application's own address never serves them.
	MetricsAddr string
	// MetricsAddrDefault is true when KAA_METRICS_ADDR was not set: then a
	// taken port costs the metrics, not the server.
	MetricsAddrDefault bool
	// DB bounds the serving role's statements and transactions.
	DB DBLimits
	// DatabaseURL connects as the schema owner, for migrations and seeding (DATABASE_URL).
	DatabaseURL string
	// AppDatabaseURL connects as the serving role kaa_app, which owns nothing and
	// is bound by row-level security (APP_DATABASE_URL).
	AppDatabaseURL string
	// PublicURL is the address users reach the service at (KAA_PUBLIC_URL). An
	// https URL turns on Secure cookies with the __Host- prefix and HSTS.
	PublicURL string
	// SessionIdleTimeout ends a session after this long without a request
	// (KAA_SESSION_IDLE_TIMEOUT, default 30m).
	SessionIdleTimeout time.Duration
	// SessionLifetime ends a session this long after sign-in, whatever happens
	// (KAA_SESSION_LIFETIME, default 10h).
	SessionLifetime time.Duration
	// TrustProxy takes the client address from X-Forwarded-For, for use behind
	// a reverse proxy that sets it (KAA_TRUST_PROXY, default false).
	TrustProxy bool
	// LogLevel is debug, info, warn or error (KAA_LOG_LEVEL, default info).
	LogLevel slog.Level
	// DevDir holds the throwaway database of `kaa dev` (KAA_DEV_DIR, default .dev).
	DevDir string
	// OIDC is the identity provider users may sign in with instead of a
	// password, when OIDC.Issuer is set.
	OIDC OIDC

	// TOTPKeys encrypt the two-factor secrets in the database
	// (KAA_TOTP_KEYS: id:base64 of 32 bytes, the current key first, then
	// previous ones; see docs/operations.md). Nil when not set; serve
	// refuses to start without it.
	TOTPKeys *secretbox.Keyring
	// Audit keys and anchors the audit chain.
	Audit Audit
	// Retention is what the server's daily gallring does (KAA_RETENTION,
	// default report): nothing, report what would go, or erase where a
	// municipality has recorded a gallringsbeslut.
	Retention RetentionMode
	// SMS is the SMS gateway; empty Provider: SMS is not set up.
	SMS SMS
	// Mail is the SMTP server the daily digest is sent through (empty SMTPURL: no e-mail).
	Mail Mail
	// SchoolSystemTimeout is how long one request to a school system over
	// SS12000 may take (KAA_SS12000_TIMEOUT, default 30s; docs/design/ss12000.md).
	SchoolSystemTimeout time.Duration
	// SchoolSystemLocalNetwork (KAA_SS12000_LOCAL_NETWORK=true) lets school
	// systems be at loopback and private addresses: for a school system in
	// the municipality's own network. Off by default, so an address typed
	// by an administrator cannot reach services of the hosting network.
	SchoolSystemLocalNetwork bool
}

// SMS configures the SMS gateway (docs/design/sms.md): KAA_SMS_PROVIDER
// ("46elks" or empty for none), the API account (KAA_46ELKS_USERNAME,
// KAA_46ELKS_PASSWORD), the API address (KAA_46ELKS_URL, default 46elks'
// own), the sender (KAA_SMS_FROM: 3–11 letters and digits, sms.ValidSender, or an E.164
// number to which replies can come), the secret in the callback addresses
// (KAA_SMS_CALLBACK_TOKEN, at least 32 characters) and how long to wait for
// the gateway (KAA_SMS_TIMEOUT, default 10s). The callbacks are
// PublicURL + "/sms/46elks/<token>/leverans" and ".../svar".
type SMS struct {
	Provider, Username, Password, URL, From, Token string
	Timeout                                        time.Duration
}

// Configured reports whether SMS can be sent.
func (s SMS) Configured() bool { return s.Provider != "" }

func loadSMS(getenv func(string) string) (SMS, error) {
	s := SMS{Provider: getenv("KAA_SMS_PROVIDER"), Username: getenv("KAA_46ELKS_USERNAME"), Password: getenv("KAA_46ELKS_PASSWORD"),
		URL: or(getenv("KAA_46ELKS_URL"), "https://api.46elks.com/a1/sms"), From: getenv("KAA_SMS_FROM"), Token: getenv("KAA_SMS_CALLBACK_TOKEN")}
	var err error
	if s.Timeout, err = duration(getenv, "KAA_SMS_TIMEOUT", 10*time.Second); err != nil {
		return s, err
	}
	switch s.Provider {
	case "":
		return s, nil
	case "46elks":
	default:
		return s, fmt.Errorf("config: KAA_SMS_PROVIDER must be 46elks or empty, got %q", s.Provider)
	}
	if s.Username == "" || s.Password == "" {
		return s, fmt.Errorf("config: KAA_SMS_PROVIDER=46elks needs KAA_46ELKS_USERNAME and KAA_46ELKS_PASSWORD")
	}
	if len(s.Token) < 32 {
		return s, fmt.Errorf("config: KAA_SMS_CALLBACK_TOKEN must be at least 32 characters (e.g. openssl rand -hex 32)")
	}
	if !sms.ValidSender(s.From) {
		return s, fmt.Errorf("config: KAA_SMS_FROM must be 3 to 11 letters and digits (a-z, 0-9) beginning with a letter, or a number such as +46766861004")
	}
	return s, nil
}

// Mail configures e-mail (docs/design/agenda.md): the SMTP server as a URL
// (KAA_SMTP_URL: smtp://user:pass@host:587 with STARTTLS, smtps://user:pass@host:465,
// or smtp://host:25?starttls=off for a plain relay), the sender address
// (KAA_SMTP_FROM), and the time of day, Swedish time, from which the daily
// digest is sent (KAA_DIGEST_AT, default 07:00).
type Mail struct {
	SMTPURL, From string
	DigestAt      time.Duration
}

// RetentionMode is what the daily gallring job does.
type RetentionMode string

const (
	// RetentionOff: the job does not run.
	RetentionOff RetentionMode = "off"
	// RetentionReport: the job logs and audits, per municipality, what
	// would be erased, and erases nothing.
	RetentionReport RetentionMode = "report"
	// RetentionErase: the job erases in the municipalities with a recorded
	// gallringsbeslut and reports in the others.
	RetentionErase RetentionMode = "erase"
)

// Audit keys the audit chain and anchors it outside the database (see
// docs/operations.md): Key MACs every new audit row (KAA_AUDIT_KEY, base64,
// at least 32 bytes; the server refuses to start without it); OldKeys are
// retired keys that `kaa audit verify` still checks older rows with
// (KAA_AUDIT_OLD_KEYS, comma-separated); the server appends a checkpoint of
// every chain to CheckpointFile (KAA_AUDIT_CHECKPOINT_FILE; the log only
// when empty) every CheckpointInterval (KAA_AUDIT_CHECKPOINT_INTERVAL,
// default 1h).
type Audit struct {
	Key                auditkey.Key
	OldKeys            []auditkey.Key
	CheckpointFile     string
	CheckpointInterval time.Duration
}

// Keys are the current key and the retired ones, for checking.
func (a Audit) Keys() []auditkey.Key {
	if a.Key.IsZero() {
		return a.OldKeys
	}
	return append([]auditkey.Key{a.Key}, a.OldKeys...)
}

// OIDC configures sign-in with an OpenID Connect provider: the issuer
// (KAA_OIDC_ISSUER), this service's client id and secret there
// (KAA_OIDC_CLIENT_ID, KAA_OIDC_CLIENT_SECRET) and the button's text
// (KAA_OIDC_LABEL). The provider must know PublicURL + "/logga-in/oidc/klar"
// as a redirect URI.
type OIDC struct {
	Issuer, ClientID, ClientSecret, Label string
}

// Load reads the configuration through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:               or(getenv("KAA_ADDR"), ":8080"),
		DatabaseURL:        getenv("DATABASE_URL"),
		AppDatabaseURL:     getenv("APP_DATABASE_URL"),
		PublicURL:          strings.TrimRight(or(getenv("KAA_PUBLIC_URL"), "http://localhost:8080"), "/"),
		SessionIdleTimeout: 30 * time.Minute,
		SessionLifetime:    10 * time.Hour,
		DevDir:             or(getenv("KAA_DEV_DIR"), ".dev"),
		OIDC: OIDC{Issuer: getenv("KAA_OIDC_ISSUER"), ClientID: getenv("KAA_OIDC_CLIENT_ID"),
			ClientSecret: getenv("KAA_OIDC_CLIENT_SECRET"), Label: or(getenv("KAA_OIDC_LABEL"), "Logga in med kommunens konto")},
	}
	switch m := RetentionMode(or(getenv("KAA_RETENTION"), string(RetentionReport))); m {
	case RetentionOff, RetentionReport, RetentionErase:
		c.Retention = m
	default:
		return c, fmt.Errorf("config: KAA_RETENTION must be off, report or erase, got %q", string(m))
	}
	var err error
	if err = loadServing(getenv, &c); err != nil {
		return c, err
	}
	if c.Mail, err = loadMail(getenv); err != nil {
		return c, err
	}
	if c.SessionIdleTimeout, err = duration(getenv, "KAA_SESSION_IDLE_TIMEOUT", c.SessionIdleTimeout); err != nil {
		return c, err
	}
	if c.SessionLifetime, err = duration(getenv, "KAA_SESSION_LIFETIME", c.SessionLifetime); err != nil {
		return c, err
	}
	if c.SessionLifetime > 12*time.Hour {
		return c, fmt.Errorf("config: KAA_SESSION_LIFETIME is %v; at most 12h is allowed", c.SessionLifetime)
	}
	if v := getenv("KAA_TRUST_PROXY"); v != "" {
		if c.TrustProxy, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("config: KAA_TRUST_PROXY: %w", err)
		}
	}
	if v := getenv("KAA_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("config: KAA_LOG_LEVEL: %w", err)
		}
	}
	if v := getenv("KAA_TOTP_KEYS"); v != "" {
		if c.TOTPKeys, err = secretbox.ParseKeys(v); err != nil {
			return c, fmt.Errorf("config: KAA_TOTP_KEYS: %w", err)
		}
	}
	if c.Audit, err = loadAudit(getenv); err != nil {
		return c, err
	}
	if c.SMS, err = loadSMS(getenv); err != nil {
		return c, err
	}
	if c.SchoolSystemTimeout, err = duration(getenv, "KAA_SS12000_TIMEOUT", 30*time.Second); err != nil {
		return c, err
	}
	if v := getenv("KAA_SS12000_LOCAL_NETWORK"); v != "" {
		if c.SchoolSystemLocalNetwork, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("config: KAA_SS12000_LOCAL_NETWORK must be true or false, got %q", v)
		}
	}
	if !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		return c, fmt.Errorf("config: KAA_PUBLIC_URL must start with http:// or https://, got %q", c.PublicURL)
	}
	return c, nil
}

func loadAudit(getenv func(string) string) (Audit, error) {
	a := Audit{CheckpointFile: getenv("KAA_AUDIT_CHECKPOINT_FILE")}
	var err error
	if v := getenv("KAA_AUDIT_KEY"); v != "" {
		if a.Key, err = auditkey.Parse(v); err != nil {
			return a, fmt.Errorf("config: KAA_AUDIT_KEY: %w", err)
		}
	}
	for v := range strings.SplitSeq(getenv("KAA_AUDIT_OLD_KEYS"), ",") {
		if strings.TrimSpace(v) == "" {
			continue
		}
		k, err := auditkey.Parse(v)
		if err != nil {
			return a, fmt.Errorf("config: KAA_AUDIT_OLD_KEYS: %w", err)
		}
		a.OldKeys = append(a.OldKeys, k)
	}
	a.CheckpointInterval, err = duration(getenv, "KAA_AUDIT_CHECKPOINT_INTERVAL", time.Hour)
	return a, err
}

func loadMail(getenv func(string) string) (Mail, error) {
	m := Mail{SMTPURL: getenv("KAA_SMTP_URL"), From: getenv("KAA_SMTP_FROM"), DigestAt: 7 * time.Hour}
	if m.SMTPURL != "" && m.From == "" {
		return m, fmt.Errorf("config: KAA_SMTP_URL is set but KAA_SMTP_FROM (the sender address) is not")
	}
	if v := getenv("KAA_DIGEST_AT"); v != "" {
		t, err := time.Parse("15:04", v)
		if err != nil {
			return m, fmt.Errorf("config: KAA_DIGEST_AT: want a time of day such as 07:00, got %q", v)
		}
		m.DigestAt = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return m, nil
}

// HTTPS reports whether users reach the service over https.
func (c Config) HTTPS() bool { return strings.HasPrefix(c.PublicURL, "https://") }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: %s: want a duration such as 30m or 10h, got %q", name, v)
	}
	return d, nil
}
