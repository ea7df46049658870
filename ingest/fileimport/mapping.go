package fileimport

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Config is the import section of the configuration: named custom
// mappings, used with 'earshot import --preset NAME'.
type Config struct {
	Mappings map[string]Mapping `koanf:"mappings"`
}

// Mapping says how the columns of one kind of file become event fields.
type Mapping struct {
	// Kind is what the file holds: post-metrics, audience, conversions,
	// ad-spend or mentions.
	Kind string `koanf:"kind"`
	// Columns maps event fields to the file's headers (or JSONL keys),
	// e.g. {post_id: "Post ID", impressions: "Impressions"}.
	Columns map[string]string `koanf:"columns"`
	// Values gives fields a constant when the file has no column for
	// them (or the cell is empty), e.g. {network: facebook, currency: EUR}.
	Values map[string]string `koanf:"values"`
	// DateFormat is how the file writes dates, e.g. "MM/DD/YYYY HH:mm",
	// "DD.MM.YYYY" or a Go layout. Default: RFC 3339 and YYYY-MM-DD.
	DateFormat string `koanf:"date_format"`
	// TimeZone reads dates without an offset, e.g. Europe/Berlin.
	// Default UTC.
	TimeZone string `koanf:"time_zone"`
	// Delimiter is ",", ";" or "tab". Default: detected.
	Delimiter string `koanf:"delimiter"`
	// Decimal is the decimal separator, "." (default) or ",".
	Decimal string `koanf:"decimal"`
	// SkipPrefixes marks summary rows to skip: a row with a cell that
	// starts with one ("Total:") is not an event.
	SkipPrefixes []string `koanf:"skip_prefixes"`
}

var mappingName = regexp.MustCompile(`^[a-z0-9_.-]+$`)

// Validate reports every invalid setting of the mappings.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	names := make([]string, 0, len(c.Mappings))
	for n := range c.Mappings {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		key := "mappings." + n
		if !mappingName.MatchString(n) {
			ps = append(ps, ingest.Problem{Key: key, Value: n, Fix: "name mappings with lower-case letters, digits, '.', '_' or '-': the name goes into event ids"})
		}
		_, err := c.Mappings[n].compile(n)
		if err != nil {
			ps = append(ps, ingest.Problem{Key: key, Value: n, Fix: err.Error()})
		}
	}
	return ps
}

// Spec is a compiled preset or mapping: what the importer works from.
type Spec struct {
	Name string // goes into event ids: import:<name>/<hash>
	Kind Kind
	// Doc says, for --help and errors, which export the preset reads.
	Doc string

	cols    [numFields][]string // candidate headers, lower-cased, first present wins
	values  [numFields]string
	layouts []string
	loc     *time.Location
	delim   rune // 0: detect
	decimal byte
	skip    []string
	comment rune // lines starting with it are not rows (GA4's "#" preamble)

	// skipIfEmpty marks the summary row an export puts first (Meta Ads:
	// the totals row has no campaign name).
	skipIfEmpty []field
	// derive fills fields an export spreads over other columns.
	derive func(s *Spec, v *rowValues)
	// derived are required fields derive fills, so no column is needed.
	derived []field
	// currencyHeader reads the currency from a header such as
	// "Amount spent (USD)".
	currencyHeader *regexp.Regexp
	// generic: headers are the field names, and JSONL lines are bare
	// payloads of the kind.
	generic bool
	// observedAt stands in for a missing observed_at.
	observedAt time.Time
}

