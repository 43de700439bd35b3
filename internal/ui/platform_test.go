package ui_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestSecurityHeadersAndErrorPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	res := c.get("/logga-in")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP allows inline script: %q", csp)
	}
	if strings.Contains(res.Body, "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(res.Body) {
		t.Error("the page has inline script, which the CSP would block")
	}
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain http")
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	for _, want := range []string{`lang="sv"`, `class="skip-link" href="#main"`, `<main id="main"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the layout lacks %s", want)
		}
	}

	c.signIn("samordnare@osby.demo")
	nf := c.get("/finns/inte")
	if nf.Status != http.StatusNotFound || !strings.Contains(nf.Body, "Sidan finns inte") {
		t.Errorf("unknown page: %d", nf.Status)
	}
}

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	page := a.client().get("/logga-in").Body
	m := regexp.MustCompile(`/static/app\.[0-9a-f]{12}\.css`).FindString(page)
	if m == "" {
		t.Fatal("the page does not link a content-hashed stylesheet")
	}
	res := a.client().get(m)
	if res.Status != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", res.Status, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	js := regexp.MustCompile(`/static/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js`).FindString(page)
	if res := a.client().get(js); js == "" || res.Status != 200 || !strings.Contains(res.Body, "htmx") {
		t.Error("htmx is not served from the binary")
	}
	if res := a.client().get("/static/app.css"); res.Status != http.StatusNotFound {
		t.Errorf("unhashed name: %d", res.Status)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	if res := c.get("/healthz"); res.Status != 200 {
		t.Errorf("healthz: %d", res.Status)
	}
	if res := c.get("/readyz"); res.Status != 200 {
		t.Errorf("readyz: %d", res.Status)
	}
	c.get("/logga-in")
	// The application's address does not serve the metrics: they are for
	// the monitoring network, on a listener of their own (KAA_METRICS_ADDR).
	if res := c.get("/metrics"); res.Status != http.StatusNotFound {
		t.Errorf("/metrics on the application's address: %d, want 404", res.Status)
	}
	rec := httptest.NewRecorder()
	a.h.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	res := response{Status: rec.Code, Body: rec.Body.String()}
	for _, want := range []string{`kaa_http_requests_total{method="GET",route="/logga-in",status="200"}`, "kaa_http_request_duration_seconds_bucket", "kaa_db_pool_acquired_conns"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	a.db.App.Close()
	if res := c.get("/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database gone: %d, want 503", res.Status)
	}
}
