package config

import (
	"fmt"
	"time"
)

// DBLimits bound what one request can cost PostgreSQL on the serving role's
// connections (docs/operations.md, "Limits an installation can rely on").
type DBLimits struct {
	// Statement is each statement's statement_timeout
	// (KAA_DB_STATEMENT_TIMEOUT, default 15s).
	Statement time.Duration
	// IdleInTransaction is idle_in_transaction_session_timeout
	// (KAA_DB_IDLE_IN_TRANSACTION_TIMEOUT, default 30s).
	IdleInTransaction time.Duration
	// Long replaces both in the requests that stream or write a whole file
	// (exports, an import, the SCB file) and in the server's background jobs
	// (KAA_DB_LONG_STATEMENT_TIMEOUT, default 5m: the server's write timeout).
	Long time.Duration
}

// DefaultDBLimits are the limits when nothing is set. The page statements
// of the national benchmark (docs/benchmarks.md) take at most about 6 s at
// 32 users on two cores; 15 s leaves room for that and still ends a
// runaway statement long before the request's own timeouts.
var DefaultDBLimits = DBLimits{Statement: 15 * time.Second, IdleInTransaction: 30 * time.Second, Long: 5 * time.Minute}

// defaultMetricsAddr is where the metrics are served unless told otherwise:
// loopback, so nothing outside the machine reaches them by accident.
const defaultMetricsAddr = "127.0.0.1:9090"

func loadServing(getenv func(string) string, c *Config) error {
	switch v := getenv("KAA_METRICS_ADDR"); v {
	case "":
		c.MetricsAddr, c.MetricsAddrDefault = defaultMetricsAddr, true
	case "off":
		c.MetricsAddr = ""
	default:
		c.MetricsAddr = v
	}
	var err error
	d := DefaultDBLimits
	if c.DB.Statement, err = duration(getenv, "KAA_DB_STATEMENT_TIMEOUT", d.Statement); err != nil {
		return err
	}
	if c.DB.IdleInTransaction, err = duration(getenv, "KAA_DB_IDLE_IN_TRANSACTION_TIMEOUT", d.IdleInTransaction); err != nil {
		return err
	}
	if c.DB.Long, err = duration(getenv, "KAA_DB_LONG_STATEMENT_TIMEOUT", d.Long); err != nil {
		return err
	}
	if c.DB.Long < c.DB.Statement || c.DB.Long < c.DB.IdleInTransaction {
		return fmt.Errorf("config: KAA_DB_LONG_STATEMENT_TIMEOUT (%v) is shorter than KAA_DB_STATEMENT_TIMEOUT (%v) or KAA_DB_IDLE_IN_TRANSACTION_TIMEOUT (%v)",
			c.DB.Long, c.DB.Statement, c.DB.IdleInTransaction)
	}
	return nil
}
