package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/web"
)

// TestLongRoutes: every route allowed long statements is in the route
// table, its requests carry the allowance, and other routes' do not.
func TestLongRoutes(t *testing.T) {
	t.Parallel()
	h := &Handler{assets: web.NewAssets(), cfg: config.Config{DB: config.DefaultDBLimits}}
	table := map[string]bool{}
	for _, rt := range h.Routes() {
		table[rt.Method+" "+rt.Pattern] = true
	}
	var seen time.Duration
	probe := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = db.LongStatements(r.Context()) })
	for route := range longRoutes {
		if !table[route] {
			t.Errorf("%s is allowed long statements and is not in the route table", route)
		}
	}
	for route, want := range map[string]time.Duration{
		"POST /k/{tenant}/deltagare/import/{iid}/bekrafta": 5 * time.Minute,
		"GET /p/{project}/export/fil":                      5 * time.Minute,
		"GET /k/{tenant}/deltagare":                        0,
		"GET /k/{tenant}/statistik":                        0,
	} {
		method, pattern, _ := strings.Cut(route, " ")
		seen = -1
		h.allowLong(method, pattern, probe).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/", nil))
		if seen != want {
			t.Errorf("%s: allowance %v, want %v", route, seen, want)
		}
	}
}

// TestQueryProblem: which periods and orders a page refuses.
func TestQueryProblem(t *testing.T) {
	t.Parallel()
	now := scb.Current(today())
	ok := []string{"", "period=12m", "period=" + now.String(), "period=" + now.Prev().Prev().String(), "sortera=age", "sortera=last_contact", "sortera=name&period=12m"}
	bad := []string{"period=1975-1", "period=2000-1", "period=2099-2", "period=abc", "period=2026-3", "period=12M",
		"sortera=drop", "sortera=p.id", "sortera=" + url.QueryEscape("name DESC")}
	for _, q := range ok {
		v, _ := url.ParseQuery(q)
		if msg := queryProblem(v); msg != "" {
			t.Errorf("%q refused: %s", q, msg)
		}
	}
	for _, q := range bad {
		v, _ := url.ParseQuery(q)
		if queryProblem(v) == "" {
			t.Errorf("%q accepted", q)
		}
	}
}
