package auth

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// NormalizePhone checks that s is a Swedish telephone number, mobile or
// landline (070-123 45 67, 044-13 50 00, 08-123 456 78, +46 44 13 50 00,
// +46 (0)44 …), and returns it as typed with the spaces tidied, so that a
// letter shows it the way its owner writes it. "" is no number.
func NormalizePhone(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", true
	}
	if len(s) > 30 {
		return "", false
	}
	var d strings.Builder
	rest := strings.Replace(s, "(0)", "", 1)
	for i, r := range rest {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			d.WriteRune(r)
		case unicode.IsSpace(r), r == '-', r == '(', r == ')':
		default:
			return "", false
		}
	}
	n := d.String()
	switch {
	case strings.HasPrefix(n, "+46"):
		n = "0" + n[3:]
	case strings.HasPrefix(n, "0046"):
		n = "0" + n[4:]
	}
	// A Swedish number in national form: 0, then an area code or mobile
	// prefix that does not start with 0, 7 to 9 digits in all after the 0.
	if len(n) < 8 || len(n) > 10 || n[0] != '0' || n[1] == '0' || strings.ContainsAny(n, "+") {
		return "", false
	}
	return s, true
}

// ContactDetails are how a user is reached, as letters and the printed plan show them.
type ContactDetails struct {
	Name  string
	Email string
	Phone string // "" when the user has not given one
}

// OwnContactDetails returns user userID's name, e-mail and phone.
func OwnContactDetails(ctx context.Context, pool *pgxpool.Pool, userID int) (ContactDetails, error) {
	var c ContactDetails
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT name, email, phone FROM users WHERE id = $1`, userID).Scan(&c.Name, &c.Email, &c.Phone)
	})
	if err != nil {
		return c, fmt.Errorf("auth: contact details: %w", err)
	}
	return c, nil
}

// SetPhone sets user userID's own phone (already checked by NormalizePhone;
// "" removes it) and writes the change to the security log.
func SetPhone(ctx context.Context, pool *pgxpool.Pool, userID int, phone string) error {
	return db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET phone = $2 WHERE id = $1`, userID, phone); err != nil {
			return fmt.Errorf("auth: set phone: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "user.phone_changed"})
	})
}
