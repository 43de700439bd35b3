// Package smtptest starts a real SMTP server (emersion/go-smtp) for tests:
// it takes PLAIN authentication as kaa/hemligt and keeps what it receives.
package smtptest

import (
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is a message the server accepted.
type Message struct {
	From    string
	To      []string
	Subject string
	Body    string
}

// Inbox is the server's backend: what it received, and whether it refuses.
type Inbox struct {
	mu     sync.Mutex
	msgs   []Message
	reject bool
	// URL reaches the server: smtp://kaa:hemligt@127.0.0.1:port?starttls=off.
	URL string
}

// Start starts a server on loopback, closed when t ends.
func Start(t testing.TB) *Inbox {
	t.Helper()
	b := &Inbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	b.URL = "smtp://kaa:hemligt@" + ln.Addr().String() + "?starttls=off"
	return b
}

// Reject makes the server refuse every message (451) while on is set.
func (b *Inbox) Reject(on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reject = on
}

// All returns every message received so far.
func (b *Inbox) All() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Message(nil), b.msgs...)
}

// Wait returns the first message to `to` whose subject is subject, waiting
// up to 10 s for it (mail may be sent after the answer to the request).
func (b *Inbox) Wait(t testing.TB, to, subject string) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range b.All() {
			if m.Subject == subject && len(m.To) == 1 && m.To[0] == to {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no message %q to %s arrived; got %d others", subject, to, len(b.All()))
	return Message{}
}

// NewSession is go-smtp's hook.
func (b *Inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b      *Inbox
	authed bool
	msg    Message
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "kaa" || pass != "hemligt" {
			return errors.New("wrong user or password")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.msg = Message{From: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	m, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	s.msg.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.msg.Body = string(b)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.reject {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	s.b.msgs = append(s.b.msgs, s.msg)
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
