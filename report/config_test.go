package report

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	withEmail := ok
	withEmail.Email = Email{Host: "smtp.example.com", From: "earshot <r@example.com>", To: []string{"m@example.com"}}
	cases := []struct {
		name string
		edit func(*Config)
		keys []string // problem keys, in order
	}{
		{"defaults", func(*Config) {}, nil},
		{"schedule on", func(c *Config) { c.Schedule = "0 8 1 * *"; c.Timezone = "Asia/Jakarta" }, nil},
		{"descriptor", func(c *Config) { c.Schedule = "@monthly" }, nil},
		{"bad cron", func(c *Config) { c.Schedule = "8 o'clock" }, []string{"schedule"}},
		{"six fields", func(c *Config) { c.Schedule = "0 0 8 1 * *" }, []string{"schedule"}},
		{"tz in spec", func(c *Config) { c.Schedule = "CRON_TZ=UTC 0 8 1 * *" }, []string{"schedule"}},
		{"nowhere to go", func(c *Config) { c.Schedule = "0 8 1 * *"; c.OutDir = "" }, []string{"schedule"}},
		{"bad timezone", func(c *Config) { c.Timezone = "Mars/Olympus" }, []string{"timezone"}},
		{"no formats", func(c *Config) { c.Formats = nil }, []string{"formats"}},
		{"bad format", func(c *Config) { c.Formats = []string{"pdf", "docx"} }, []string{"formats[1]"}},
		{"bad lang", func(c *Config) { c.Lang = "fr" }, []string{"lang"}},
		{"email ok", func(c *Config) { *c = withEmail }, nil},
		{"email bad", func(c *Config) {
			*c = withEmail
			c.Email.From, c.Email.To, c.Email.Port, c.Email.Username = "nobody", []string{"x@y.z", "not an address"}, 70000, "u"
		}, []string{"email.port", "email.from", "email.to[1]", "email.password"}},
		{"email no recipients", func(c *Config) { *c = withEmail; c.Email.To = nil }, []string{"email.to"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.edit(&cfg)
			ps := cfg.Validate()
			var keys []string
			for _, p := range ps {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("%s has no fix", p.Key)
				}
			}
			if strings.Join(keys, ",") != strings.Join(c.keys, ",") {
				t.Errorf("problems %v, want %v (%+v)", keys, c.keys, ps)
			}
		})
	}
}

func TestReportMonth(t *testing.T) {
	cases := []struct {
		tick string // RFC 3339, with the offset the tick happens at
		tz   string
		want string
	}{
		{"2026-11-01T08:00:00+07:00", "Asia/Jakarta", "2026-10"},
		// Just after midnight on the 1st in Jakarta is still the 30th in UTC.
		{"2026-12-01T00:30:00+07:00", "Asia/Jakarta", "2026-11"},
		// The evening of the 30th in Los Angeles is the 1st in UTC.
		{"2026-11-30T20:00:00-08:00", "America/Los_Angeles", "2026-10"},
		{"2027-01-01T08:00:00Z", "UTC", "2026-12"},
		{"2026-03-01T01:00:00+01:00", "Europe/Berlin", "2026-02"},
	}
	for _, c := range cases {
		tick, err := time.Parse(time.RFC3339, c.tick)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(c.tz)
		if err != nil {
			t.Fatal(err)
		}
		if got := ReportMonth(tick, loc).Format("2006-01"); got != c.want {
			t.Errorf("tick %s in %s reports %s, want %s", c.tick, c.tz, got, c.want)
		}
		if m := ReportMonth(tick, loc); m.Location() != time.UTC || m.Day() != 1 || m.Hour() != 0 {
			t.Errorf("month %v is not the first instant in UTC", m)
		}
	}
}

func TestScheduleTicks(t *testing.T) {
	jakarta, _ := time.LoadLocation("Asia/Jakarta")
	sched, err := ParseSchedule("0 8 1 * *")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	next := sched.Next(now.In(jakarta))
	if want := time.Date(2026, 12, 1, 8, 0, 0, 0, jakarta); !next.Equal(want) {
		t.Errorf("next tick %v, want %v", next, want)
	}
	if got := ReportMonth(next, jakarta).Format("2006-01"); got != "2026-11" {
		t.Errorf("next tick reports %s", got)
	}
	last := LastTick(sched, now, jakarta, 35*24*time.Hour)
	if want := time.Date(2026, 11, 1, 8, 0, 0, 0, jakarta); !last.Equal(want) {
		t.Errorf("last tick %v, want %v", last, want)
	}
	// 08:00 in Jakarta is 01:00 UTC: at 00:59 UTC on the 1st the tick has not come.
	early := time.Date(2026, 11, 1, 0, 59, 0, 0, time.UTC)
	if last := LastTick(sched, early, jakarta, 35*24*time.Hour); !last.Equal(time.Date(2026, 10, 1, 8, 0, 0, 0, jakarta)) {
		t.Errorf("last tick before 01:00 UTC on Nov 1: %v", last)
	}
	if last := LastTick(sched, now, jakarta, 24*time.Hour); !last.IsZero() {
		t.Errorf("a tick 19 days ago is outside a one-day window: %v", last)
	}
}

func TestBaseName(t *testing.T) {
	m := time.Date(2026, 10, 17, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"Acme": "earshot-acme-2026-10", "Acme Corp.": "earshot-acme-corp-2026-10", "../../etc": "earshot-etc-2026-10",
		"Kopi Kenangan ☕": "earshot-kopi-kenangan-2026-10", "": "earshot-brand-2026-10", "Café": "earshot-café-2026-10",
	} {
		if got := BaseName(in, m); got != want {
			t.Errorf("BaseName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseSchedule: any text either parses into a schedule whose next
// tick is in the future, or is an error; it never panics.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0 8 1 * *", "@monthly", "*/5 * * * *", "0 8 1 * * *", "TZ=UTC 0 8 1 * *", "", "60 25 32 13 8"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec)
		if err != nil {
			return
		}
		if next := s.Next(now); !next.IsZero() && !next.After(now) {
			t.Errorf("%q: next tick %v is not after %v", spec, next, now)
		}
	})
}

// FuzzBaseName: a file name stem never leaves the output directory.
func FuzzBaseName(f *testing.F) {
	for _, s := range []string{"Acme", "../x", "a/b\\c", "\x00", "☕"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, brand string) {
		n := BaseName(brand, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
		if strings.ContainsAny(n, "/\\\x00") || strings.Contains(n, "..") || !strings.HasPrefix(n, "earshot-") || !strings.HasSuffix(n, "-2026-10") {
			t.Errorf("BaseName(%q) = %q", brand, n)
		}
	})
}
