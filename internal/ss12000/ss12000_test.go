package ss12000_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/ss12000"
	"github.com/kaa-plattform/kaa/internal/ss12000/ss12000test"
)

var today = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)

const osby = 1273

func TestJudge(t *testing.T) {
	t.Parallel()
	en := ss12000test.Enrolment
	cases := []struct {
		name   string
		p      ss12000.Person
		reason ss12000.Reason
		skip   ss12000.Skip
	}{
		{"DroppedOutOfNationalProgramme", ss12000test.Pupil("a", ss12000test.Pnr("20080315", "238"), "Ada", "Ek", osby,
			en("GR", "Osby skola", 9, "2015-08-17", "2024-06-14", "", ""),
			en("GY", "Osbygymnasiet", 2, "2024-08-19", "2026-03-01", "NA", "Naturvetenskapsprogrammet")), ss12000.DroppedOut, ""},
		{"DroppedOutOfIM", ss12000test.Pupil("b", ss12000test.Pnr("20080315", "238"), "Bo", "Al", osby,
			en("GY", "Osbygymnasiet", 1, "2024-08-19", "2025-06-10", "IMYRK", "")), ss12000.DroppedOutIM, ""},
		{"NeverStarted", ss12000test.Pupil("c", ss12000test.Pnr("20091010", "238"), "Cia", "Berg", osby,
			en("GR", "Osby skola", 9, "2016-08-17", "2026-06-12", "", "")), ss12000.NeverStarted, ""},
		{"Graduated", ss12000test.Pupil("d", ss12000test.Pnr("20070101", "238"), "Dan", "Ask", osby,
			en("GY", "Osbygymnasiet", 3, "2023-08-19", "2026-06-12", "SA", "Samhällsvetenskapsprogrammet")), "", ss12000.SkipNotCandidate},
		{"StillInUpperSecondary", ss12000test.Pupil("e", ss12000test.Pnr("20080315", "238"), "Eva", "Al", osby,
			en("GY", "Osbygymnasiet", 1, "2024-08-19", "2025-02-01", "NA", ""),
			en("GY", "Annan skola", 2, "2025-02-02", "", "EE", "")), "", ss12000.SkipNotCandidate},
		{"StartsUpperSecondaryLater", ss12000test.Pupil("f", ss12000test.Pnr("20091010", "238"), "Fia", "Berg", osby,
			en("GR", "Osby skola", 9, "2016-08-17", "2026-06-12", "", ""),
			en("GY", "Osbygymnasiet", 1, "2027-01-10", "", "NA", "")), "", ss12000.SkipNotCandidate},
		{"LivesElsewhere", ss12000test.Pupil("g", ss12000test.Pnr("20080315", "238"), "Gun", "Ek", 1290,
			en("GY", "Osbygymnasiet", 2, "2024-08-19", "2026-03-01", "NA", "")), "", ss12000.SkipNotResident},
		{"Twenty", ss12000test.Pupil("h", ss12000test.Pnr("20061201", "238"), "Hans", "Ek", osby,
			en("GY", "Osbygymnasiet", 2, "2022-08-19", "2024-03-01", "NA", "")), "", ss12000.SkipAge},
		{"LeftInYearFive", ss12000test.Pupil("i", ss12000test.Pnr("20140315", "238"), "Ivar", "Ek", osby,
			en("GR", "Osby skola", 5, "2020-08-17", "2025-06-12", "", "")), "", ss12000.SkipNotCandidate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, skip, ok := ss12000.Judge(c.p, "1273", today)
			if ok != (c.reason != "") || got.Reason != c.reason || skip != c.skip {
				t.Errorf("Judge = %+v, %q, %v; want reason %q, skip %q", got, skip, ok, c.reason, c.skip)
			}
		})
	}
	t.Run("NoResidence", func(t *testing.T) {
		p := ss12000test.Pupil("j", ss12000test.Pnr("20080315", "238"), "J", "K", osby, en("GY", "X", 1, "2024-08-19", "2025-03-01", "NA", ""))
		p.Addresses = nil
		if _, skip, ok := ss12000.Judge(p, "1273", today); ok || skip != ss12000.SkipNoResidence {
			t.Errorf("got %q %v", skip, ok)
		}
	})
}

func conn(s *ss12000test.Server) ss12000.Conn {
	return ss12000.Conn{BaseURL: s.BaseURL(), TokenURL: s.TokenURL(), ClientID: s.ClientID, ClientSecret: s.ClientSecret}
}

