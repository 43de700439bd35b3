package config

import (
	"testing"
	"time"
)

// TestServingLimits: the metrics' address and the database limits, their
// defaults and what is refused.
func TestServingLimits(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "127.0.0.1:9090" || !c.MetricsAddrDefault || c.DB != DefaultDBLimits ||
		c.DB.Statement != 15*time.Second || c.DB.IdleInTransaction != 30*time.Second || c.DB.Long != 5*time.Minute {
		t.Errorf("defaults: metrics %q (default %v), %+v", c.MetricsAddr, c.MetricsAddrDefault, c.DB)
	}
	if c, err := Load(env(map[string]string{"KAA_METRICS_ADDR": "off"})); err != nil || c.MetricsAddr != "" {
		t.Errorf("off: %q %v", c.MetricsAddr, err)
	}
	if c, err := Load(env(map[string]string{"KAA_METRICS_ADDR": ":9100", "KAA_DB_STATEMENT_TIMEOUT": "5s", "KAA_DB_IDLE_IN_TRANSACTION_TIMEOUT": "1m"})); err != nil ||
		c.MetricsAddr != ":9100" || c.MetricsAddrDefault || c.DB.Statement != 5*time.Second || c.DB.IdleInTransaction != time.Minute {
		t.Errorf("set: %q %+v %v", c.MetricsAddr, c.DB, err)
	}
	for name, e := range map[string]map[string]string{
		"ErrNotADuration":  {"KAA_DB_STATEMENT_TIMEOUT": "fem"},
		"ErrZero":          {"KAA_DB_IDLE_IN_TRANSACTION_TIMEOUT": "0s"},
		"ErrLongIsShorter": {"KAA_DB_STATEMENT_TIMEOUT": "10m"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(env(e)); err == nil {
				t.Errorf("%v accepted", e)
			}
		})
	}
}
