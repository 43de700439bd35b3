package participant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// NoteQueryMax is the longest search in notes, in characters.
const NoteQueryMax = 200

// NoteSearchPeople is how many people one search in notes shows, those with
// the newest hits first; NoteSearchSnippets how many of each person's hits.
// NoteSearchHitsRead caps the matched texts one search reads: a common word
// in a large municipality matches a hundred thousand notes, and reading them
// all to count and order them cost 0.8 s at national size
// (docs/benchmarks.md). Past the cap, or past NoteSearchPeople people, the
// page says there are more and asks for a narrower search.
const (
	NoteSearchPeople   = 50
	NoteSearchSnippets = 3
	NoteSearchHitsRead = 1000
)

// The search's own markers around a matched word in a snippet: characters of
// Unicode's private use area, which no keyboard types, so a note cannot fake
// a highlight, and the page renders every part as escaped text.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
)

// Errors of a search in notes, each with the Swedish message the form shows.
var (
	ErrNoteQueryEmpty   = errors.New("Skriv ett eller flera ord att söka efter.")
	ErrNoteQueryTooLong = fmt.Errorf("Sökningen får vara högst %d tecken.", NoteQueryMax)
	ErrNoteQueryNoWords = errors.New("Sökningen består bara av vanliga småord (som och, att, på). Skriv ett ord som betyder något, till exempel praktik eller komvux.")
)

// NoteHit is one matched text: where it was found, when, and a snippet of it
// split into parts, every other part (Marked) a matched word.
type NoteHit struct {
	Source string // codes.NoteSource
	On     time.Time
	Parts  []SnippetPart
}

// SnippetPart is a piece of a snippet; Marked when it is a matched word.
type SnippetPart struct {
	Text   string
	Marked bool
}

// NotePerson is one person found, with their best hits.
type NotePerson struct {
	ID        int64
	FirstName string
	LastName  string
	Hits      int // all of the person's matched texts
	Snippets  []NoteHit
}

// NoteResult is what a search in notes found.
type NoteResult struct {
	People []NotePerson // at most NoteSearchPeople
	// More is set when there are more people than shown, or may be: more
	// than NoteSearchPeople were found, or NoteSearchHitsRead texts were
	// read. Then the people shown are those with the newest hits among the
	// texts read, and each one's Hits counts only those.
	More bool
}

// CheckNoteQuery returns the query trimmed, or one of the ErrNoteQuery errors.
func CheckNoteQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return "", ErrNoteQueryEmpty
	case utf8.RuneCountInString(q) > NoteQueryMax:
		return "", ErrNoteQueryTooLong
	}
	return q, nil
}