func TestRead(t *testing.T) {
	t.Parallel()
	var ps []ss12000.Person
	for i := range 5 {
		ps = append(ps, ss12000test.Pupil(string(rune('a'+i)), ss12000test.Pnr("20080315", "238"), "A", "B", osby,
			ss12000test.Enrolment("GY", "S", 1, "2024-08-19", "2025-03-01", "NA", "")))
	}
	lim := ss12000.DefaultLimits
	lim.LocalNetwork = true // the test server is on 127.0.0.1
	lim.Request, lim.Total = 2*time.Second, 5*time.Second
	t.Run("FollowsPages", func(t *testing.T) {
		s := ss12000test.New(t, ps...)
		n := 0
		err := ss12000.Read(context.Background(), conn(s), lim, nil, func(ss12000.Person) error { n++; return nil })
		if err != nil || n != 5 || s.Calls != 3 {
			t.Errorf("read %d persons in %d calls, err %v; want 5 in 3", n, s.Calls, err)
		}
	})
	fails := []struct {
		name string
		mode ss12000test.Mode
		conn func(ss12000.Conn) ss12000.Conn
		lim  func(ss12000.Limits) ss12000.Limits
		want string
	}{
		{"WrongSecret", ss12000test.OK, func(c ss12000.Conn) ss12000.Conn { c.ClientSecret = "fel"; return c }, nil, "godtog inte klient-id"},
		{"Down", ss12000test.OK, func(c ss12000.Conn) ss12000.Conn {
			c.TokenURL = "http://127.0.0.1:1/token"
			return c
		}, nil, "gick inte att nå"},
		{"Error500", ss12000test.Fail500, nil, nil, "HTTP 500, felkod INTERNAL"},
		{"TokenRefused", ss12000test.BadToken, nil, nil, "HTTP 403, felkod NOT_AUTHORISED"},
		{"Garbage", ss12000test.Garbage, nil, nil, "gick inte att läsa"},
		{"TimesOut", ss12000test.Slow, nil, func(l ss12000.Limits) ss12000.Limits { l.Request = 300 * time.Millisecond; return l }, "svarade inte i tid"},
		{"PagesForever", ss12000test.Endless, nil, func(l ss12000.Limits) ss12000.Limits { l.MaxPages = 4; return l }, "fler än 4 sidor"},
		{"TooManyPersons", ss12000test.OK, nil, func(l ss12000.Limits) ss12000.Limits { l.MaxPersons = 3; return l }, "fler än 3 personer"},
		{"TooLarge", ss12000test.OK, nil, func(l ss12000.Limits) ss12000.Limits { l.MaxPageBytes = 100; return l }, "större än"},
	}
	for _, f := range fails {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s := ss12000test.New(t, ps...)
			s.SetMode(f.mode)
			c, l := conn(s), lim
			if f.conn != nil {
				c = f.conn(c)
			}
			if f.lim != nil {
				l = f.lim(l)
			}
			err := ss12000.Read(context.Background(), c, l, nil, func(ss12000.Person) error { return nil })
			var own *ss12000.Error
			if !errors.As(err, &own) || !strings.Contains(own.Msg, f.want) {
				t.Fatalf("err = %v; want a Swedish message with %q", err, f.want)
			}
			if strings.Contains(own.Msg, s.ClientSecret) || strings.Contains(err.Error(), s.ClientSecret) {
				t.Error("the secret is in the message")
			}
		})
	}
}

// An address typed on the admin page must not reach the hosting network's
// own services: loopback and private addresses are refused when dialled
// unless the operator allows them, link-local (cloud metadata) always.
func TestReadRefusesInnerAddresses(t *testing.T) {
	t.Parallel()
	s := ss12000test.New(t, ss12000test.Pupil("a", ss12000test.Pnr("20080315", "238"), "Ada", "Ek", 1273))
	for _, c := range []struct {
		name  string
		conn  ss12000.Conn
		local bool
	}{
		{"loopback", conn(s), false},
		{"metadata", ss12000.Conn{BaseURL: "http://169.254.169.254/v2.0", TokenURL: "http://169.254.169.254/token", ClientID: "x", ClientSecret: "y"}, true},
	} {
		lim := ss12000.DefaultLimits
		lim.LocalNetwork, lim.Request, lim.Total = c.local, time.Second, 2*time.Second
		n := 0
		err := ss12000.Read(context.Background(), c.conn, lim, nil, func(ss12000.Person) error { n++; return nil })
		var own *ss12000.Error
		if err == nil || !errors.As(err, &own) || n != 0 {
			t.Errorf("%s: read %d persons, err %v; want a refusal in Swedish", c.name, n, err)
		}
	}
	lim := ss12000.DefaultLimits
	lim.LocalNetwork = true
	if err := ss12000.Read(context.Background(), conn(s), lim, nil, func(ss12000.Person) error { return nil }); err != nil {
		t.Errorf("with KAA_SS12000_LOCAL_NETWORK the test server is reached: %v", err)
	}
}
