// Package seed loads demo data: synthetic organisations, projects and
// accounts for every role. Nothing in it comes from a real person.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
)

// DemoPassword is shared by every demo account.
const DemoPassword = "demo-losenord-2026"

type demoOrg struct {
	Key, Name, Kind, Slug, Short string
}

// The municipalities of the seed projects with their kommunkoder, and the
// non-municipal organisations that own or join a project.
var demoOrgs = []demoOrg{
	{"1290", "Kristianstads kommun", "municipality", "kristianstad", "Kristianstad"},
	{"1293", "Hässleholms kommun", "municipality", "hassleholm", "Hässleholm"},
	{"1266", "Hörby kommun", "municipality", "horby", "Hörby"},
	{"1273", "Osby kommun", "municipality", "osby", "Osby"},
	{"1256", "Östra Göinge kommun", "municipality", "ostragoinge", "Östra Göinge"},
	{"1272", "Bromölla kommun", "municipality", "bromolla", "Bromölla"},
	{"0484", "Eskilstuna kommun", "municipality", "eskilstuna", "Eskilstuna"},
	{"0486", "Strängnäs kommun", "municipality", "strangnas", "Strängnäs"},
	{"0483", "Katrineholms kommun", "municipality", "katrineholm", "Katrineholm"},
	{"0481", "Oxelösunds kommun", "municipality", "oxelosund", "Oxelösund"},
	{"1983", "Köpings kommun", "municipality", "koping", "Köping"},
	{"1491", "Ulricehamns kommun", "municipality", "ulricehamn", "Ulricehamn"},
	{"1382", "Falkenbergs kommun", "municipality", "falkenberg", "Falkenberg"},
	{"region-sormland", "Region Sörmland", "region", "regionsormland", "Region Sörmland"},
	{"af-sormland", "Arbetsförmedlingen Sörmland", "agency", "af-sormland", "Arbetsförmedlingen Sörmland"},
}

type demoSub struct {
	Org, Name, Focus string
	Planned          int
}

type demoProject struct {
	Key, Name, Owner string
	Starts, Ends     string
	Funding          string
	Members          []string
	Subs             []demoSub
	Targets          map[string]float64
}

var demoProjects = []demoProject{
	{
		Key: "within", Name: "Within", Owner: "1290", Starts: "2015-09-01", Ends: "2020-08-31", Funding: "ESF",
		Members: []string{"1290", "1293", "1266", "1273", "1256", "1272"},
		Subs: []demoSub{
			{"1290", "Within Kristianstad", "Närvaroteam för unga med hög frånvaro i gymnasieskolan", 260},
			{"1293", "Within Hässleholm", "Lärlingsspår och praktik", 200},
			{"1266", "Within Hörby", "Studie- och yrkesvägledning", 90},
			{"1273", "Within Osby", "Uppsökande arbete och plan för återgång till studier", 110},
			{"1256", "Within Östra Göinge", "Förberedande studiespår för 20–24 år", 130},
			{"1272", "Within Bromölla", "Individuellt anpassade aktiviteter med förstärkt stöd", 131},
		},
		Targets: map[string]float64{"planned_participants": 921, "planned_participants_po2": 1095, "women_share_min": 40, "women_share_max": 60},
	},
	{
		Key: "klarframtid", Name: "#KlarFramtid", Owner: "region-sormland", Starts: "2019-09-01", Ends: "2022-08-31", Funding: "ESF",
		Members: []string{"0484", "0486", "0483", "0481", "1983", "af-sormland"},
		Subs: []demoSub{
			{"0484", "KlarFramtid Eskilstuna", "Uppsökande och motiverande insatser", 180},
			{"0486", "KlarFramtid Strängnäs", "Studie- och yrkesvägledning", 90},
			{"0483", "KlarFramtid Katrineholm", "Praktik och arbetsträning", 100},
			{"0481", "KlarFramtid Oxelösund", "Individuellt anpassade aktiviteter", 60},
			{"1983", "KlarFramtid Köping", "Förberedande studiespår", 100},
			{"af-sormland", "KlarFramtid Arbetsförmedlingen", "Samverkan kring arbetsmarknadsinsatser", 0},
		},
		Targets: map[string]float64{"planned_participants": 530, "women_share_min": 40, "women_share_max": 60,
			"survey_long_term_goal_min": 50, "survey_clear_plan_min": 75, "survey_respect_min": 95, "survey_no_access_barrier_min": 100},
	},
	{
		Key: "mojligheter-2", Name: "Möjligheter del 2", Owner: "1491", Starts: "2009-08-15", Ends: "2010-08-14", Funding: "ESF",
		Members: []string{"1491"},
		Subs:    []demoSub{{"1491", "Möjligheter Ulricehamn", "Individuell handlingsplan, praktik och stöd till självförsörjning", 30}},
		Targets: map[string]float64{"planned_participants": 30},
	},
	{
		Key: "impuls", Name: "IMpuls", Owner: "1382", Starts: "2023-01-01", Ends: "2025-12-31", Funding: "ESF+",
		Members: []string{"1382"},
		Subs:    []demoSub{{"1382", "IMpuls Falkenberg", "Elever på introduktionsprogram", 180}},
		Targets: map[string]float64{"planned_participants": 180, "women_share_min": 40, "women_share_max": 60},
	},
}

