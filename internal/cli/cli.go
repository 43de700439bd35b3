// Package cli is what kaa and kaa-bench share as commands: binding the
// program to the process, and choosing the subcommand its first argument
// names, with the configuration loaded from the environment.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kaa-plattform/kaa/internal/config"
)

// Main runs run with the process's arguments, environment and standard
// output until SIGINT or SIGTERM; on an error it prints it after name and
// exits with status 1. run is the whole program, so that tests boot it with
// their own arguments, environment and output.
func Main(name string, run func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Command is a subcommand: it gets the configuration and the arguments
// after its name.
type Command func(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error

// Dispatch runs the command args[0] names with the configuration of getenv.
// help, -h and --help print usage; no name, or one not in commands, prints
// usage and fails.
func Dispatch(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, usage string, commands map[string]Command) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(ctx, cfg, args[1:], stdout)
	}
	fmt.Fprint(stdout, usage)
	switch args[0] {
	case "help", "-h", "--help":
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}
