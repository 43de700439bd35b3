package sms

import (
	"context"
	"errors"
	"fmt"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// ErrBadSender is a sender the gateway would not take; the message is the
// one the settings form shows.
var ErrBadSender = errors.New("Skriv ett namn på 3–11 tecken, bara a–z, A–Z och siffror (inte å, ä, ö eller mellanslag), som börjar med en bokstav – eller ett nummer som +46701234567.")

// ValidSender reports whether from is a sender 46elks takes as "from": a
// text sender id of 3–11 characters A–Z, a–z and 0–9 not beginning with a
// digit (46elks' knowledge base, "Text sender ID"), or an E.164 number of
// 7–15 digits after the plus, the only kind to which replies can come. The
// database's CHECK on tenant_settings.sms_from holds the same rule.
func ValidSender(from string) bool {
	if len(from) > 1 && from[0] == '+' {
		if len(from) < 8 || len(from) > 16 {
			return false
		}
		for _, r := range from[1:] {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if len(from) < 3 || len(from) > 11 || !isLetter(rune(from[0])) {
		return false
	}
	for _, r := range from {
		if !isLetter(r) && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// TenantSender is the municipality's own SMS sender, or "" when it uses the
// installation's (KAA_SMS_FROM).
func TenantSender(ctx context.Context, tx db.Tx) (string, error) {
	var from string
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT sms_from FROM tenant_settings WHERE tenant_id = $1), '')`, tx.TenantID).Scan(&from); err != nil {
		return "", fmt.Errorf("sms: sender: %w", err)
	}
	return from, nil
}

// SetTenantSender sets the municipality's SMS sender ("" for the
// installation's), audited as a settings change. Returns ErrBadSender,
// with nothing written, for a sender ValidSender refuses.
func SetTenantSender(ctx context.Context, tx db.Tx, from string) error {
	if from != "" && !ValidSender(from) {
		return ErrBadSender
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO tenant_settings (tenant_id, sms_from) VALUES ($1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET sms_from = excluded.sms_from`, tx.TenantID, from)
	if err != nil {
		return fmt.Errorf("sms: set sender: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "settings.update", RecordType: "settings", Detail: map[string]any{"sms_from": from}})
}