// Account is a demo login.
type Account struct {
	Email string
	Name  string
	What  string // the role and place, in Swedish
}

type demoAccount struct {
	Account
	tenantRoles  map[string][]auth.Role // org key -> roles
	projectRoles map[string][]auth.Role // project key -> roles
	systemAdmin  bool
}

func demoAccounts() []demoAccount {
	var accounts []demoAccount
	accounts = append(accounts, demoAccount{Account: Account{"systemadmin@kaa.demo", "Sam Systemsson", "Systemadministratör"}, systemAdmin: true})
	for _, o := range demoOrgs {
		if o.Kind != "municipality" {
			continue
		}
		place := o.Name
		accounts = append(accounts,
			demoAccount{Account: Account{"samordnare@" + o.Slug + ".demo", "Samordnare " + o.Short, "KAA-samordnare, " + place},
				tenantRoles: map[string][]auth.Role{o.Key: {auth.Coordinator}}},
			demoAccount{Account: Account{"admin@" + o.Slug + ".demo", "Administratör " + o.Short, "Kommunadministratör, " + place},
				tenantRoles: map[string][]auth.Role{o.Key: {auth.MunicipalityAdmin}}},
		)
	}
	for _, p := range []struct{ key, slug, name string }{{"within", "within", "Within"}, {"klarframtid", "klarframtid", "#KlarFramtid"}} {
		accounts = append(accounts,
			demoAccount{Account: Account{"projektledare@" + p.slug + ".demo", "Projektledare " + p.name, "Projektledare, " + p.name},
				projectRoles: map[string][]auth.Role{p.key: {auth.ProjectLeader}}},
			demoAccount{Account: Account{"utvarderare@" + p.slug + ".demo", "Utvärderare " + p.name, "Utvärderare, " + p.name},
				projectRoles: map[string][]auth.Role{p.key: {auth.Evaluator}}},
		)
	}
	// One person with several roles: coordinator in Osby and Hörby and project leader of Within.
	accounts = append(accounts, demoAccount{
		Account:      Account{"flera@within.demo", "Fia Flerroll", "KAA-samordnare i Osby och Hörby, projektledare för Within"},
		tenantRoles:  map[string][]auth.Role{"1273": {auth.Coordinator}, "1266": {auth.Coordinator}},
		projectRoles: map[string][]auth.Role{"within": {auth.ProjectLeader}},
	})
	return accounts
}

// DemoAccounts lists the demo logins; all share DemoPassword.
func DemoAccounts() []Account {
	var out []Account
	for _, a := range demoAccounts() {
		out = append(out, a.Account)
	}
	return out
}

// Demo loads the demo data through pool, which connects as the schema owner:
// the organisations, projects and accounts of Structure, and a few dozen
// synthetic young people in every state in each municipality. It is safe to
// run twice: what exists is left as it is.
func Demo(ctx context.Context, pool *pgxpool.Pool) error {
	orgIDs, err := structure(ctx, pool)
	if err != nil {
		return err
	}
	return demoParticipants(ctx, pool, orgIDs, time.Now())
}

