package report

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/earshot-dev/earshot/ingest"
)

// Formats a report renders to.
const (
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
	FormatHTML = "html"
)

// Formats lists every format in the order files are written.
var Formats = []string{FormatPDF, FormatXLSX, FormatCSV, FormatHTML}

// Languages the renderers write.
var Languages = []string{"en", "id"}

// Config is the report section of the configuration.
type Config struct {
	// Schedule is a cron spec (minute hour day-of-month month day-of-week)
	// in Timezone; at each tick the previous month's report is delivered.
	// Empty turns the schedule off; 'earshot report' still works.
	Schedule string   `koanf:"schedule"`
	Timezone string   `koanf:"timezone"` // IANA name, e.g. Asia/Jakarta
	Brand    string   `koanf:"brand"`    // default: the own brand
	Formats  []string `koanf:"formats"`  // pdf | xlsx | csv | html
	Lang     string   `koanf:"lang"`     // en | id
	OutDir   string   `koanf:"out_dir"`  // where reports are written; empty: e-mail only
	Email    Email    `koanf:"email"`
}

// Email sends the report over SMTP with the files attached. No host means
// no e-mail.
type Email struct {
	Host     string   `koanf:"host"`
	Port     int      `koanf:"port"` // default 587 with starttls, else 25
	Username string   `koanf:"username"`
	Password string   `koanf:"password"`
	StartTLS bool     `koanf:"starttls"` // require STARTTLS before credentials and content
	From     string   `koanf:"from"`
	To       []string `koanf:"to"`
	Subject  string   `koanf:"subject"` // {brand} and {month} are replaced
}

// Enabled reports whether e-mail delivery is configured.
func (e Email) Enabled() bool { return strings.TrimSpace(e.Host) != "" }

// DefaultConfig renders PDF and XLSX in English into ./reports, with the
// schedule off.
func DefaultConfig() Config {
	return Config{
		Timezone: "UTC",
		Formats:  []string{FormatPDF, FormatXLSX},
		Lang:     "en",
		OutDir:   "./reports",
		Email:    Email{StartTLS: true, Subject: "{brand} social media report, {month}"},
	}
}

// cronParser reads the five standard fields; descriptors such as @monthly
// are accepted too.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec; the spec may not carry its own TZ=,
// the timezone key says where it runs.
func ParseSchedule(spec string) (cron.Schedule, error) {
	if strings.HasPrefix(strings.TrimSpace(spec), "TZ=") || strings.HasPrefix(strings.TrimSpace(spec), "CRON_TZ=") {
		return nil, fmt.Errorf("set the timezone with report.timezone, not in the schedule")
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w", spec, err)
	}
	return s, nil
}

// Location loads Timezone (UTC when empty).
func (c Config) Location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", c.Timezone, err)
	}
	return loc, nil
}

// Validate reports every setting that cannot work; keys are relative to
// the report section.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix}) }
	if c.Schedule != "" {
		if _, err := ParseSchedule(c.Schedule); err != nil {
			add("schedule", c.Schedule, "use a cron spec with five fields (minute hour day month weekday), e.g. \"0 8 1 * *\" for 08:00 on the 1st: "+err.Error())
		}
		if c.OutDir == "" && !c.Email.Enabled() {
			add("schedule", c.Schedule, "a scheduled report needs somewhere to go: set report.out_dir or report.email.host")
		}
	}
	if _, err := c.Location(); err != nil {
		add("timezone", c.Timezone, "use an IANA timezone name such as UTC, Europe/Berlin or Asia/Jakarta")
	}
	if len(c.Formats) == 0 {
		add("formats", "[]", "list at least one of pdf, xlsx, csv, html")
	}
	for i, f := range c.Formats {
		if !slices.Contains(Formats, f) {
			add(fmt.Sprintf("formats[%d]", i), f, "use pdf, xlsx, csv or html")
		}
	}
	if !slices.Contains(Languages, c.Lang) {
		add("lang", c.Lang, "use en or id")
	}
	ps = append(ps, c.Email.validate()...)
	return ps
}

func (e Email) validate() []ingest.Problem {
	if !e.Enabled() {
		return nil
	}
	var ps []ingest.Problem
	add := func(key string, val any, fix string) {
		ps = append(ps, ingest.Problem{Key: "email." + key, Value: val, Fix: fix})
	}
	if e.Port < 0 || e.Port > 65535 {
		add("port", e.Port, "use the SMTP submission port, usually 587, or leave it out")
	}
	if _, err := mail.ParseAddress(e.From); err != nil {
		add("from", e.From, "use an address such as 'earshot <reports@example.com>'")
	}
	if len(e.To) == 0 {
		add("to", "[]", "list at least one recipient, e.g. [managers@example.com]")
	}
	for i, t := range e.To {
		if _, err := mail.ParseAddress(t); err != nil {
			add(fmt.Sprintf("to[%d]", i), t, "use an e-mail address such as managers@example.com")
		}
	}
	if e.Username != "" && e.Password == "" {
		add("password", `""`, "set the SMTP password, e.g. password: ${SMTP_PASSWORD}, or drop the username")
	}
	return ps
}