// compile checks a mapping and turns it into a Spec.
func (m Mapping) compile(name string) (*Spec, error) {
	k, err := ParseKind(m.Kind)
	if err != nil {
		return nil, fmt.Errorf("kind: %w", err)
	}
	s := &Spec{Name: name, Kind: k, loc: time.UTC, decimal: '.', layouts: defaultLayouts, skip: m.SkipPrefixes}
	for fname, header := range m.Columns {
		f, ok := fieldByName(fname)
		if !ok || !k.takes(f) {
			return nil, fmt.Errorf("columns: %s is no field of %s: use %s", fname, k, fieldList(k))
		}
		if strings.TrimSpace(header) == "" {
			return nil, fmt.Errorf("columns.%s: name the header of the column", fname)
		}
		s.cols[f] = []string{normHeader(header)}
	}
	for fname, v := range m.Values {
		f, ok := fieldByName(fname)
		if !ok || !k.takes(f) {
			return nil, fmt.Errorf("values: %s is no field of %s: use %s", fname, k, fieldList(k))
		}
		s.values[f] = v
	}
	for _, f := range kindFields[k].required {
		if s.cols[f] == nil && s.values[f] == "" {
			return nil, fmt.Errorf("%s has no column and no value: add columns.%s (its header) or values.%s (a constant)", f, f, f)
		}
	}
	if m.DateFormat != "" {
		l, err := Layout(m.DateFormat)
		if err != nil {
			return nil, fmt.Errorf("date_format: %w", err)
		}
		s.layouts = []string{l}
	}
	if m.TimeZone != "" {
		if s.loc, err = time.LoadLocation(m.TimeZone); err != nil {
			return nil, fmt.Errorf("time_zone %q: use an IANA zone such as Europe/Berlin or UTC", m.TimeZone)
		}
	}
	switch m.Delimiter {
	case "":
	case ",", ";", "|":
		s.delim = rune(m.Delimiter[0])
	case "tab", "\t", `\t`:
		s.delim = '\t'
	default:
		return nil, fmt.Errorf("delimiter %q: use \",\", \";\", \"|\" or \"tab\" (or leave it out to detect it)", m.Delimiter)
	}
	switch m.Decimal {
	case "", ".":
	case ",":
		s.decimal = ','
	default:
		return nil, fmt.Errorf("decimal %q: use \".\" or \",\"", m.Decimal)
	}
	return s, nil
}

func fieldList(k Kind) string {
	req, opt := k.FieldNames()
	return strings.Join(append(req, opt...), ", ")
}

func normHeader(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), " "))
}

// Generic is the mapping of a file whose headers are the field names
// themselves (network, post_id, impressions, …).
func Generic(k Kind) *Spec {
	s := &Spec{Name: "file", Kind: k, loc: time.UTC, decimal: '.', layouts: defaultLayouts, generic: true,
		Doc: "headers named like the event fields"}
	kf := kindFields[k]
	for _, f := range append(slices.Clone(kf.required), kf.optional...) {
		s.cols[f] = []string{f.String()}
	}
	return s
}

// Resolve finds the spec for an import: a custom mapping of the
// configuration by that name, else a built-in preset, else (empty name)
// the generic mapping. The kind must match.
func Resolve(name string, k Kind, custom Config) (*Spec, error) {
	if name == "" {
		return Generic(k), nil
	}
	var s *Spec
	if m, ok := custom.Mappings[name]; ok {
		var err error
		if s, err = m.compile(name); err != nil {
			return nil, fmt.Errorf("mapping %s: %w", name, err)
		}
	} else if p, ok := presets()[name]; ok {
		s = p
	} else {
		return nil, fmt.Errorf("no preset or mapping named %q: use one of %s, or add it under sources.import.mappings", name, strings.Join(PresetNames(""), ", "))
	}
	if s.Kind != k {
		return nil, fmt.Errorf("%s holds %s, not %s: use --kind %s", name, s.Kind, k, s.Kind)
	}
	return s, nil
}

// Overrides are the values given on the command line; they win over
// columns and mapping values.
type Overrides struct {
	Network, Account, Campaign, Currency string
	// TimeZone reads dates without an offset (a preset's exports are in
	// the account's zone).
	TimeZone string
	// ObservedAt is when post metrics and audience counts were true;
	// default the file's modification time.
	ObservedAt time.Time
}

// apply returns a copy of s with the overrides in place.
func (s *Spec) apply(o Overrides) (*Spec, error) {
	c := *s
	for f, v := range map[field]string{fNetwork: o.Network, fAccount: o.Account, fCampaign: o.Campaign, fCurrency: o.Currency} {
		if v != "" && c.Kind.takes(f) {
			c.values[f] = v
			c.cols[f] = nil
		}
	}
	if o.TimeZone != "" {
		loc, err := time.LoadLocation(o.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("--time-zone %q: use an IANA zone such as Europe/Berlin or UTC", o.TimeZone)
		}
		c.loc = loc
	}
	c.observedAt = o.ObservedAt
	return &c, nil
}
