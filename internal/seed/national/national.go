// Package national generates the national dataset: synthetic
// municipalities sized like Sweden's, with invented young people and their
// records, for the benchmark (cmd/kaa-bench). Only cmd/kaa-bench imports it;
// the production binary does not carry it.
package national

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// The national dataset: 290 municipalities, the 13 of the demo and synthetic
// ones with the keys 9000–9276 (no real kommunkod is that high), sized on a
// Zipf-like curve so that a few are very large and many small.
const (
	Municipalities   = 290
	FirstKey         = 9000
	nationalPeople   = 300000 // at scale 1, over five years
	nationalContacts = 20     // contacts per person on average
	zipfExponent     = 0.85   // the largest holds about a tenth of the people
)

// Summary says what Load loaded.
type Summary struct {
	Municipalities, Participants, Enrolments, Contacts, Plans, FollowUps int
}

// ErrLoaded means the national dataset is already in the database.
var ErrLoaded = errors.New("seed: the national dataset is already loaded (use a fresh database, or `make reset` for the dev one)")

// nationalProjects are the generated multi-municipality projects: how many
// members, the share of each member's people enrolled, and the period.
var nationalProjects = []struct {
	key, name     string
	members, from int // members: the first members municipalities from rank from
	share         float64
	startYearsAgo int
}{
	{"nationellt-1", "Nationellt projekt 1", 24, 0, 0.12, 3},
	{"nationellt-2", "Nationellt projekt 2", 12, 30, 0.2, 4},
	{"nationellt-3", "Nationellt projekt 3", 8, 80, 0.25, 2},
	{"nationellt-4", "Nationellt projekt 4", 30, 120, 0.15, 3},
	{"nationellt-5", "Nationellt projekt 5", 4, 200, 0.3, 1},
}

type nationalOrg struct {
	id, rank, coordinator int
	key                   string
	subproject            int     // the sub-project of the first project it is a member of, 0 if none
	projectShare          float64 // the share of its people in that sub-project
	projectStart          time.Time
}

