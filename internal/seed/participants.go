package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// Invented names: common Swedish first and last names, combined at random;
// with the rest of this file's fiction (channels, notes, goals, numbers) they
// are the demo's and the national generator's (internal/seed/national).
var (
	WomenNames = []string{"Alva", "Ella", "Maja", "Wilma", "Saga", "Ebba", "Alice", "Olivia", "Stella", "Nora", "Ines", "Leah", "Elsa", "Agnes", "Freja", "Amira", "Hanna", "Sara"}
	MenNames   = []string{"Liam", "Noah", "William", "Hugo", "Elias", "Lucas", "Oliver", "Adam", "Leo", "Alexander", "Ali", "Omar", "Viktor", "Filip", "Anton", "Isak", "Melvin", "Theo"}
	LastNames  = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Ahmadi", "Mohammed", "Berg", "Lindqvist", "Holm"}
	Channels   = []string{"sms", "sms", "sms", "phone", "phone", "social_media", "social_media", "email", "letter", "home_visit", "meeting_office", "meeting_school"}
	// How often each channel reaches this group, as the seed projects report.
	ReachRate = map[string]float64{"sms": 0.6, "social_media": 0.65, "phone": 0.4, "email": 0.25, "letter": 0.1,
		"home_visit": 0.5, "meeting_office": 0.9, "meeting_school": 0.9}
	ContactNotes = []string{"", "", "Skickade sms om att ses.", "Pratade om intresse för praktik.", "Bokade nytt möte.", "Inget svar.", "Vill veta mer om komvux."}
)

// demoPerson is one synthetic young person and what happened to them.
type demoPerson struct {
	state string // identified, attempted, in_contact, stale, ended, project, project_ended, turning20
}

