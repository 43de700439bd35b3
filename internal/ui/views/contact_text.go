package views

import (
	"strings"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// contactWhatParts are what a contact was, in the one wording of the
// person page's timeline, a contact's history and the registerutdrag: the
// channel, the direction, with whom unless it was the young person, whether
// it reached them, and the method when there was one.
func contactWhatParts(c participant.Contact) []string {
	parts := []string{Label("channel", c.Channel), strings.ToLower(Label("direction", c.Direction))}
	if c.Party != "" && c.Party != participant.PartyYoungPerson {
		parts = append(parts, "med "+strings.ToLower(Label("party", c.Party)))
	}
	if c.Reached {
		parts = append(parts, "nådde fram")
	} else {
		parts = append(parts, "nådde inte fram")
	}
	if c.Method != "" {
		parts = append(parts, "metod: "+Label("method", c.Method))
	}
	return parts
}

// ContactWhat says what a contact was: "Telefonsamtal, utgående, med
// vårdnadshavare, nådde inte fram".
func ContactWhat(c participant.Contact) string {
	return strings.Join(contactWhatParts(c), ", ")
}

// contactWhatAfterChannel is ContactWhat after the channel, beginning ", ",
// for a line that shows the channel on its own.
func contactWhatAfterChannel(c participant.Contact) string {
	return ", " + strings.Join(contactWhatParts(c)[1:], ", ")
}
