package main

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// composeFile is docker-compose.yml as far as the tests read it.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Profiles    []string          `yaml:"profiles"`
		Restart     string            `yaml:"restart"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

func readCompose(t *testing.T) (composeFile, string) {
	t.Helper()
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	if len(c.Services) == 0 {
		t.Fatal("docker-compose.yml: no services")
	}
	return c, string(raw)
}

// interpolation is compose's ${NAME}, ${NAME:-default}, ${NAME:?message}.
var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}`)

// secretName says which environment variables carry a secret.
var secretName = regexp.MustCompile(`PASSWORD|SECRET|_KEY|_KEYS|TOKEN`)

// TestComposeFile: docker-compose.yml publishes no password or key, binds
// every published port to the loopback unless told otherwise, lets the app
// connect only as the serving role, and has a health check on every service
// that keeps running.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	c, raw := readCompose(t)
	for name, s := range c.Services {
		for k, v := range s.Environment {
			// A secret is a required variable: ${NAME:?message}, nothing else.
			if secretName.MatchString(k) {
				m := interpolation.FindStringSubmatch(v)
				if m == nil || m[0] != v || m[2] != ":?" {
					t.Errorf("%s: %s=%q: a secret must be ${NAME:?message}, with no default", name, k, v)
				}
			}
			// A connection URL's password, likewise.
			if strings.Contains(v, "://") {
				u, err := url.Parse(interpolation.ReplaceAllStringFunc(v, func(s string) string {
					if m := interpolation.FindStringSubmatch(s); m[2] == ":?" {
						return "REQUIRED"
					}
					return "LITERAL"
				}))
				if err != nil {
					t.Errorf("%s: %s: %v", name, k, err)
					continue
				}
				if pw, ok := u.User.Password(); ok && pw != "REQUIRED" {
					t.Errorf("%s: %s: the password in the URL is not a required variable: %q", name, k, v)
				}
			}
		}
		for _, p := range s.Ports {
			// host-ip:host-port:container-port, the host ip loopback or a
			// variable whose default is loopback.
			parts := strings.Split(interpolation.ReplaceAllStringFunc(p, func(s string) string {
				m := interpolation.FindStringSubmatch(s)
				return m[3]
			}), ":")
			if len(parts) != 3 || (parts[0] != "127.0.0.1" && parts[0] != "[::1]") {
				t.Errorf("%s: port %q is not bound to 127.0.0.1 by default", name, p)
			}
		}
		if s.Restart != "no" && (s.Healthcheck == nil || len(s.Healthcheck.Test) == 0) {
			t.Errorf("%s keeps running and has no health check", name)
		}
	}
	if strings.Contains(raw, "0.0.0.0") {
		t.Error("docker-compose.yml mentions 0.0.0.0")
	}
	if strings.Contains(raw, "change-me") {
		t.Error("docker-compose.yml contains a placeholder password")
	}
	app, dbs, migrate := c.Services["app"], c.Services["db"], c.Services["migrate"]
	if u, _ := url.Parse(interpolation.ReplaceAllString(app.Environment["APP_DATABASE_URL"], "x")); u == nil || u.User.Username() != "kaa_app" {
		t.Errorf("the app connects as %v, want the serving role kaa_app", app.Environment["APP_DATABASE_URL"])
	}
	if app.Environment["DATABASE_URL"] != "" {
		t.Error("the app is given the owner's DATABASE_URL")
	}
	if u, _ := url.Parse(interpolation.ReplaceAllString(migrate.Environment["DATABASE_URL"], "x")); u == nil || u.User.Username() != "kaa_owner" {
		t.Errorf("migrate connects as %v, want kaa_owner", migrate.Environment["DATABASE_URL"])
	}
	// The image makes POSTGRES_USER a superuser: it must not be a role the
	// product connects as.
	if su := dbs.Environment["POSTGRES_USER"]; su == "kaa_owner" || su == "kaa_app" {
		t.Errorf("POSTGRES_USER is %s: that role would be a superuser", su)
	}
	if hc := app.Healthcheck; hc == nil || !slices.Contains(hc.Test, "healthcheck") {
		t.Errorf("the app's health check does not use kaa healthcheck: %+v", hc)
	}
	if ha, ok := c.Services["ha"]; !ok || !slices.Equal(ha.Profiles, []string{"ha"}) {
		t.Error("no service in the profile ha")
	}
	if _, err := os.Stat("../../deploy/compose/roles.sql"); err != nil || !strings.Contains(raw, "./deploy/compose/roles.sql:") {
		t.Errorf("the roles step does not mount deploy/compose/roles.sql: %v", err)
	}
}