// demoParticipants adds a few dozen synthetic young people in every state to
// each demo municipality, with contacts across channels. It adds nothing to a
// municipality that already has participants, so running it twice is safe.
func demoParticipants(ctx context.Context, pool *pgxpool.Pool, orgIDs map[string]int, now time.Time) error {
	plan := []struct {
		state string
		n     int
	}{{"identified", 4}, {"waiting", 3}, {"attempted", 6}, {"in_contact", 10}, {"stale", 4}, {"ended", 4}, {"turning20", 2}, {"project", 3}, {"project_ended", 3}}
	for _, o := range demoOrgs {
		if o.Kind != "municipality" {
			continue
		}
		tenant := orgIDs[o.Key]
		h := fnv.New64a()
		h.Write([]byte(o.Key))
		rng := rand.New(rand.NewPCG(h.Sum64(), 2026))
		err := db.InTenant(ctx, pool, tenant, 0, func(tx db.Tx) error {
			var existing int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM participants WHERE tenant_id = $1`, tenant).Scan(&existing); err != nil || existing > 0 {
				return err
			}
			var coordinator int
			if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, "samordnare@"+o.Slug+".demo").Scan(&coordinator); err != nil {
				return fmt.Errorf("seed: coordinator of %s: %w", o.Key, err)
			}
			var subproject *int
			tx.QueryRow(ctx, `SELECT min(id) FROM subprojects WHERE org_id = $1`, tenant).Scan(&subproject)
			serial := 0
			for _, p := range plan {
				for i := 0; i < p.n; i++ {
					serial++
					if err := addDemoPerson(ctx, tx, rng, now, p.state, serial, coordinator, subproject); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func addDemoPerson(ctx context.Context, tx db.Tx, rng *rand.Rand, now time.Time, state string, serial, coordinator int, subproject *int) error {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	// Ages 16–19 for KAA; turning 20 within two months; 20–23 in a project.
	var birth time.Time
	switch state {
	case "turning20":
		birth = today.AddDate(-20, 0, 10+rng.IntN(40))
	case "project", "project_ended":
		if subproject == nil {
			state = map[string]string{"project": "in_contact", "project_ended": "ended"}[state]
			birth = today.AddDate(-16-rng.IntN(4), 0, -rng.IntN(365))
		} else {
			birth = today.AddDate(-20-rng.IntN(4), 0, -rng.IntN(365))
		}
	default:
		birth = today.AddDate(-16-rng.IntN(4), 0, -rng.IntN(365))
	}
	gender := []string{"woman", "man", "woman", "man", "non_binary", "not_stated"}[rng.IntN(6)]
	first := WomenNames[rng.IntN(len(WomenNames))]
	if gender == "man" || (gender != "woman" && rng.IntN(2) == 0) {
		first = MenNames[rng.IntN(len(MenNames))]
	}
	last := LastNames[rng.IntN(len(LastNames))]
	if state != "project" && state != "project_ended" { // gender for a project participant only (docs/privacy.md)
		gender = "not_stated"
	}
	identified := today.AddDate(0, 0, -5-rng.IntN(300))
	switch state {
	case "identified":
		identified = today.AddDate(0, 0, -rng.IntN(10))
	case "waiting":
		identified = today.AddDate(0, 0, -15-rng.IntN(30))
	}
	reason := []string{"dropped_out", "dropped_out", "never_started", "study_certificate", "dropped_out_im", "unknown"}[rng.IntN(6)]
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, mobile, gender, upper_secondary,
		    programme, source, identified_on, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (tenant_id, personnummer) WHERE personnummer <> '' DO NOTHING RETURNING id`,
		tx.TenantID, Personnummer(birth, serial), birth, first, last, FictionalMobile(rng), gender,
		UpperSecondaryOf(reason),
		[]string{"", "Barn- och fritidsprogrammet", "Bygg- och anläggningsprogrammet", "Ekonomiprogrammet", "Fordons- och transportprogrammet"}[rng.IntN(5)],
		[]string{"school_dropout_notice", "school_list", "school_list", "self_referral", "municipal_service"}[rng.IntN(5)],
		identified, coordinator).Scan(&id)
	if err == pgx.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed: participant: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) VALUES ($1, $2, $3)`, tx.TenantID, id, coordinator); err != nil {
		return err
	}
	kind, sub := "kaa", (*int)(nil)
	if state == "project" || state == "project_ended" {
		kind, sub, reason = "project", subproject, ""
	}
	var labour, education any
	if kind == "project" {
		labour = []string{"unemployed", "unemployed", "long_term_unemployed", "inactive", "inactive", "employed"}[rng.IntN(6)]
		education = []string{"isced_0_2", "isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8"}[rng.IntN(5)]
	}
	end := endReason(state, rng)
	if _, err := tx.Exec(ctx, `
		INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, registration_reason, ends_on, end_reason,
		    labour_market_status, education_level, moved_to)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9, $10, $11)`, tx.TenantID, id, kind, sub, identified, reason,
		endDate(state, identified, today), end, labour, education, MovedTo(end)); err != nil {
		return fmt.Errorf("seed: enrolment: %w", err)
	}
	contacts := 0
	switch state {
	case "attempted":
		contacts = 1 + rng.IntN(3)
	case "in_contact", "ended", "project", "project_ended", "turning20":
		contacts = 2 + rng.IntN(6)
	case "stale":
		contacts = 1 + rng.IntN(3)
	}
	span := int(today.Sub(identified).Hours()/24) + 1
	for i := 0; i < contacts; i++ {
		ch := Channels[rng.IntN(len(Channels))]
		reached := rng.Float64() < ReachRate[ch]
		if state == "attempted" {
			reached = false
		}
		if i == contacts-1 && state != "attempted" {
			reached = true
		}
		day := rng.IntN(span)
		if state == "stale" {
			day = rng.IntN(max(span-45, 1))
		}
		at := identified.AddDate(0, 0, day).Add(time.Duration(8+rng.IntN(9))*time.Hour + time.Duration(rng.IntN(60))*time.Minute)
		if at.After(now) {
			at = now.Add(-time.Hour)
		}
		method := ""
		if ch == "meeting_office" || ch == "meeting_school" || ch == "home_visit" {
			method = []string{"mi", "coaching", "solution_focused", "7tjugo"}[rng.IntN(4)]
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, method, note, created_by, created_at, occupation)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $3, $10)`, tx.TenantID, id, at, ch,
			[]string{"outgoing", "outgoing", "outgoing", "incoming"}[rng.IntN(4)], reached, method, ContactNotes[rng.IntN(len(ContactNotes))], coordinator,
			// Mostly known, sometimes not: the SCB file's checks have work.
			[]string{"no_activity", "no_activity", "work", "work_placement", "komvux", "unknown"}[rng.IntN(6)]); err != nil {
			return fmt.Errorf("seed: contact: %w", err)
		}
	}
	return addDemoPlan(ctx, tx, rng, state, serial, id, coordinator, identified, today)
}

