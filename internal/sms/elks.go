package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ElksURL is 46elks' endpoint for sending SMS.
const ElksURL = "https://api.46elks.com/a1/sms"

// ElksMaxLength is the longest text sent: 46elks splits a long text into
// parts that the phone joins again; we stop at 1 600 characters (docs/design/sms.md).
const ElksMaxLength = 1600

// Elks sends SMS through 46elks' HTTP API (https://46elks.com/docs/send-sms).
type Elks struct {
	URL      string // ElksURL, or a test server's
	Username string
	Password string
	From     string // the installation's sender (ValidSender), used when a Message has none
	Client   *http.Client
}

// elksTime is how 46elks writes times: UTC without a zone, with microseconds.
const elksTime = "2006-01-02T15:04:05.999999"

// Send posts m to 46elks. dontlog=message asks 46elks not to keep the text
// in its own logs once sent.
func (e *Elks) Send(ctx context.Context, m Message) (ProviderID, error) {
	from := e.From
	if m.From != "" {
		from = m.From
	}
	form := url.Values{"from": {from}, "to": {m.To}, "message": {m.Text}, "dontlog": {"message"}}
	if m.ReportURL != "" {
		form.Set("whendelivered", m.ReportURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrGateway, err)
	}
	req.SetBasicAuth(e.Username, e.Password)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := e.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrGateway, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("%w: read answer: %v", ErrGateway, err)
	}
	if resp.StatusCode != http.StatusOK {
		// 46elks answers an error as plain text; it holds no personal data of ours.
		return "", fmt.Errorf("%w: status %d: %.200s", ErrGateway, resp.StatusCode, body)
	}
	var out struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == "" {
		return "", fmt.Errorf("%w: unreadable answer", ErrGateway)
	}
	if out.Status == "failed" {
		return ProviderID(out.ID), fmt.Errorf("%w: status failed", ErrGateway)
	}
	return ProviderID(out.ID), nil
}

// MaxLength is ElksMaxLength.
func (e *Elks) MaxLength() int { return ElksMaxLength }

// ParseReport reads 46elks' delivery report: id, status and, when
// delivered, the time (https://46elks.com/docs/sms-delivery-reports).
func (e *Elks) ParseReport(r *http.Request) (Report, error) {
	if err := r.ParseForm(); err != nil {
		return Report{}, err
	}
	rep := Report{ID: ProviderID(r.PostForm.Get("id")), Status: r.PostForm.Get("status")}
	if rep.ID == "" || len(rep.ID) > 100 {
		return rep, fmt.Errorf("sms: report without id")
	}
	switch rep.Status {
	case "sent", "delivered", "failed":
	default:
		return rep, fmt.Errorf("sms: report with status %q", rep.Status)
	}
	if d := r.PostForm.Get("delivered"); d != "" {
		rep.Delivered, _ = time.ParseInLocation(elksTime, d, time.UTC)
	}
	return rep, nil
}

// ParseIncoming reads an SMS 46elks forwards from the number's sms_url:
// id, from, to, message, created (https://46elks.com/docs/receive-sms).
func (e *Elks) ParseIncoming(r *http.Request) (Incoming, error) {
	if err := r.ParseForm(); err != nil {
		return Incoming{}, err
	}
	f := r.PostForm
	in := Incoming{ID: ProviderID(f.Get("id")), From: f.Get("from"), To: f.Get("to"), Text: f.Get("message")}
	if in.ID == "" || len(in.ID) > 100 || in.From == "" {
		return in, fmt.Errorf("sms: incoming without id or sender")
	}
	if t, err := time.ParseInLocation(elksTime, f.Get("created"), time.UTC); err == nil {
		in.Created = t
	} else {
		in.Created = time.Now()
	}
	return in, nil
}
