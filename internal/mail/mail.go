// Package mail sends one e-mail message over SMTP, to a server named by a
// URL: smtp://user:pass@host:587 (STARTTLS required), smtps://user:pass@host:465
// (TLS from the start), or smtp://host:25?starttls=off for a relay on the
// same machine or network that takes plain SMTP. It knows nothing of what it
// sends: the digest of due items uses it, and so can a password-reset link.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text message to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Sender sends messages through one SMTP server.
type Sender struct {
	host string
	from string
	opts []gomail.Option
}

// ErrNotConfigured is returned by New when no SMTP URL is given.
var ErrNotConfigured = errors.New("mail: no SMTP server configured")

// New returns a Sender for the SMTP server at rawURL, sending as from.
// Returns ErrNotConfigured when rawURL is empty.
func New(rawURL, from string) (*Sender, error) {
	if rawURL == "" {
		return nil, ErrNotConfigured
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// Not err: url.Parse's error holds the whole URL, password and all,
		// and this one is logged.
		return nil, errors.New("mail: KAA_SMTP_URL is not a valid URL (smtp://user:password@host:587)")
	}
	if from == "" {
		return nil, errors.New("mail: no sender address (KAA_SMTP_FROM)")
	}
	if u.Hostname() == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch u.Query().Get("starttls") {
		case "", "on":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "off":
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
			port = 25
		default:
			return nil, errors.New("mail: SMTP URL: starttls must be on or off")
		}
	case "smtps":
		opts = append(opts, gomail.WithSSL())
		port = 465
	default:
		return nil, fmt.Errorf("mail: SMTP URL must start with smtp:// or smtps://, got %q", u.Scheme+"://")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL: port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return &Sender{host: u.Hostname(), from: from, opts: opts}, nil
}

// Send delivers m, returning when the server has accepted it or refused it.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}
