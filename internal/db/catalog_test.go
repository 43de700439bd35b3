package db_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// tenantTables lists every table with a tenant_id column.
func tenantTables(t *testing.T, d *pgtest.DB) []string {
	t.Helper()
	rows, _ := d.Owner.Query(context.Background(), `
		SELECT c.relname FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND n.nspname = 'public' AND c.relkind IN ('r', 'p')
		ORDER BY 1`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 2 {
		t.Fatalf("found only %d tenant tables: %v", len(names), names)
	}
	return names
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	tables := tenantTables(t, d)

	t.Run("RLSEnabledAndForced", func(t *testing.T) {
		for _, tbl := range tables {
			var enabled, forced bool
			if err := d.Owner.QueryRow(ctx, `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1 AND relnamespace = 'public'::regnamespace`, tbl).Scan(&enabled, &forced); err != nil {
				t.Fatal(err)
			}
			if !enabled || !forced {
				t.Errorf("%s: row level security enabled=%v forced=%v, want both", tbl, enabled, forced)
			}
		}
	})

	t.Run("TenantIDLeadsPrimaryAndForeignKeys", func(t *testing.T) {
		for _, tbl := range tables {
			rows, _ := d.Owner.Query(ctx, `
				SELECT con.conname, con.contype::text, a.attname
				FROM pg_constraint con
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
				WHERE con.conrelid = ('public.' || $1)::regclass AND con.contype IN ('p', 'f', 'u')`, tbl)
			type key struct{ Name, Kind, First string }
			keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[key])
			if err != nil {
				t.Fatal(err)
			}
			hasPK := false
			for _, k := range keys {
				if k.Kind == "p" {
					hasPK = true
				}
				// A foreign key to a global table (users, orgs) may lead with its own column.
				if k.Kind != "f" && k.First != "tenant_id" {
					t.Errorf("%s: %s (%s) starts with %s, want tenant_id", tbl, k.Name, k.Kind, k.First)
				}
			}
			if !hasPK {
				t.Errorf("%s: no primary key", tbl)
			}
			// Every foreign key to another tenant table carries tenant_id first.
			rows, _ = d.Owner.Query(ctx, `
				SELECT con.conname, ref.relname, a.attname
				FROM pg_constraint con
				JOIN pg_class ref ON ref.oid = con.confrelid
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
				WHERE con.conrelid = ('public.' || $1)::regclass AND con.contype = 'f'
				  AND EXISTS (SELECT 1 FROM pg_attribute ra WHERE ra.attrelid = con.confrelid AND ra.attname = 'tenant_id')`, tbl)
			fks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[key])
			if err != nil {
				t.Fatal(err)
			}
			for _, fk := range fks {
				if fk.First != "tenant_id" {
					t.Errorf("%s: foreign key %s to tenant table %s starts with %s", tbl, fk.Name, fk.Kind, fk.First)
				}
			}
		}
	})

	t.Run("UniqueIndexesStartWithTenantID", func(t *testing.T) {
		for _, tbl := range tables {
			rows, _ := d.Owner.Query(ctx, `
				SELECT i.relname, a.attname
				FROM pg_index x
				JOIN pg_class i ON i.oid = x.indexrelid
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
				WHERE x.indrelid = ('public.' || $1)::regclass AND x.indisunique`, tbl)
			type idx struct {
				Name  string
				First *string
			}
			idxs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[idx])
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range idxs {
				if i.First == nil || *i.First != "tenant_id" {
					t.Errorf("%s: unique index %s does not start with tenant_id: it would tell one tenant what another holds", tbl, i.Name)
				}
			}
		}
	})

	// Citus distributes every tenant table by tenant_id and keeps the global
	// ones as reference tables (docs/scaling.md). That works only if a
	// foreign key between tenant tables joins tenant_id to tenant_id (so both
	// rows sit on one shard), and no global table points at a tenant table.
	t.Run("CitusCanDistributeByTenant", func(t *testing.T) {
		if broken := citusViolations(t, d); len(broken) > 0 {
			t.Errorf("tables Citus could not distribute by tenant: %v", broken)
		}
		// The check sees a global table that points at a tenant table.
		if _, err := d.Owner.Exec(ctx, `CREATE TABLE citus_probe (id integer PRIMARY KEY, t integer, p bigint,
			FOREIGN KEY (t, p) REFERENCES participants (tenant_id, id))`); err != nil {
			t.Fatal(err)
		}
		defer d.Owner.Exec(ctx, `DROP TABLE citus_probe`)
		if broken := citusViolations(t, d); len(broken) != 1 {
			t.Errorf("a global table pointing at participants: %v", broken)
		}
	})

	t.Run("ViewsRunAsInvoker", func(t *testing.T) {
		rows, _ := d.Owner.Query(ctx, `
			SELECT c.relname FROM pg_class c
			WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace
			  AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)`)
		leaky, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(leaky) > 0 {
			t.Errorf("views owned by a privileged role that skip row-level security: %v", leaky)
		}
	})

	t.Run("SecurityDefinerFunctionsAreListed", func(t *testing.T) {
		// Each of these skips the caller's row-level security; docs/design/access.md
		// ("Cross-tenant reads") says what each returns. A new one must be added there and here.
		// Each with the role it runs as: kaa_aggregate reads counts across
		// tenants; kaa_retention erases within the caller's own tenant;
		// kaa_credentials gives sign-in one account's credentials.
		listed := map[string]string{"user_has_any_role": "kaa_aggregate", "org_admin_counts": "kaa_aggregate", "purge_stale_imports": "kaa_aggregate",
			"project_indicators": "kaa_aggregate", "project_kaa_list": "kaa_aggregate", "project_export": "kaa_aggregate", "project_export_entry": "kaa_aggregate",
			"project_participants": "kaa_aggregate", "project_esf_indicators": "kaa_aggregate", "retention_erase": "kaa_retention",
			"signin_account": "kaa_credentials", "own_password_hash": "kaa_credentials", "own_totp_secret": "kaa_credentials",
			"use_recovery_code": "kaa_credentials", "send_move_notice": "kaa_notice",
			"sms_report_tenant": "kaa_aggregate", "sms_reply_tenant": "kaa_aggregate",
			"idp_directory": "kaa_aggregate", "idp_passwords_refused": "kaa_aggregate",
			"user_has_role_outside": "kaa_aggregate"}
		rows, _ := d.Owner.Query(ctx, `
			SELECT p.proname, r.rolname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
			WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace`)
		type fn struct{ Name, Owner string }
		fns, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fn])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fns {
			if owner, ok := listed[f.Name]; !ok || f.Owner != owner {
				t.Errorf("SECURITY DEFINER function %s owned by %s is not on the list", f.Name, f.Owner)
			}
		}
		if len(fns) != len(listed) {
			t.Errorf("%d SECURITY DEFINER functions, %d listed", len(fns), len(listed))
		}
	})

	t.Run("ServingRoleIsPowerless", func(t *testing.T) {
		var super, bypass bool
		var owned int
		err := d.Owner.QueryRow(ctx, `
			SELECT r.rolsuper, r.rolbypassrls,
			       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)
			     + (SELECT count(*) FROM pg_proc p WHERE p.proowner = r.oid)
			FROM pg_roles r WHERE r.rolname = 'kaa_app'`).Scan(&super, &bypass, &owned)
		if err != nil {
			t.Fatal(err)
		}
		if super || bypass || owned != 0 {
			t.Errorf("kaa_app: superuser=%v bypassrls=%v owns %d objects; want none of it", super, bypass, owned)
		}
		var connectedAs string
		d.App.QueryRow(ctx, `SELECT current_user`).Scan(&connectedAs)
		if connectedAs != "kaa_app" {
			t.Errorf("app pool connects as %q", connectedAs)
		}
		for _, role := range []string{"kaa_aggregate", "kaa_retention", "kaa_credentials"} {
			var member bool
			d.Owner.QueryRow(ctx, `SELECT pg_has_role('kaa_app', $1, 'MEMBER')`, role).Scan(&member)
			if member {
				t.Errorf("kaa_app is a member of %s and could act with its rights", role)
			}
		}
	})

	// Someone who takes over the serving role (an injected query, a leaked
	// APP_DATABASE_URL) cannot carry off every password hash, TOTP secret or
	// recovery code: it reads one account's, through the sign-in functions.
	t.Run("ServingRoleCannotReadCredentials", func(t *testing.T) {
		seedTwoTenants(t, d)
		for _, q := range []string{
			`SELECT password_hash FROM users`,
			`SELECT totp_secret FROM users`,
			`SELECT * FROM users`,
			`SELECT code_hash FROM recovery_codes`,
			`UPDATE recovery_codes SET used_at = now() WHERE code_hash = 'x'`,
		} {
			err := db.InGlobal(ctx, d.App, 0, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, q)
				return err
			})
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("%s as the serving role: err = %v, want permission denied", q, err)
			}
		}
		// What sign-in needs still works: the hash of one address, and the
		// own hash or secret only of the user app.user_id names.
		var u int
		d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'catalog@test.invalid'`).Scan(&u)
		var hash string
		if err := d.App.QueryRow(ctx, `SELECT password_hash FROM signin_account('catalog@test.invalid')`).Scan(&hash); err != nil || hash != "x" {
			t.Errorf("signin_account: %q %v", hash, err)
		}
		var own, other *string
		err := db.InGlobal(ctx, d.App, u, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT own_password_hash($1), own_password_hash($1 + 1)`, u).Scan(&own, &other)
		})
		if err != nil || own == nil || *own != "x" || other != nil {
			t.Errorf("own_password_hash: own %v, another's %v, err %v; want only the own", own, other, err)
		}
	})

	t.Run("NoTenantSetSeesNothing", func(t *testing.T) {
		// Fill every tenant table with at least one row as the owner.
		seedTwoTenants(t, d)
		for _, tbl := range tables {
			var owner int
			d.Owner.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()).Scan(&owner)
			if owner == 0 {
				t.Fatalf("%s: the test has no rows to hide; extend seedTwoTenants", tbl)
			}
			var n int
			err := db.InGlobal(ctx, d.App, 0, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()).Scan(&n)
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows visible with no tenant set", tbl, n)
			}
			// A plain pooled query outside any transaction sees nothing either.
			d.App.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()).Scan(&n)
			if n != 0 {
				t.Errorf("%s: %d rows visible outside a tenant transaction", tbl, n)
			}
		}
	})

	t.Run("TenantSeesOnlyItself", func(t *testing.T) {
		a, b := seedTwoTenants(t, d)
		for _, tbl := range tables {
			err := db.InTenant(ctx, d.App, a, 0, func(tx db.Tx) error {
				var foreign int
				err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()+` WHERE tenant_id <> $1`, a).Scan(&foreign)
				if foreign != 0 {
					t.Errorf("%s: tenant %d sees %d rows of others", tbl, a, foreign)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err := db.InTenant(ctx, d.App, a, 0, func(tx db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO audit_events (tenant_id, action) VALUES ($1, 'test.write')`, b)
			return err
		})
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("writing a row of tenant %d as tenant %d: err = %v, want SQLSTATE 42501", b, a, err)
		}
	})

	t.Run("SettingDoesNotOutliveTransaction", func(t *testing.T) {
		a, _ := seedTwoTenants(t, d)
		conn, err := d.App.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		tx, _ := conn.Begin(ctx)
		tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, itoa(a))
		tx.Commit(ctx)
		var n int
		conn.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n)
		if n != 0 {
			t.Errorf("after the transaction the same connection still sees %d rows", n)
		}
	})

	t.Run("AuditIsAppendOnly", func(t *testing.T) {
		a, _ := seedTwoTenants(t, d)
		for _, stmt := range []string{`UPDATE audit_events SET action = 'x.y'`, `DELETE FROM audit_events`, `UPDATE security_events SET action = 'x.y'`, `DELETE FROM security_events`, `TRUNCATE audit_events`} {
			err := db.InTenant(ctx, d.App, a, 0, func(tx db.Tx) error {
				_, err := tx.Exec(ctx, stmt)
				return err
			})
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("%s as the serving role: err = %v, want permission denied", stmt, err)
			}
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// seedTwoTenants writes, as the owner, two organisations and a row for each in
// every tenant table, and returns their ids.
func seedTwoTenants(t *testing.T, d *pgtest.DB) (a, b int) {
	t.Helper()
	ctx := context.Background()
	err := d.Owner.QueryRow(ctx, `
		WITH o AS (
			INSERT INTO orgs (key, name, kind) VALUES ('9901', 'Testkommun A', 'municipality'), ('9902', 'Testkommun B', 'municipality')
			ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id, key)
		SELECT (SELECT id FROM o WHERE key = '9901'), (SELECT id FROM o WHERE key = '9902')`).Scan(&a, &b)
	if err != nil {
		t.Fatal(err)
	}
	var u int
	if err := d.Owner.QueryRow(ctx, `
		INSERT INTO users (email, name, password_hash) VALUES ('catalog@test.invalid', 'Test', 'x')
		ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id`).Scan(&u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{a, b} {
		if _, err := d.Owner.Exec(ctx, `
			INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator') ON CONFLICT DO NOTHING;`, id, u); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`INSERT INTO audit_events (tenant_id, action, user_id) VALUES ($1, 'test.seed', $2)`,
			`INSERT INTO imports (tenant_id, created_by, filename, content) VALUES ($1, $2, 'lista.csv', '{}')`,
			`INSERT INTO school_systems (tenant_id, name, base_url, token_url, client_id, client_secret, created_by) VALUES ($1, 'Skolsystem', 'https://s.invalid/v2.0', 'https://s.invalid/token', 'kaa', 'kaa1:test:x', $2) ON CONFLICT DO NOTHING`,
			`INSERT INTO scim_tokens (tenant_id, token_hash, created_by) VALUES ($1, sha256(convert_to('scim' || $1::int, 'UTF8')), $2) ON CONFLICT DO NOTHING`,
			`INSERT INTO scim_users (tenant_id, user_id, user_name, external_id) VALUES ($1, $2, 'catalog@test.invalid', 'entra-' || $1::int) ON CONFLICT DO NOTHING`,
			`INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret, created_by) VALUES ($1, 'Kommunens konto', 'https://idp.invalid', 'kaa', 'kaa1:test:x', $2) ON CONFLICT DO NOTHING`,
			`INSERT INTO user_identities (tenant_id, provider_id, issuer, subject, user_id) SELECT $1, id, issuer, 'sub-' || $2::int, $2::int FROM identity_providers WHERE tenant_id = $1 AND $2::int IS NOT NULL ON CONFLICT DO NOTHING`,
			`INSERT INTO tenant_settings (tenant_id) SELECT $1 WHERE $2::int IS NOT NULL ON CONFLICT DO NOTHING`,
			`INSERT INTO retention_policies (tenant_id, kaa_months, project_months, unenrolled_months) SELECT $1, 24, 120, 6 WHERE $2::int IS NOT NULL ON CONFLICT DO NOTHING`,
			`INSERT INTO retention_decisions (tenant_id, reference, decided_on, decided_by, kaa_months, project_months, unenrolled_months, recorded_by)
			 VALUES ($1, 'BUN 2026/1', '2026-01-01', 'Nämnden', 24, 120, 6, $2)`,
			`WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			            VALUES ($1, '200803010024', '2008-03-01', 'Test', 'Testsson')
			            ON CONFLICT (tenant_id, personnummer) WHERE personnummer <> '' DO UPDATE SET first_name = 'Test' RETURNING id),
			      e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out' FROM p
			            ON CONFLICT DO NOTHING),
			      pc AS (INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, id, $2 FROM p ON CONFLICT DO NOTHING),
			      c AS (INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
			            SELECT $1, id, now(), 'sms', 'outgoing', false, $2 FROM p RETURNING id)
			 INSERT INTO contact_amendments (tenant_id, contact_id, occurred_at, channel, direction, reached, method, note, reason, created_by)
			 SELECT $1, id, now(), 'sms', 'outgoing', true, '', '', 'test', $2 FROM c`,
			`WITH p AS (SELECT id FROM participants WHERE tenant_id = $1),
			      m AS (INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, direction, created_by)
			            SELECT $1, id, 1, '2026-01-01', 'studies', $2 FROM p ON CONFLICT DO NOTHING),
			      pl AS (INSERT INTO plans (tenant_id, participant_id, version, created_by) SELECT $1, id, 1, $2 FROM p
			             ON CONFLICT DO NOTHING RETURNING participant_id),
			      g AS (INSERT INTO plan_goals (tenant_id, participant_id, version, position, text, status)
			            SELECT $1, participant_id, 1, 1, 'Mål', 'in_progress' FROM pl)
			 INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible)
			 SELECT $1, participant_id, 1, 1, 'guidance', 'municipality' FROM pl`,
			`INSERT INTO plan_measure_goals (tenant_id, participant_id, version, measure, goal)
			 SELECT tenant_id, participant_id, version, 1, 1 FROM plan_measures WHERE tenant_id = $1 AND $2::int > 0 ON CONFLICT DO NOTHING`,
			`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on)
			 SELECT e.tenant_id, e.participant_id, e.id, 'exit', '2026-02-01' FROM enrolments e WHERE e.tenant_id = $1 AND $2::int > 0
			 ON CONFLICT DO NOTHING`,
			`INSERT INTO followup_revisions (tenant_id, followup_id, snapshot, replaced_by)
			 SELECT tenant_id, id, '{}', $2 FROM followups WHERE tenant_id = $1`,
			`INSERT INTO appointments (tenant_id, participant_id, kind, due_at, responsible, created_by)
			 SELECT tenant_id, id, 'home_visit', '2026-03-01 10:00+01', $2, $2 FROM participants WHERE tenant_id = $1`,
			`INSERT INTO scb_files (tenant_id, half_year, spec_version, spec_date, file_name, rows, findings, xlsx, xlsx_sha256, text, text_sha256, created_by)
			 VALUES ($1, '2026-1', '2026-2', '2026-12-01', 'KAA', 0, 0, '', repeat('0', 64), '', repeat('0', 64), $2)`,
			`INSERT INTO enrolment_corrections (tenant_id, participant_id, enrolment_id, corrected_by, reason, old_ends_on, old_end_reason)
			 SELECT tenant_id, participant_id, id, $2, 'Fel datum', '2026-02-01', 'moved' FROM enrolments WHERE tenant_id = $1`,
			`INSERT INTO move_consents (tenant_id, participant_id, enrolment_id, given_by, given_on, method, recorded_by)
			 SELECT tenant_id, participant_id, id, 'young_person', '2026-02-01', 'oral', $2 FROM enrolments WHERE tenant_id = $1`,
			`INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
			 SELECT $1, $1, 1, '200801010000', 'Test', 'Testsson', '2026-02-01' WHERE $2::int IS NOT NULL ON CONFLICT DO NOTHING`,
			`INSERT INTO sms_messages (tenant_id, direction, participant_id, contact_id, phone, status, created_by)
			 SELECT tenant_id, 'outgoing', participant_id, id, '+46701234567', 'sent', $2 FROM contacts WHERE tenant_id = $1`,
			`WITH l AS (INSERT INTO import_lists (tenant_id, source, filename, digest, people, applied_by) VALUES ($1, 'fil', 'lista.csv', repeat('0', 64), 1, $2) RETURNING id)
			 INSERT INTO import_list_people (tenant_id, list_id, participant_id) SELECT $1, l.id, p.id FROM l, participants p WHERE p.tenant_id = $1`,
			`INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, created_by)
			 VALUES ($1, 'fil', 'lista.csv', 2, '990101-R123', 'Test', 'Testsson', $2) ON CONFLICT DO NOTHING`,
			`WITH pr AS (INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('catalog-' || $1::int, 'Test', $1, '2026-01-01', '2026-12-31')
			             ON CONFLICT (key) DO UPDATE SET name = 'Test' RETURNING id),
			      m AS (INSERT INTO project_orgs (project_id, org_id, accepted_at) SELECT id, $1, now() FROM pr ON CONFLICT DO NOTHING),
			      s AS (INSERT INTO subprojects (project_id, org_id, name) SELECT id, $1, 'Test' FROM pr
			            ON CONFLICT (project_id, org_id, name) DO UPDATE SET focus = '' RETURNING id, project_id),
			      e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on) SELECT $1, p.id, 'project', s.id, '2026-01-01'
			            FROM s, participants p WHERE p.tenant_id = $1 RETURNING id),
			      h AS (INSERT INTO esf_hours (tenant_id, enrolment_id, month, hours, recorded_by) SELECT $1, id, '2026-01-01', 10, $2 FROM e)
			 INSERT INTO esf_files (tenant_id, project_id, month, spec_version, file_name, rows, warnings, content_sha256, xlsx, xlsx_sha256, created_by)
			 SELECT $1, project_id, '2026-01-01', '2026-12', 'ESF', 0, 0, repeat('0', 64), '', repeat('0', 64), $2 FROM s`,
		} {
			if _, err := d.Owner.Exec(ctx, stmt, id, u); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	return a, b
}

// TestMigrationsAsPlainOwner runs the migrations as production does: as an
// owner that is not a superuser, only allowed to create roles.
func TestMigrationsAsPlainOwner(t *testing.T) {
	// Not parallel: it creates a cluster-wide role and migrates outside pgtest's lock.
	srv := pgtest.Server(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, srv.AdminURL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, stmt := range []string{
		`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kaa_owner') THEN CREATE ROLE kaa_owner LOGIN PASSWORD 'owner' CREATEROLE; END IF; END $$`,
		`CREATE DATABASE plain_owner OWNER kaa_owner`,
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { admin.Exec(context.Background(), `DROP DATABASE plain_owner WITH (FORCE)`) })
	m, err := db.NewMigrator(srv.URL("kaa_owner", "owner", "plain_owner"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i, step := range []func() error{m.Up, m.Down, m.Up} {
		if err := step(); err != nil {
			t.Fatalf("step %d as a plain owner: %v", i+1, err)
		}
	}
}

// citusViolations lists the foreign keys that would keep Citus from
// distributing the tenant tables by tenant_id.
func citusViolations(t *testing.T, d *pgtest.DB) []string {
	t.Helper()
	rows, _ := d.Owner.Query(context.Background(), `
			WITH fk AS (
			    SELECT con.conname, src.relname AS src, ref.relname AS ref, con.conrelid, con.confrelid, con.conkey, con.confkey,
			           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS src_tenant,
			           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS ref_tenant
			    FROM pg_constraint con
			    JOIN pg_class src ON src.oid = con.conrelid
			    JOIN pg_class ref ON ref.oid = con.confrelid
			    WHERE con.contype = 'f' AND src.relnamespace = 'public'::regnamespace)
			SELECT src || '.' || conname || ' -> ' || ref ||
			       CASE WHEN NOT src_tenant THEN ': a global table points at a tenant table'
			            ELSE ': tenant_id is not joined to tenant_id' END
			FROM fk
			WHERE ref_tenant AND (NOT src_tenant OR NOT EXISTS (
			    SELECT 1 FROM unnest(conkey, confkey) u(k, r)
			    JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = u.k AND a.attname = 'tenant_id'
			    JOIN pg_attribute b ON b.attrelid = confrelid AND b.attnum = u.r AND b.attname = 'tenant_id'))`)
	broken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return broken
}
