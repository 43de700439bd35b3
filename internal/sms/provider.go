// Package sms sends SMS to young people through a gateway, logs each as a
// contact with its delivery status, and takes the gateway's delivery
// reports and forwarded replies (docs/design/sms.md).
package sms

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// ProviderID is the gateway's id of a message.
type ProviderID string

// Message is one SMS to send.
type Message struct {
	To        string // E.164, +467…
	Text      string
	ReportURL string // where the gateway posts the delivery report
	From      string // the municipality's sender; "" for the provider's own
}

// Report is a delivery report: the gateway's id and the new status
// ("sent", "delivered" or "failed").
type Report struct {
	ID        ProviderID
	Status    string
	Delivered time.Time // zero unless delivered
}

// Incoming is an SMS someone sent to our number, as the gateway forwards it.
type Incoming struct {
	ID      ProviderID
	From    string // E.164
	To      string
	Text    string
	Created time.Time
}

// Provider is an SMS gateway.
type Provider interface {
	// Send hands m to the gateway. An error means it was not taken: the
	// gateway refused it, failed or did not answer in time.
	Send(ctx context.Context, m Message) (ProviderID, error)
	// MaxLength is the longest text, in characters, the gateway sends.
	MaxLength() int
	// ParseReport reads a delivery report the gateway posted.
	ParseReport(r *http.Request) (Report, error)
	// ParseIncoming reads an incoming SMS the gateway posted.
	ParseIncoming(r *http.Request) (Incoming, error)
}

// ErrGateway means the gateway did not take the message.
var ErrGateway = errors.New("sms: the gateway did not take the message")
