// Command kaa-bench generates the national dataset and measures the server
// under load. It is a command of its own so that the production binary
// (cmd/kaa) carries neither the load generator (vegeta) nor the generator of
// the national dataset (internal/seed/national).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kaa-plattform/kaa/internal/cli"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/seed/national"
)

const usage = `usage: kaa-bench <command>

  seed national [--scale 1] generate synthetic data for 290 municipalities (DATABASE_URL)
  bench [--scale 1] [--duration 5s] [--users 1,8,32] [--only words] [--dir .bench] [--out docs/benchmarks.md]
                            generate the national dataset and measure the server under load
                            (make bench)

Configuration is read from environment variables, as kaa reads them; see README.md.
`

func main() { cli.Main("kaa-bench", run) }

// run is the program, bound to the process by main.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return cli.Dispatch(ctx, args, getenv, stdout, usage, map[string]cli.Command{"seed": seedCmd, "bench": benchCmd})
}

// seedCmd is `kaa-bench seed national`: the national dataset in the
// database of DATABASE_URL.
func seedCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: it connects as the owner of the schema")
	}
	if len(args) == 0 || args[0] != "national" {
		return errors.New("seed: want: seed national [--scale 1] (the demo is kaa's: kaa seed demo)")
	}
	fs := flag.NewFlagSet("seed national", flag.ContinueOnError)
	fs.SetOutput(stdout)
	scale := fs.Float64("scale", 1, "the size: 1 is about 300,000 people and 6 million contacts")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pool, err := db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	began := time.Now()
	sum, err := national.Load(ctx, pool, *scale, time.Now(), stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "national data loaded in %s: %d municipalities, %d people, %d enrolments, %d contacts, %d plan versions, %d follow-ups\n",
		time.Since(began).Round(time.Second), sum.Municipalities, sum.Participants, sum.Enrolments, sum.Contacts, sum.Plans, sum.FollowUps)
	return nil
}
