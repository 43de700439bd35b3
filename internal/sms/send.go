package sms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// Errors of a send that the page explains; nothing is written on any of them.
var (
	ErrEmpty     = errors.New("sms: no text")
	ErrOptedOut  = errors.New("sms: the person does not want SMS")
	ErrNoMobile  = errors.New("sms: the person has no mobile number")
	ErrNoneGiven = errors.New("sms: nobody to send to")
)

// TooLongError means the text is longer than the gateway sends.
type TooLongError struct{ Length, Max int }

func (e *TooLongError) Error() string {
	return fmt.Sprintf("sms: text of %d characters, at most %d", e.Length, e.Max)
}

// Sender sends SMS for the users of one installation.
type Sender struct {
	Pool      db.Pool
	Provider  Provider
	ReportURL string // the delivery-report callback
}

// Sent is the outcome of one send.
type Sent struct {
	ParticipantID int64
	ContactID     int64
	Status        string // "sent" or "not_sent"
}

// CheckText returns ErrEmpty or a *TooLongError when text cannot be sent.
func (s *Sender) CheckText(text string) error {
	if strings.TrimSpace(text) == "" {
		return ErrEmpty
	}
	if n := len([]rune(text)); n > s.Provider.MaxLength() {
		return &TooLongError{Length: n, Max: s.Provider.MaxLength()}
	}
	return nil
}

// Send sends text to participant id of tenant as user, and logs it as an
// outgoing SMS contact. It writes the contact and the message as "sending"
// in one transaction, calls the gateway outside any transaction, then
// records "sent" or "not_sent" in a second one; a failing gateway is a
// Sent with status "not_sent", not an error. Returns ErrOptedOut,
// ErrNoMobile, ErrEmpty, *TooLongError or db.ErrNotFound, with nothing
// written.
func (s *Sender) Send(ctx context.Context, tenant, user int, id int64, text string) (Sent, error) {
	if err := s.CheckText(text); err != nil {
		return Sent{}, err
	}
	out := Sent{ParticipantID: id}
	var smsID int64
	var to, from string
	err := db.InTenant(ctx, s.Pool, tenant, user, func(tx db.Tx) error {
		var err error
		to, err = recipient(ctx, tx, id)
		if err != nil {
			return err
		}
		if from, err = TenantSender(ctx, tx); err != nil {
			return err
		}
		out.ContactID, err = participant.LogContact(ctx, tx, id, participant.Contact{OccurredAt: time.Now(), Channel: "sms", Direction: "outgoing", Note: text})
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO sms_messages (tenant_id, direction, participant_id, contact_id, phone, status, created_by)
			VALUES ($1, 'outgoing', $2, $3, $4, 'sending', $5) RETURNING id`,
			tx.TenantID, id, out.ContactID, to, tx.UserID).Scan(&smsID)
		if err != nil {
			return fmt.Errorf("sms: send: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sms.send", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"contact": out.ContactID, "sms": smsID}})
	})
	if err != nil {
		return Sent{}, err
	}
	pid, sendErr := s.Provider.Send(ctx, Message{To: to, Text: text, ReportURL: s.ReportURL, From: from})
	out.Status = "sent"
	if sendErr != nil {
		out.Status = "not_sent"
	}
	// The page's request may be gone by now; the outcome is still written.
	ctx2, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = db.InTenant(ctx2, s.Pool, tenant, user, func(tx db.Tx) error {
		_, err := tx.Exec(ctx2, `UPDATE sms_messages SET status = $3, provider_id = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID, smsID, out.Status, string(pid))
		if err != nil {
			return fmt.Errorf("sms: record status: %w", err)
		}
		return audit.Record(ctx2, tx, audit.Event{Action: "sms.status", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"sms": smsID, "status": out.Status}})
	})
	return out, err
}

// recipient locks participant id and returns their mobile, or why not.
func recipient(ctx context.Context, tx db.Tx, id int64) (string, error) {
	var mobile string
	var noSMS bool
	err := tx.QueryRow(ctx, `SELECT mobile, no_sms FROM participants WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tx.TenantID, id).Scan(&mobile, &noSMS)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("sms: recipient: %w", err)
	}
	if noSMS {
		return "", ErrOptedOut
	}
	if !strings.HasPrefix(mobile, "+") {
		return "", ErrNoMobile
	}
	return mobile, nil
}

// Skipped is a person a bulk send left out, and why.
type Skipped struct {
	ParticipantID int64
	Name          string
	Reason        error // ErrOptedOut or ErrNoMobile
}

// BulkResult is what a bulk send did, person by person.
type BulkResult struct {
	Sent    []Sent
	Names   map[int64]string
	Skipped []Skipped
}

// SendMany sends text to each of ids, skipping (and listing) those who do
// not want SMS or have no mobile. Every id must be a participant of tenant:
// otherwise it returns db.ErrNotFound and sends nothing. Returns
// ErrNoneGiven for no ids.
func (s *Sender) SendMany(ctx context.Context, tenant, user int, ids []int64, text string) (BulkResult, error) {
	res := BulkResult{Names: map[int64]string{}}
	if len(ids) == 0 {
		return res, ErrNoneGiven
	}
	if err := s.CheckText(text); err != nil {
		return res, err
	}
	var send []int64
	err := db.InTenant(ctx, s.Pool, tenant, user, func(tx db.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, first_name || ' ' || last_name, mobile, no_sms FROM participants WHERE tenant_id = $1 AND id = ANY($2) ORDER BY last_name, first_name, id`, tx.TenantID, ids)
		var id int64
		var name, mobile string
		var noSMS bool
		_, err := pgx.ForEachRow(rows, []any{&id, &name, &mobile, &noSMS}, func() error {
			res.Names[id] = name
			switch {
			case noSMS:
				res.Skipped = append(res.Skipped, Skipped{id, name, ErrOptedOut})
			case !strings.HasPrefix(mobile, "+"):
				res.Skipped = append(res.Skipped, Skipped{id, name, ErrNoMobile})
			default:
				send = append(send, id)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("sms: send many: %w", err)
		}
		if len(res.Names) != len(dedupe(ids)) {
			return fmt.Errorf("sms: send many: %w", db.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	for _, id := range send {
		sent, err := s.Send(ctx, tenant, user, id, text)
		if errors.Is(err, ErrOptedOut) || errors.Is(err, ErrNoMobile) {
			// Changed since the list was read.
			res.Skipped = append(res.Skipped, Skipped{id, res.Names[id], err})
			continue
		}
		if err != nil {
			return res, err
		}
		res.Sent = append(res.Sent, sent)
	}
	return res, nil
}

func dedupe(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}