// TestComposeSecretsScript: the script writes every variable the compose
// file requires, with random values the program accepts, readable by the
// owner only, and never overwrites.
func TestComposeSecretsScript(t *testing.T) {
	t.Parallel()
	_, raw := readCompose(t)
	dir := t.TempDir()
	envs := [2]map[string]string{}
	for i := range envs {
		file := filepath.Join(dir, strconv.Itoa(i)+".env")
		if out, err := exec.Command("sh", "../../scripts/compose-secrets.sh", file).CombinedOutput(); err != nil {
			t.Fatalf("compose-secrets.sh: %v\n%s", err, out)
		}
		if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", file, fi.Mode(), err)
		}
		envs[i] = readEnvFile(t, file)
		if out, err := exec.Command("sh", "../../scripts/compose-secrets.sh", file).CombinedOutput(); err == nil {
			t.Errorf("a second run overwrote %s: %s", file, out)
		}
	}
	for _, m := range interpolation.FindAllStringSubmatch(raw, -1) {
		if m[2] != ":?" {
			continue
		}
		v := envs[0][m[1]]
		if v == "" {
			t.Errorf("the compose file requires %s and the script does not write it", m[1])
		} else if v == envs[1][m[1]] {
			t.Errorf("%s is the same in two runs", m[1])
		}
		if strings.HasSuffix(m[1], "PASSWORD") && (len(v) < 24 || url.PathEscape(v) != v) {
			t.Errorf("%s=%q: want at least 24 URL-safe characters", m[1], v)
		}
	}
	cfg, err := config.Load(func(k string) string { return envs[0][k] })
	if err != nil || cfg.Audit.Key.IsZero() || cfg.TOTPKeys == nil {
		t.Errorf("the program does not take the written keys: %v", err)
	}
}

func readEnvFile(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}