// Structure loads the demo organisations, projects and accounts, without any
// young people. Safe to run twice.
func Structure(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := structure(ctx, pool)
	return err
}

// StructureAt is Structure on the database at url, for a test template.
func StructureAt(ctx context.Context, url string) error { return at(ctx, url, Structure) }

// DemoAt is Demo on the database at url, for a test template.
func DemoAt(ctx context.Context, url string) error { return at(ctx, url, Demo) }

// at runs load on a pool of its own to the database at url.
func at(ctx context.Context, url string, load func(context.Context, *pgxpool.Pool) error) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	return load(ctx, pool)
}

func structure(ctx context.Context, pool *pgxpool.Pool) (map[string]int, error) {
	orgIDs := map[string]int{}
	projectIDs := map[string]int{}
	err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		// The demo's organisations do not require two-factor sign-in, so that
		// anyone can try the demo accounts without an authenticator app; a
		// real organisation does unless its administrator turns it off.
		for _, o := range demoOrgs {
			var id int
			if err := tx.QueryRow(ctx, `
				INSERT INTO orgs (key, name, kind, require_two_factor) VALUES ($1, $2, $3, false)
				ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id`, o.Key, o.Name, o.Kind).Scan(&id); err != nil {
				return fmt.Errorf("seed: org %s: %w", o.Key, err)
			}
			orgIDs[o.Key] = id
		}
		for _, p := range demoProjects {
			starts, _ := time.Parse(time.DateOnly, p.Starts)
			ends, _ := time.Parse(time.DateOnly, p.Ends)
			var id int
			if err := tx.QueryRow(ctx, `
				INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on, funding) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id`,
				p.Key, p.Name, orgIDs[p.Owner], starts, ends, p.Funding).Scan(&id); err != nil {
				return fmt.Errorf("seed: project %s: %w", p.Key, err)
			}
			projectIDs[p.Key] = id
			// The seed acts as both sides: the owner's invitation and the
			// member's acceptance, so the demo umbrella has its members.
			for _, m := range p.Members {
				if _, err := tx.Exec(ctx, `INSERT INTO project_orgs (project_id, org_id, accepted_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING`, id, orgIDs[m]); err != nil {
					return fmt.Errorf("seed: project member: %w", err)
				}
			}
			for _, s := range p.Subs {
				if _, err := tx.Exec(ctx, `
					INSERT INTO subprojects (project_id, org_id, name, focus, planned_participants) VALUES ($1, $2, $3, $4, NULLIF($5, 0))
					ON CONFLICT (project_id, org_id, name) DO NOTHING`, id, orgIDs[s.Org], s.Name, s.Focus, s.Planned); err != nil {
					return fmt.Errorf("seed: subproject: %w", err)
				}
			}
			for ind, v := range p.Targets {
				if _, err := tx.Exec(ctx, `INSERT INTO project_targets (project_id, indicator, target) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, ind, v); err != nil {
					return fmt.Errorf("seed: target: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return orgIDs, demoAccountsLoad(ctx, pool, orgIDs, projectIDs)
}

func demoAccountsLoad(ctx context.Context, pool *pgxpool.Pool, orgIDs, projectIDs map[string]int) error {
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	for _, a := range demoAccounts() {
		var uid int
		err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `
				INSERT INTO users (email, name, password_hash, is_system_admin) VALUES ($1, $2, $3, $4)
				ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id`,
				a.Email, a.Name, hash, a.systemAdmin).Scan(&uid); err != nil {
				return fmt.Errorf("seed: user %s: %w", a.Email, err)
			}
			for key, roles := range a.projectRoles {
				for _, r := range roles {
					if _, err := tx.Exec(ctx, `INSERT INTO project_roles (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
						projectIDs[key], uid, r); err != nil {
						return fmt.Errorf("seed: project role: %w", err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for key, roles := range a.tenantRoles {
			err := db.InTenant(ctx, pool, orgIDs[key], 0, func(tx db.Tx) error {
				for _, r := range roles {
					if _, err := tx.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
						tx.TenantID, uid, r); err != nil {
						return fmt.Errorf("seed: membership: %w", err)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
