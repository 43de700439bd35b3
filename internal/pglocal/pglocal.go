// Package pglocal runs a private PostgreSQL server from the machine's own
// PostgreSQL binaries: the throwaway database of `kaa dev` and of the tests.
package pglocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configures Start.
type Options struct {
	// DataDir holds the cluster. An empty or missing directory is initialised.
	DataDir string
	// Fast turns off durability (fsync and friends): for tests only.
	Fast bool
	// Log receives the server's output; nil discards it.
	Log *os.File
	// Port to listen on; 0 picks a free one. A restart on the same port lets
	// clients reconnect to the same address.
	Port int
}

// Server is a running PostgreSQL server listening on 127.0.0.1.
type Server struct {
	Port     int
	Password string // password of the superuser "postgres"
	dataDir  string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the server process has exited
	exitErr  error
}

// ErrNoBinaries is returned when no PostgreSQL server binaries are installed.
var ErrNoBinaries = errors.New("pglocal: PostgreSQL server binaries not found; install them with: sudo apt-get install -y postgresql (Debian/Ubuntu), or set DATABASE_URL to an existing database")

// BinDir finds the directory holding initdb and postgres: $PG_BINDIR, then the
// newest /usr/lib/postgresql/*/bin, then $PATH.
func BinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises opts.DataDir when needed and starts the server on a free port.
// When run as root it runs PostgreSQL as the "postgres" system user, since
// initdb refuses root.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("pglocal: %w", err)
	}
	if cred != nil {
		if err := os.Chown(opts.DataDir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("pglocal: %w", err)
		}
	}
	s := &Server{dataDir: opts.DataDir}
	pwFile := filepath.Join(opts.DataDir, "..", filepath.Base(opts.DataDir)+".password")
	if _, err := os.Stat(filepath.Join(opts.DataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		s.Password = randomHex(16)
		if err := s.initdb(ctx, bin, cred, opts); err != nil {
			return nil, err
		}
		if err := os.WriteFile(pwFile, []byte(s.Password), 0o600); err != nil {
			return nil, fmt.Errorf("pglocal: %w", err)
		}
	} else {
		pw, err := os.ReadFile(pwFile)
		if err != nil {
			return nil, fmt.Errorf("pglocal: cluster in %s has no password file: %w", opts.DataDir, err)
		}
		s.Password = strings.TrimSpace(string(pw))
	}
	if s.Port = opts.Port; s.Port == 0 {
		if s.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	args := []string{"-D", opts.DataDir, "-p", strconv.Itoa(s.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "max_connections=200"}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), args...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if opts.Log != nil {
		s.cmd.Stdout, s.cmd.Stderr = opts.Log, opts.Log
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("pglocal: start postgres: %w", err)
	}
	s.done = make(chan struct{})
	go func() { s.exitErr = s.cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) initdb(ctx context.Context, bin string, cred *syscall.Credential, opts Options) error {
	pw, err := os.CreateTemp("", "kaa-pw-")
	if err != nil {
		return fmt.Errorf("pglocal: %w", err)
	}
	defer os.Remove(pw.Name())
	fmt.Fprintln(pw, s.Password)
	pw.Close()
	if cred != nil {
		os.Chown(pw.Name(), int(cred.Uid), int(cred.Gid))
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", opts.DataDir,
		"-U", "postgres", "--pwfile="+pw.Name(), "--auth=scram-sha-256",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
	if opts.Fast {
		cmd.Args = append(cmd.Args, "--no-sync")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pglocal: initdb: %w: %s", err, out)
	}
	return nil
}

// URL returns a connection URL for user and database on this server.
func (s *Server) URL(userName, password, database string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", userName, password, s.Port, database)
}

// AdminURL returns the superuser's connection URL for database.
func (s *Server) AdminURL(database string) string {
	return s.URL("postgres", s.Password, database)
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, s.AdminURL("postgres"))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("pglocal: postgres exited while starting: %v (see the server log)", s.exitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pglocal: postgres not ready after 30s: %w", err)
		}
	}
}

// Stop shuts the server down (fast shutdown) and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// credential returns the uid/gid to run PostgreSQL as: nil unless we are root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pglocal: running as root, and PostgreSQL refuses root; create the system user with: apt-get install -y postgresql (it adds the user \"postgres\"): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// Reachable reports whether the PostgreSQL system user can reach dir, which
// matters when running as root: a data directory below a private home or
// temp folder cannot be opened by the server.
func Reachable(dir string) bool {
	if os.Geteuid() != 0 {
		return true
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return false
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == "/" {
			return true
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pglocal: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