// TestComposeRoles runs the compose file's roles step (deploy/compose/roles.sql,
// with psql as the superuser) and then the migrations as kaa_owner on a
// PostgreSQL of the tests: the migrations need no superuser, the serving role
// owns nothing, and the server starts on it and answers its health check.
func TestComposeRoles(t *testing.T) {
	// Not parallel: it creates the cluster-wide role kaa_owner.
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql is not installed (Debian: apt-get install postgresql-client); the compose file's roles step needs it")
	}
	srv := pgtest.Server(t)
	ctx := context.Background()
	const dbName, ownerPassword = "kaa_compose", "owner's 'quoted' pass"
	admin, err := db.Open(ctx, srv.AdminURL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	t.Cleanup(func() {
		admin.Exec(ctx, `DROP DATABASE IF EXISTS `+dbName+` WITH (FORCE)`)
		admin.Exec(ctx, `DROP ROLE IF EXISTS kaa_owner`)
	})
	u, _ := url.Parse(srv.AdminURL("postgres"))
	pw, _ := u.User.Password()
	for i := 0; i < 2; i++ { // twice: compose runs it on every start
		cmd := exec.Command(psql, "-v", "ON_ERROR_STOP=1", "-f", "../../deploy/compose/roles.sql")
		cmd.Env = append(os.Environ(), "PGHOST="+u.Hostname(), "PGPORT="+u.Port(), "PGUSER=postgres", "PGPASSWORD="+pw, "PGDATABASE=postgres",
			"KAA_DB_NAME="+dbName, "KAA_OWNER_DB_PASSWORD="+ownerPassword, "KAA_APP_DB_PASSWORD="+pgtest.AppPassword)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("roles.sql, run %d: %v\n%s", i+1, err, out)
		}
	}
	ou := *u
	ou.User, ou.Path = url.UserPassword("kaa_owner", ownerPassword), "/"+dbName
	ownerURL := ou.String()
	var out strings.Builder
	if err := run(ctx, []string{"migrate", "up"}, func(k string) string { return map[string]string{"DATABASE_URL": ownerURL}[k] }, &out); err != nil {
		t.Fatalf("migrate up as kaa_owner, not a superuser: %v", err)
	}
	target, err := db.Open(ctx, srv.AdminURL(dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	var ownerSuper, appSuper, appBypass bool
	var appOwns, ownerOwns int
	err = target.QueryRow(ctx, `
		SELECT o.rolsuper, a.rolsuper, a.rolbypassrls,
		       (SELECT count(*) FROM pg_class WHERE relowner = a.oid), (SELECT count(*) FROM pg_class WHERE relowner = o.oid)
		FROM pg_roles o, pg_roles a WHERE o.rolname = 'kaa_owner' AND a.rolname = 'kaa_app'`).Scan(&ownerSuper, &appSuper, &appBypass, &appOwns, &ownerOwns)
	if err != nil {
		t.Fatal(err)
	}
	if ownerSuper || appSuper || appBypass || appOwns != 0 || ownerOwns == 0 {
		t.Errorf("kaa_owner superuser %v, owns %d relations; kaa_app superuser %v, bypasses RLS %v, owns %d", ownerSuper, ownerOwns, appSuper, appBypass, appOwns)
	}
	env := map[string]string{"APP_DATABASE_URL": srv.URL("kaa_app", pgtest.AppPassword, dbName), "KAA_ADDR": "127.0.0.1:0",
		"KAA_TOTP_KEYS": testTOTPKeys, "KAA_AUDIT_KEY": pgtest.AuditKey.String(), "KAA_METRICS_ADDR": "off"}
	addr, stop := boot(t, []string{"serve"}, env)
	defer stop()
	out.Reset()
	if err := run(ctx, []string{"healthcheck"}, func(k string) string { return map[string]string{"KAA_ADDR": addr}[k] }, &out); err != nil {
		t.Errorf("kaa healthcheck against the server on the compose roles: %v", err)
	}
}

// TestComposeUp starts the compose services where Docker is, and waits for
// every health check.
func TestComposeUp(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building the image")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("Docker is not installed: docker-compose.yml is checked by TestComposeFile and its roles by TestComposeRoles, but not started")
	}
	if err := exec.Command("docker", "compose", "version").Run(); err != nil {
		t.Skip("docker compose is not available: " + err.Error())
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skip("the Docker daemon does not answer: " + err.Error())
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "compose.env")
	if out, err := exec.Command("sh", "../../scripts/compose-secrets.sh", envFile).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	project := "kaatest" + strconv.Itoa(os.Getpid())
	// Free host ports, so a running installation is not in the way.
	env := append(os.Environ(), "KAA_PORT="+freePort(t), "KAA_METRICS_PORT="+freePort(t))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	compose := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "docker", append([]string{"compose", "-p", project, "--env-file", envFile, "-f", "../../docker-compose.yml"}, args...)...)
		cmd.Env = env
		return cmd
	}
	t.Cleanup(func() {
		exec.Command("docker", "compose", "-p", project, "--env-file", envFile, "-f", "../../docker-compose.yml", "down", "-v", "--remove-orphans").Run()
	})
	if out, err := compose("up", "-d", "--build", "--wait", "--wait-timeout", "300").CombinedOutput(); err != nil {
		logs, _ := compose("logs").CombinedOutput()
		t.Fatalf("docker compose up --wait: %v\n%s\n%s", err, out, logs)
	}
	if out, err := compose("exec", "-T", "app", "/kaa", "version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "kaa ") {
		t.Errorf("kaa version in the container: %v %s", err, out)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// TestNginxExample: the example lets the largest upload through to kaa
// (which answers a too-large one itself), offers only TLS 1.2 and 1.3, and
// does not proxy /metrics.
func TestNginxExample(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../deploy/nginx/kaa.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(raw)
	m := regexp.MustCompile(`(?m)^\s*client_max_body_size\s+(\d+)([kKmM]?);`).FindStringSubmatch(conf)
	if m == nil {
		t.Fatal("no client_max_body_size")
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	switch strings.ToLower(m[2]) {
	case "k":
		n <<= 10
	case "m":
		n <<= 20
	}
	if upload := int64(kaalist.MaxBytes + 64<<10); n < upload || n > 2*upload {
		t.Errorf("client_max_body_size is %d bytes; the import takes %d: want at least that and at most twice", n, upload)
	}
	p := regexp.MustCompile(`(?m)^\s*ssl_protocols\s+([^;]+);`).FindStringSubmatch(conf)
	if p == nil || strings.Join(strings.Fields(p[1]), " ") != "TLSv1.2 TLSv1.3" {
		t.Errorf("ssl_protocols: %v, want TLSv1.2 TLSv1.3", p)
	}
	if !strings.Contains(conf, "proxy_set_header Host $host;") || !strings.Contains(conf, "$proxy_add_x_forwarded_for") {
		t.Error("the example does not pass Host and X-Forwarded-For on")
	}
	if !regexp.MustCompile(`location = /metrics \{\s*return 404;`).MatchString(conf) {
		t.Error("the example proxies /metrics")
	}
}