// noteHits are the current texts of the municipality that match the query
// @q: contact notes (an amended contact by its newest amendment, as the
// person page shows it), the goals, åtgärder and change note of the newest
// plan version and the notes of the newest mapping version. Each
// to_tsvector expression is the one its index in migration 000034 holds.
const noteHits = `
	SELECT c.participant_id, 'contact' AS source, (c.occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS on_date, c.note AS body
	FROM contacts c
	WHERE c.tenant_id = @tenant AND NOT c.amended AND to_tsvector('swedish'::regconfig, c.note) @@ @q
	UNION ALL
	SELECT c.participant_id, 'contact', (a.occurred_at AT TIME ZONE 'Europe/Stockholm')::date, a.note
	FROM contact_amendments a JOIN contacts c ON c.tenant_id = a.tenant_id AND c.id = a.contact_id
	WHERE a.tenant_id = @tenant AND to_tsvector('swedish'::regconfig, a.note) @@ @q
	  AND a.id = (SELECT max(x.id) FROM contact_amendments x WHERE x.tenant_id = a.tenant_id AND x.contact_id = a.contact_id)
	UNION ALL
	SELECT g.participant_id, 'plan_goal', (pl.created_at AT TIME ZONE 'Europe/Stockholm')::date, g.text
	FROM plan_goals g JOIN plans pl USING (tenant_id, participant_id, version)
	WHERE g.tenant_id = @tenant AND to_tsvector('swedish'::regconfig, g.text) @@ @q
	  AND g.version = (SELECT max(x.version) FROM plans x WHERE x.tenant_id = g.tenant_id AND x.participant_id = g.participant_id)
	UNION ALL
	SELECT m.participant_id, 'plan_measure', (pl.created_at AT TIME ZONE 'Europe/Stockholm')::date, m.description || ' ' || m.responsible_unit
	FROM plan_measures m JOIN plans pl USING (tenant_id, participant_id, version)
	WHERE m.tenant_id = @tenant AND to_tsvector('swedish'::regconfig, m.description || ' ' || m.responsible_unit) @@ @q
	  AND m.version = (SELECT max(x.version) FROM plans x WHERE x.tenant_id = m.tenant_id AND x.participant_id = m.participant_id)
	UNION ALL
	SELECT pl.participant_id, 'plan_note', (pl.created_at AT TIME ZONE 'Europe/Stockholm')::date, pl.change_note
	FROM plans pl
	WHERE pl.tenant_id = @tenant AND to_tsvector('swedish'::regconfig, pl.change_note) @@ @q
	  AND pl.version = (SELECT max(x.version) FROM plans x WHERE x.tenant_id = pl.tenant_id AND x.participant_id = pl.participant_id)
	UNION ALL
	SELECT mp.participant_id, 'mapping', mp.mapped_on, mp.strengths || ' ' || mp.challenges || ' ' || mp.direction_note
	FROM mappings mp
	WHERE mp.tenant_id = @tenant AND to_tsvector('swedish'::regconfig, mp.strengths || ' ' || mp.challenges || ' ' || mp.direction_note) @@ @q
	  AND mp.version = (SELECT max(x.version) FROM mappings x WHERE x.tenant_id = mp.tenant_id AND x.participant_id = mp.participant_id)`

// noteSearchSQL reads at most NoteSearchHitsRead matched texts (no order:
// the scans stop as soon as that many are found, so a common word costs no
// more than a rare one), groups them by person (not the erased: their texts
// are emptied, and they are no longer in the register), keeps up to
// NoteSearchPeople + 1 people with the newest hits (the one more says there
// are more) and each one's newest snippets, and makes a headline only of
// those shown. No count of all hits is made. Hits are not ranked by
// relevance: a rank re-parses every matched text (the indexes hold no
// tsvector), and in short notes the newest is the more useful order anyway.
var noteSearchSQL = `
	WITH hits AS MATERIALIZED (SELECT h.* FROM (` + noteHits + `) h LIMIT ` + strconv.Itoa(NoteSearchHitsRead) + `),
	people AS (SELECT h.participant_id, max(h.on_date) AS newest, count(*)::int AS n
	           FROM hits h JOIN participants p ON p.tenant_id = @tenant AND p.id = h.participant_id AND p.erased_on IS NULL
	           GROUP BY h.participant_id
	           ORDER BY newest DESC, h.participant_id LIMIT ` + strconv.Itoa(NoteSearchPeople+1) + `),
	shown AS (SELECT * FROM people ORDER BY newest DESC, participant_id LIMIT ` + strconv.Itoa(NoteSearchPeople) + `),
	ranked AS (SELECT h.*, row_number() OVER (PARTITION BY h.participant_id ORDER BY h.on_date DESC, h.source) AS i FROM hits h
	           WHERE h.participant_id IN (SELECT participant_id FROM shown))
	SELECT p.id, p.first_name, p.last_name, pe.n,
	       (SELECT count(*) FROM people) > ` + strconv.Itoa(NoteSearchPeople) + ` OR (SELECT count(*) FROM hits) >= ` + strconv.Itoa(NoteSearchHitsRead) + `,
	       r.source, r.on_date, ts_headline('swedish'::regconfig, r.body, @q, @opts)
	FROM shown pe
	JOIN participants p ON p.tenant_id = @tenant AND p.id = pe.participant_id
	JOIN ranked r ON r.participant_id = pe.participant_id AND r.i <= ` + strconv.Itoa(NoteSearchSnippets) + `
	ORDER BY pe.newest DESC, p.id, r.i`