// Load fills the database with the national dataset at scale (1 is
// about 300,000 people and 6 million contacts) as of now, loading with COPY,
// one transaction per municipality. It first loads the demo structure, so
// the demo accounts work. Every person is invented. It refuses to load twice.
func Load(ctx context.Context, pool *pgxpool.Pool, scale float64, now time.Time, progress io.Writer) (Summary, error) {
	var sum Summary
	if scale <= 0 || scale > 10 {
		return sum, fmt.Errorf("seed: scale %g is outside (0, 10]", scale)
	}
	if err := seed.Structure(ctx, pool); err != nil {
		return sum, err
	}
	var loaded bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE key = $1)`, fmt.Sprint(FirstKey)).Scan(&loaded); err != nil {
		return sum, err
	}
	if loaded {
		return sum, ErrLoaded
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	orgs, err := nationalStructure(ctx, pool, today)
	if err != nil {
		return sum, err
	}
	sum.Municipalities = len(orgs)
	weights, total := make([]float64, len(orgs)), 0.0
	for i, o := range orgs {
		weights[i] = 1 / math.Pow(float64(o.rank), zipfExponent)
		total += weights[i]
	}
	people := float64(nationalPeople) * scale
	for i, o := range orgs {
		n := int(math.Round(people * weights[i] / total))
		if n < 1 {
			n = 1
		}
		rng := rand.New(rand.NewPCG(uint64(o.rank), 2026))
		err := db.InTenant(ctx, pool, o.id, 0, func(tx db.Tx) error { return loadMunicipality(ctx, tx, rng, o, n, today, &sum) })
		if err != nil {
			return sum, fmt.Errorf("seed: municipality %s: %w", o.key, err)
		}
		if progress != nil && (i%29 == 0 || i == len(orgs)-1) {
			fmt.Fprintf(progress, "  %d of %d municipalities, %d people, %d contacts\n", i+1, len(orgs), sum.Participants, sum.Contacts)
		}
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return sum, err
	}
	return sum, nil
}

// nationalStructure adds the synthetic municipalities, a coordinator account
// for each (all with the demo password, hashed once), the bench's accounts
// and the generated projects, and returns every municipality with its rank
// by size.
func nationalStructure(ctx context.Context, pool *pgxpool.Pool, today time.Time) ([]nationalOrg, error) {
	hash, err := auth.HashPassword(seed.DemoPassword)
	if err != nil {
		return nil, err
	}
	var orgs []nationalOrg
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var demo []nationalOrg
		rows, _ := tx.Query(ctx, `SELECT id, key FROM orgs WHERE kind = 'municipality' ORDER BY key`)
		var id int
		var key string
		if _, err := pgx.ForEachRow(rows, []any{&id, &key}, func() error {
			demo = append(demo, nationalOrg{id: id, key: key})
			return nil
		}); err != nil {
			return err
		}
		synthetic := Municipalities - len(demo)
		// Like the demo's, the synthetic municipalities do not require
		// two-factor sign-in, so that the benchmark can sign in.
		if _, err := tx.Exec(ctx, `INSERT INTO orgs (key, name, kind, require_two_factor)
			SELECT ($1 + i)::text, 'Syntetkommun ' || ($1 + i), 'municipality', false FROM generate_series(0, $2 - 1) i`, FirstKey, synthetic); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT id, key FROM orgs WHERE key ~ '^9[0-9]{3}$' AND key::int >= $1 ORDER BY key`, FirstKey)
		var synth []nationalOrg
		if _, err := pgx.ForEachRow(rows, []any{&id, &key}, func() error {
			synth = append(synth, nationalOrg{id: id, key: key})
			return nil
		}); err != nil {
			return err
		}
		// Ranks: the synthetic ones in key order, the demo municipalities
		// spread among the mid-sized and small.
		demoRank := map[int]bool{}
		for i := range demo {
			demo[i].rank = 25 + i*19
			demoRank[demo[i].rank] = true
		}
		rank := 1
		for i := range synth {
			for demoRank[rank] {
				rank++
			}
			synth[i].rank = rank
			rank++
		}
		orgs = append(synth, demo...)
		// A coordinator in every municipality: the demo's where there is one.
		for i := range orgs {
			o := &orgs[i]
			err := tx.QueryRow(ctx, `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
				WHERE m.tenant_id = $1 AND m.role = 'coordinator' ORDER BY u.id LIMIT 1`, o.id).Scan(&o.coordinator)
			if errors.Is(err, pgx.ErrNoRows) {
				err = tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`,
					"samordnare@"+o.key+".national", "Samordnare "+o.key, hash).Scan(&o.coordinator)
				if err == nil {
					_, err = tx.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, o.id, o.coordinator)
				}
			}
			if err != nil {
				return fmt.Errorf("coordinator of %s: %w", o.key, err)
			}
		}
		var admin, leader, evaluator int
		for _, u := range []struct {
			email, name string
			id          *int
		}{{"admin@9000.national", "Administratör 9000", &admin}, {"projektledare@nationellt.national", "Projektledare", &leader},
			{"utvarderare@nationellt.national", "Utvärderare", &evaluator}} {
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`, u.email, u.name, hash).Scan(u.id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'municipality_admin')`, synth[0].id, admin); err != nil {
			return err
		}
		byRank := make([]*nationalOrg, len(orgs)+1)
		for i := range orgs {
			byRank[orgs[i].rank] = &orgs[i]
		}
		for n, p := range nationalProjects {
			start := today.AddDate(-p.startYearsAgo, 0, 0)
			var pid int
			if err := tx.QueryRow(ctx, `INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on, funding) VALUES ($1, $2, $3, $4, $5, 'ESF+') RETURNING id`,
				p.key, p.name, byRank[p.from+1].id, start, start.AddDate(3, 0, -1)).Scan(&pid); err != nil {
				return err
			}
			if n == 0 {
				for _, u := range []struct {
					id   int
					role string
				}{{leader, "project_leader"}, {evaluator, "evaluator"}} {
					if _, err := tx.Exec(ctx, `INSERT INTO project_roles (project_id, user_id, role) VALUES ($1, $2, $3)`, pid, u.id, u.role); err != nil {
						return err
					}
				}
			}
			for r := p.from + 1; r <= p.from+p.members && r < len(byRank); r++ {
				o := byRank[r]
				// Invited and accepted at once: the seed acts as both sides.
				if _, err := tx.Exec(ctx, `INSERT INTO project_orgs (project_id, org_id, accepted_at) VALUES ($1, $2, now())`, pid, o.id); err != nil {
					return err
				}
				var sub int
				if err := tx.QueryRow(ctx, `INSERT INTO subprojects (project_id, org_id, name, focus, planned_participants)
					VALUES ($1, $2, $3, 'Uppsökande arbete och individuellt stöd', 100) RETURNING id`, pid, o.id, p.name+" "+o.key).Scan(&sub); err != nil {
					return err
				}
				if o.subproject == 0 {
					o.subproject, o.projectShare, o.projectStart = sub, p.share, start
				}
			}
			for ind, v := range map[string]float64{"planned_participants": float64(100 * p.members), "women_share_min": 40, "women_share_max": 60} {
				if _, err := tx.Exec(ctx, `INSERT INTO project_targets (project_id, indicator, target) VALUES ($1, $2, $3)`, pid, ind, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return orgs, err
}

// nationalPerson is one invented young person and what happened to them.
type nationalPerson struct {
	id                          int64
	birth, identified           time.Time
	gender, first, last         string
	reason                      string
	kaaEnd                      *time.Time
	kaaEndReason                *string
	projStart, projEnd          *time.Time
	contacts                    int
	mapping, plan, revised      bool
	kaaEnrolment, projEnrolment int64
}

var (
	regReasons = []string{"dropped_out", "dropped_out", "dropped_out", "never_started", "study_certificate", "study_certificate", "dropped_out_im", "moved_in", "unknown"}
	kaaEnds    = []string{"national_programme", "national_programme", "introduction_programme", "introduction_programme", "equivalent_education",
		"adapted_upper_secondary", "moved", "moved", "emigrated", "equivalent_education"}
	occupations = []string{"unknown", "unknown", "unknown", "no_activity", "no_activity", "work", "work_placement", "komvux", "introduction_programme", "arbetsformedlingen", "municipal_measure"}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// loadMunicipality generates n people of o and loads them and their records
// with COPY.
func loadMunicipality(ctx context.Context, tx db.Tx, rng *rand.Rand, o nationalOrg, n int, today time.Time, sum *Summary) error {
	people := make([]nationalPerson, n)
	used := map[string]bool{}
	pnrs := make([]string, n)
	for i := range people {
		p := &people[i]
		p.identified = today.AddDate(0, 0, -rng.IntN(5*365))
		age := 16 + rng.IntN(4)
		projectOnly := o.subproject != 0 && rng.Float64() < 0.15
		if projectOnly {
			age = 20 + rng.IntN(4)
		}
		p.birth = p.identified.AddDate(-age, 0, -rng.IntN(365))
		for serial := rng.IntN(100); ; serial++ {
			pnr := seed.Personnummer(p.birth, serial)
			if !used[pnr] {
				used[pnr], pnrs[i] = true, pnr
				break
			}
			if serial > 300 { // a hundred people born on one day: move the day
				p.birth = p.birth.AddDate(0, 0, -1)
				serial = 0
			}
		}
		p.gender = "woman"
		switch r := rng.IntN(100); {
		case r >= 46 && r < 96:
			p.gender = "man"
		case r >= 96 && r < 98:
			p.gender = "non_binary"
		case r >= 98:
			p.gender = "not_stated"
		}
		p.first = pick(rng, seed.WomenNames)
		if p.gender == "man" || (p.gender != "woman" && rng.IntN(2) == 0) {
			p.first = pick(rng, seed.MenNames)
		}
		p.last = pick(rng, seed.LastNames)
		p.reason = pick(rng, regReasons)
		turns20 := p.birth.AddDate(20, 0, 0)
		if !projectOnly {
			end := p.identified.AddDate(0, 0, int(rng.ExpFloat64()*240)+7)
			reason := pick(rng, kaaEnds)
			if !turns20.After(end) {
				end, reason = turns20, "turned_20"
			}
			if !end.After(today) {
				p.kaaEnd, p.kaaEndReason = &end, &reason
			}
		}
		if o.subproject != 0 && (projectOnly || rng.Float64() < o.projectShare) {
			start := p.identified.AddDate(0, 0, rng.IntN(60))
			if start.Before(o.projectStart) {
				start = o.projectStart.AddDate(0, 0, rng.IntN(90))
			}
			if !start.After(today) {
				p.projStart = &start
				if end := start.AddDate(0, 0, 60+rng.IntN(340)); !end.After(today) {
					p.projEnd = &end
				}
			}
		}
		if rng.IntN(100) >= 8 {
			p.contacts = int(rng.ExpFloat64()*nationalContacts*1.07) + 1
		}
		p.mapping = p.contacts > 0 && rng.Float64() < 0.6
		p.plan = p.mapping && rng.Float64() < 0.67
		p.revised = p.plan && rng.Float64() < 0.2
	}

	// People, read back in the order they were loaded.
	i := 0
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"participants"},
		[]string{"tenant_id", "personnummer", "birth_date", "first_name", "last_name", "mobile", "gender", "upper_secondary", "source", "identified_on", "created_by", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(people) {
				return nil, nil
			}
			p := &people[i]
			i++
			gender := "not_stated" // held for a project participant only (docs/privacy.md)
			if p.projStart != nil {
				gender = p.gender
			}
			return []any{tx.TenantID, pnrs[i-1], p.birth, p.first, p.last, seed.FictionalMobile(rng), gender,
				seed.UpperSecondaryOf(p.reason), pick(rng, []string{"school_dropout_notice", "school_list", "school_list", "self_referral", "municipal_service"}),
				p.identified, o.coordinator, p.identified}, nil
		})); err != nil {
		return fmt.Errorf("participants: %w", err)
	}
	ids, err := orderedIDs(ctx, tx, `SELECT id FROM participants WHERE tenant_id = $1 ORDER BY id`)
	if err != nil || len(ids) != n {
		return fmt.Errorf("participant ids: %d of %d, %v", len(ids), n, err)
	}
	for i := range people {
		people[i].id = ids[i]
	}
	sum.Participants += n
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"participant_coordinators"}, []string{"tenant_id", "participant_id", "user_id"},
		rowsOf(people, func(p *nationalPerson) [][]any { return [][]any{{tx.TenantID, p.id, o.coordinator}} })); err != nil {
		return fmt.Errorf("coordinators: %w", err)
	}

	// Enrolments: the KAA one, then the project one, in people order.
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"enrolments"},
		[]string{"tenant_id", "participant_id", "kind", "subproject_id", "starts_on", "ends_on", "registration_reason", "end_reason", "created_by",
			"labour_market_status", "education_level", "moved_to"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			var out [][]any
			if p.birth.AddDate(20, 0, 0).After(p.identified) {
				out = append(out, []any{tx.TenantID, p.id, "kaa", nil, p.identified, p.kaaEnd, p.reason, p.kaaEndReason, o.coordinator, nil, nil, seed.MovedTo(p.kaaEndReason)})
			}
			if p.projStart != nil {
				var reason any
				if p.projEnd != nil {
					reason = "project_exit"
				}
				out = append(out, []any{tx.TenantID, p.id, "project", o.subproject, *p.projStart, p.projEnd, nil, reason, o.coordinator,
					pick(rng, []string{"unemployed", "unemployed", "long_term_unemployed", "inactive", "inactive", "employed"}),
					pick(rng, []string{"isced_0_2", "isced_0_2", "isced_3_4", "isced_3_4", "isced_5_8"}), nil})
			}
			return out
		})); err != nil {
		return fmt.Errorf("enrolments: %w", err)
	}
	type enrolment struct {
		ID, Participant int64
		Kind            string
	}
	rows, _ := tx.Query(ctx, `SELECT id, participant_id, kind FROM enrolments WHERE tenant_id = $1 ORDER BY id`, tx.TenantID)
	enrolments, err := pgx.CollectRows(rows, pgx.RowToStructByPos[enrolment])
	if err != nil {
		return err
	}
	byID := make(map[int64]*nationalPerson, n)
	for i := range people {
		byID[people[i].id] = &people[i]
	}
	for _, e := range enrolments {
		if e.Kind == "kaa" {
			byID[e.Participant].kaaEnrolment = e.ID
		} else {
			byID[e.Participant].projEnrolment = e.ID
		}
	}
	sum.Enrolments += len(enrolments)

	// Contacts, between identification and the end of the last enrolment.
	contacts := 0
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"contacts"},
		[]string{"tenant_id", "participant_id", "occurred_at", "channel", "direction", "reached", "method", "note", "created_by", "created_at", "occupation"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			// Contacts run until today while an enrolment is open, else until the last one ended.
			last := today
			kaaOpen := p.kaaEnrolment != 0 && p.kaaEnd == nil
			projOpen := p.projStart != nil && p.projEnd == nil
			if !kaaOpen && !projOpen {
				for _, e := range []*time.Time{p.kaaEnd, p.projEnd} {
					if e != nil && (last == today || e.After(last)) {
						last = *e
					}
				}
			}
			span := int(last.Sub(p.identified).Hours()/24) + 1
			out := make([][]any, 0, p.contacts)
			for k := 0; k < p.contacts; k++ {
				ch := pick(rng, seed.Channels)
				at := p.identified.AddDate(0, 0, rng.IntN(span)).Add(time.Duration(8+rng.IntN(9))*time.Hour + time.Duration(rng.IntN(60))*time.Minute)
				if at.After(today) {
					at = today.Add(-time.Duration(1+rng.IntN(12)) * time.Hour)
				}
				if at.Before(p.identified) {
					at = p.identified.Add(9 * time.Hour)
				}
				method, note := "", ""
				if ch == "meeting_office" || ch == "meeting_school" || ch == "home_visit" {
					method = pick(rng, []string{"mi", "coaching", "solution_focused", "7tjugo"})
				}
				if rng.IntN(5) == 0 {
					note = pick(rng, seed.ContactNotes[2:])
				}
				out = append(out, []any{tx.TenantID, p.id, at, ch, pick(rng, []string{"outgoing", "outgoing", "outgoing", "incoming"}),
					rng.Float64() < seed.ReachRate[ch], method, note, o.coordinator, at, pick(rng, occupations)})
			}
			contacts += len(out)
			return out
		})); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	sum.Contacts += contacts

	// Mappings, plans with goals and measures, follow-ups.
	mappedOn := func(p *nationalPerson) time.Time {
		d := p.identified.AddDate(0, 0, 7+int(p.id%30))
		if d.After(today) {
			return today
		}
		return d
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"mappings"},
		[]string{"tenant_id", "participant_id", "version", "mapped_on", "strengths", "challenges", "direction", "referral_made", "referral_to", "created_by", "created_at"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			if !p.mapping {
				return nil
			}
			to := pick(rng, []string{"", "", "", "", "other", "social_services", "arbetsformedlingen"})
			strengths := pick(rng, []string{"Händig, gillar att bygga", "Bra på att prata med folk", "Intresserad av data och spel"})
			challenges := pick(rng, []string{"Svårt att komma i tid", "Vet inte vad hen vill studera", "Saknar betyg i matematik"})
			if p.projEnrolment != 0 && to == "other" { // a youth clinic only for a project participant
				to = "youth_clinic"
			}
			if p.projEnrolment == 0 { // care referrals, strengths and challenges only for a project participant
				strengths, challenges = "", ""
				if to == "social_services" {
					to = "other"
				}
			}
			return [][]any{{tx.TenantID, p.id, 1, mappedOn(p), strengths, challenges,
				pick(rng, []string{"studies", "studies", "work", "other", "undecided"}), to != "", to, o.coordinator, mappedOn(p)}}
		})); err != nil {
		return fmt.Errorf("mappings: %w", err)
	}
	versions := func(p *nationalPerson) int {
		switch {
		case p.revised:
			return 2
		case p.plan:
			return 1
		}
		return 0
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"plans"},
		[]string{"tenant_id", "participant_id", "version", "follow_up_on", "agreed_on", "change_note", "created_by", "created_at"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			var out [][]any
			for v := 1; v <= versions(p); v++ {
				made := mappedOn(p).AddDate(0, 0, 14*(v-1))
				if made.After(today) {
					made = today
				}
				out = append(out, []any{tx.TenantID, p.id, v, made.AddDate(0, 0, 90), made, map[bool]string{true: "Ny praktikplats", false: ""}[v > 1], o.coordinator, made})
			}
			sum.Plans += len(out)
			return out
		})); err != nil {
		return fmt.Errorf("plans: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"plan_goals"}, []string{"tenant_id", "participant_id", "version", "position", "parent", "text", "status"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			var out [][]any
			for v := 1; v <= versions(p); v++ {
				g := pick(rng, seed.Goals)
				out = append(out, []any{tx.TenantID, p.id, v, 1, nil, g[0], pick(rng, []string{"in_progress", "not_started", "reached"})},
					[]any{tx.TenantID, p.id, v, 2, 1, g[1], pick(rng, []string{"in_progress", "reached", "dropped"})})
			}
			return out
		})); err != nil {
		return fmt.Errorf("goals: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"plan_measures"},
		[]string{"tenant_id", "participant_id", "version", "position", "type", "responsible", "responsible_unit", "starts_on", "ends_on", "end_reason", "follow_up_on"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			var out [][]any
			for v := 1; v <= versions(p); v++ {
				start := mappedOn(p).AddDate(0, 0, 7)
				if start.After(today) {
					start = today
				}
				end, reason := any(nil), any(nil)
				if e := start.AddDate(0, 0, 30+rng.IntN(150)); !e.After(today) {
					end, reason = e, pick(rng, []string{"completed", "completed", "dropped_out", "studies", "work"})
				}
				followUp := any(nil) // an open åtgärd is followed up two months in (for some that has passed)
				if end == nil {
					followUp = start.AddDate(0, 2, 0)
				}
				resp := pick(rng, seed.Responsibles)
				out = append(out, []any{tx.TenantID, p.id, v, 1, pick(rng, []string{"work_placement", "guidance", "komvux", "municipal_labour", "support", "folkhogskola"}),
					resp[0], resp[1], start, end, reason, followUp})
				if rng.IntN(3) == 0 {
					out = append(out, []any{tx.TenantID, p.id, v, 2, "guidance", "municipality", "", nil, nil, nil, today.AddDate(0, 1, 0)})
				}
			}
			return out
		})); err != nil {
		return fmt.Errorf("measures: %w", err)
	}
	followUps := 0
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"followups"},
		[]string{"tenant_id", "participant_id", "enrolment_id", "kind", "due_on", "done_on", "occupation", "esf_job_searching", "esf_in_education",
			"esf_qualification", "esf_employed", "survey_long_term_goal", "survey_clear_plan", "survey_respect", "survey_no_barrier", "recorded_by", "recorded_at"},
		rowsOf(people, func(p *nationalPerson) [][]any {
			var out [][]any
			for _, e := range []struct {
				id  int64
				end *time.Time
			}{{p.projEnrolment, p.projEnd}} { // ESF's: a KAA registration has none
				if e.id == 0 || e.end == nil {
					continue
				}
				for _, kind := range []string{"exit", "six_months"} {
					due := e.end.AddDate(0, 0, 28)
					if kind == "six_months" {
						due = e.end.AddDate(0, 6, 0)
					}
					row := []any{tx.TenantID, p.id, e.id, kind, due, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil}
					if !due.After(today) && rng.Float64() < map[string]float64{"exit": 0.8, "six_months": 0.6}[kind] {
						done := e.end.AddDate(0, 0, rng.IntN(28))
						if kind == "six_months" {
							done = due.AddDate(0, 0, -rng.IntN(14))
						}
						occ := pick(rng, []string{"national_programme", "introduction_programme", "komvux", "folkhogskola", "work", "work", "work_placement", "arbetsformedlingen", "no_activity", "not_reachable"})
						employed := occ == "work"
						row[5], row[6], row[7], row[8], row[9], row[10] = done, occ, occ == "arbetsformedlingen", occ == "national_programme" || occ == "komvux" || occ == "folkhogskola" || occ == "introduction_programme", rng.IntN(10) == 0, employed
						if kind == "exit" {
							ans := func(yes float64) string {
								switch r := rng.Float64(); {
								case r < yes:
									return "yes"
								case r < 0.95:
									return "no"
								}
								return "no_answer"
							}
							row[11], row[12], row[13], row[14] = ans(0.55), ans(0.7), ans(0.93), ans(0.9)
						}
						row[15], row[16] = o.coordinator, done
					}
					out = append(out, row)
				}
			}
			followUps += len(out)
			return out
		})); err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	sum.FollowUps += followUps
	return nil
}

// rowsOf is a COPY source of the rows fn makes for each person, made as COPY
// asks for them, so a municipality's contacts are never all in memory.
func rowsOf(people []nationalPerson, fn func(*nationalPerson) [][]any) pgx.CopyFromSource {
	i := 0
	var pending [][]any
	return pgx.CopyFromFunc(func() ([]any, error) {
		for len(pending) == 0 {
			if i == len(people) {
				return nil, nil
			}
			pending = fn(&people[i])
			i++
		}
		row := pending[0]
		pending = pending[1:]
		return row, nil
	})
}

func orderedIDs(ctx context.Context, tx db.Tx, sql string) ([]int64, error) {
	rows, _ := tx.Query(ctx, sql, tx.TenantID)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