// Responsibles are who is responsible for an åtgärd, and by name when
// it is neither the young person nor the municipality.
var Responsibles = [][2]string{{"municipality", "Arbetsmarknadsenheten"}, {"young_person", ""},
	{"arbetsformedlingen", "Arbetsförmedlingen"}, {"school", "Vuxenutbildningen"}, {"municipality", ""}}

// Goals are a plan's goal and its first sub-goal.
var Goals = [][2]string{
	{"Börja studera igen", "Söka till komvux"}, {"Få struktur i vardagen", "Komma upp i tid tre dagar i veckan"},
	{"Hitta en praktikplats", "Skriva ett CV"}, {"Självförsörjning", "Göra en budget"}, {"Bryta isoleringen", "Gå på en gruppträff"},
}

// addDemoPlan gives some people a mapping and a plan (some revised), and
// people whose project enrolment ended their ESF follow-ups, some recorded
// and some due.
func addDemoPlan(ctx context.Context, tx db.Tx, rng *rand.Rand, state string, serial int, id int64, coordinator int, identified, today time.Time) error {
	if state == "ended" || state == "project_ended" {
		_, err := tx.Exec(ctx, `
			INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on)
			SELECT tenant_id, participant_id, id, k.kind, CASE k.kind WHEN 'exit' THEN ends_on + 28 ELSE (ends_on + interval '6 months')::date END
			FROM enrolments, (VALUES ('exit'), ('six_months')) k(kind)
			WHERE tenant_id = $1 AND participant_id = $2 AND ends_on IS NOT NULL AND enrolments.kind = 'project'`, tx.TenantID, id)
		if err != nil {
			return fmt.Errorf("seed: follow-ups: %w", err)
		}
		if serial%2 == 0 { // the exit follow-up is done for half of them
			_, err = tx.Exec(ctx, `
				UPDATE followups SET done_on = LEAST(due_on, $3::date), occupation = $4, esf_in_education = $4 IN ('national_programme', 'komvux'),
				    esf_job_searching = false, esf_qualification = false, esf_employed = $4 = 'work',
				    survey_long_term_goal = $5, survey_clear_plan = 'yes', survey_respect = 'yes', survey_no_barrier = 'yes',
				    recorded_by = $6, recorded_at = now()
				WHERE tenant_id = $1 AND participant_id = $2 AND kind = 'exit'`, tx.TenantID, id, today,
				[]string{"national_programme", "komvux", "work", "work_placement", "not_reachable"}[rng.IntN(5)],
				[]string{"yes", "no", "no_answer"}[rng.IntN(3)], coordinator)
			if err != nil {
				return fmt.Errorf("seed: follow-up: %w", err)
			}
		}
		return nil
	}
	if state != "in_contact" && state != "project" && state != "turning20" {
		return nil
	}
	mappedOn := identified.AddDate(0, 0, 7)
	if mappedOn.After(today) {
		mappedOn = today
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, strengths, challenges, direction, created_by, referral_made, referral_to)
		VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8 <> '', $8)`, tx.TenantID, id, mappedOn,
		onlyInProject(state, []string{"Händig, gillar att bygga", "Bra på att prata med folk", "Intresserad av data och spel"}[rng.IntN(3)]),
		onlyInProject(state, []string{"Svårt att komma i tid", "Vet inte vad hen vill studera", "Saknar betyg i matematik"}[rng.IntN(3)]),
		[]string{"studies", "work", "undecided"}[rng.IntN(3)], coordinator,
		// A referral to care (a youth clinic, social services) only for a
		// project participant: the KAA register may not hold it.
		map[bool][]string{true: {"", "", "", "youth_clinic", "social_services"}, false: {"", "", "", "other", "arbetsformedlingen"}}[state == "project"][rng.IntN(5)]); err != nil {
		return fmt.Errorf("seed: mapping: %w", err)
	}
	if rng.IntN(3) == 0 { // a third have no plan yet
		return nil
	}
	versions := 1 + rng.IntN(2)
	for v := 1; v <= versions; v++ {
		g := Goals[rng.IntN(len(Goals))]
		followUp := today.AddDate(0, 0, 30-rng.IntN(60)) // some have passed
		start := mappedOn.AddDate(0, 0, -rng.IntN(250))
		responsible := Responsibles[rng.IntN(len(Responsibles))]
		if start.Before(identified) {
			start = identified
		}
		_, err := tx.Exec(ctx, `
			WITH pl AS (INSERT INTO plans (tenant_id, participant_id, version, follow_up_on, agreed_on, change_note, created_by)
			            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING version),
			     g1 AS (INSERT INTO plan_goals (tenant_id, participant_id, version, position, text, status) SELECT $1, $2, version, 1, $8, $10 FROM pl),
			     g2 AS (INSERT INTO plan_goals (tenant_id, participant_id, version, position, parent, text, status) SELECT $1, $2, version, 2, 1, $9, $11 FROM pl)
			, m1 AS (INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, responsible_unit, starts_on, follow_up_on)
			SELECT $1, $2, version, 1, $12, $13, $14, $15, greatest($4::date, $15::date) FROM pl)
			-- A second åtgärd: finished, or not yet given a start date (a gap the SCB report shows).
			INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, starts_on, ends_on, end_reason, follow_up_on)
			SELECT $1, $2, version, 2, 'guidance', 'municipality', CASE WHEN $16 THEN $15::date END,
			       CASE WHEN $16 THEN least($15::date + 30, current_date) END, CASE WHEN $16 THEN 'completed' END,
			       CASE WHEN NOT $16 THEN $4::date END FROM pl`,
			tx.TenantID, id, v, followUp, mappedOn, map[bool]string{true: "Ny praktikplats", false: ""}[v > 1], coordinator,
			g[0], g[1], []string{"in_progress", "not_started", "reached"}[rng.IntN(3)], []string{"in_progress", "reached", "dropped"}[rng.IntN(3)],
			[]string{"work_placement", "guidance", "komvux", "municipal_labour", "support"}[rng.IntN(5)],
			responsible[0], responsible[1], start, id%3 != 0)
		if err != nil {
			return fmt.Errorf("seed: plan: %w", err)
		}
		// The first åtgärd serves the sub-goal.
		if _, err := tx.Exec(ctx, `INSERT INTO plan_measure_goals (tenant_id, participant_id, version, measure, goal) VALUES ($1, $2, $3, 1, 2)`,
			tx.TenantID, id, v); err != nil {
			return fmt.Errorf("seed: plan: %w", err)
		}
	}
	return nil
}

func endDate(state string, identified, today time.Time) *time.Time {
	if state != "ended" && state != "project_ended" {
		return nil
	}
	d := identified.AddDate(0, 0, int(today.Sub(identified).Hours()/24)/2+1)
	return &d
}

func endReason(state string, rng *rand.Rand) *string {
	if state == "project_ended" {
		r := "project_exit"
		return &r
	}
	if state != "ended" {
		return nil
	}
	r := []string{"national_programme", "introduction_programme", "moved", "equivalent_education"}[rng.IntN(4)]
	return &r
}

// MovedTo is the new home municipality of a demo person who moved: Kiruna,
// where no demo municipality is (a move keeps it, as the law asks).
func MovedTo(reason *string) *string {
	if reason == nil || *reason != "moved" {
		return nil
	}
	k := "2584"
	return &k
}

// Personnummer builds a well-formed number for a synthetic person: the
// birth date, a serial in the 900s and the Luhn digit.
func Personnummer(birth time.Time, serial int) string {
	nine := fmt.Sprintf("%s%03d", birth.Format("060102"), 900+serial%100)
	return birth.Format("2006") + nine[2:] + fmt.Sprint(personnummer.CheckDigit(nine))
}

// UpperSecondaryOf is the upper secondary background that goes with a
// registration reason ("unknown" where the reason does not tell).
func UpperSecondaryOf(reason string) string {
	switch reason {
	case "dropped_out", "dropped_out_im", "study_certificate", "never_started":
		return reason
	}
	return "unknown"
}

// FictionalMobile returns one of the numbers Post- och telestyrelsen keeps
// for fiction, 070-174 06 05 to 070-174 06 99, so that no synthetic person's
// number rings a real subscriber.
func FictionalMobile(rng *rand.Rand) string {
	return fmt.Sprintf("+467017406%02d", 5+rng.IntN(95))
}

// onlyInProject is text that the register holds only for a project
// participant (strengths, challenges: docs/privacy.md), empty for anyone else.
func onlyInProject(state, text string) string {
	if state != "project" {
		return ""
	}
	return text
}