// headlineOpts: short snippets, up to two fragments of a long note, with the
// search's own markers around each matched word.
const headlineOpts = `StartSel=` + markStart + `, StopSel=` + markStop + `, MaxWords=25, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

// SearchNotes finds the people of the municipality whose current notes or
// plan and mapping texts match q (checked by CheckNoteQuery), in
// PostgreSQL's Swedish configuration with each stem as a prefix, so that
// other forms of a word match ("söker" finds "sökte", see prefixLexemes). Every person shown is audited as a read of their
// record, and the search as a list read. Returns ErrNoteQueryNoWords when q
// holds only stop words.
func SearchNotes(ctx context.Context, tx db.Tx, q string) (NoteResult, error) {
	var res NoteResult
	q, err := CheckNoteQuery(q)
	if err != nil {
		return res, err
	}
	var query string
	var nodes int
	if err := tx.QueryRow(ctx, `SELECT websearch_to_tsquery('swedish'::regconfig, $1)::text, numnode(websearch_to_tsquery('swedish'::regconfig, $1))`, q).Scan(&query, &nodes); err != nil {
		return res, fmt.Errorf("participant: note search: %w", err)
	}
	if nodes == 0 {
		return res, ErrNoteQueryNoWords
	}
	query = prefixLexemes(query)
	rows, _ := tx.Query(ctx, noteSearchSQL, pgx.NamedArgs{"tenant": tx.TenantID, "q": query, "opts": headlineOpts})
	var (
		id               int64
		first, last      string
		n                int
		more             bool
		source, headline string
		on               time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &first, &last, &n, &more, &source, &on, &headline}, func() error {
		res.More = more
		if len(res.People) == 0 || res.People[len(res.People)-1].ID != id {
			res.People = append(res.People, NotePerson{ID: id, FirstName: first, LastName: last, Hits: n})
		}
		p := &res.People[len(res.People)-1]
		p.Snippets = append(p.Snippets, NoteHit{Source: source, On: on, Parts: splitMarks(headline)})
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("participant: note search: %w", err)
	}
	for _, p := range res.People {
		if err := audit.Record(ctx, tx, audit.Event{Action: "participant.read", RecordType: "participant",
			RecordID: strconv.FormatInt(p.ID, 10), Detail: map[string]any{"via": "note_search", "hits": p.Hits}}); err != nil {
			return res, err
		}
	}
	return res, audit.Record(ctx, tx, audit.Event{Action: "participant.list", RecordType: "participant",
		Detail: map[string]any{"shown": len(res.People), "more": res.More, "searched": true, "in": "notes"}})
}

// lexeme is a lexeme in a tsquery's text form: quoted, a quote doubled.
var lexeme = regexp.MustCompile(`'((?:[^']|'')+)'`)

// prefixLexemes makes every lexeme of a tsquery match as a prefix
// ('sök' & 'jobb' becomes 'sök':* & 'jobb':*). The Swedish snowball stemmer
// only strips endings, and not all of them: "söker" is 'sök' but "sökte"
// is 'sökt', "lager" 'lag' but "lagret" 'lagret'. A stem as a prefix finds
// those forms too, at the price of some words that only begin alike
// ("lag" finds "laga"), which a person reading a short list sorts out.
func prefixLexemes(tsquery string) string {
	return lexeme.ReplaceAllString(tsquery, `'$1':*`)
}

// splitMarks cuts a headline at the search's markers into plain and marked
// parts. A marker without its pair ends the marked part at the end.
func splitMarks(s string) []SnippetPart {
	var out []SnippetPart
	for s != "" {
		i := strings.Index(s, markStart)
		if i < 0 {
			out = append(out, SnippetPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, SnippetPart{Text: s[:i]})
		}
		s = s[i+len(markStart):]
		j := strings.Index(s, markStop)
		if j < 0 {
			j = len(s)
		}
		if j > 0 {
			out = append(out, SnippetPart{Text: s[:j], Marked: true})
		}
		s = strings.TrimPrefix(s[j:], markStop)
	}
	return out
}
