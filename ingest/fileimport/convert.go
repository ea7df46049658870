package fileimport

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// SourceName is the envelope source of imported events and the prefix of
// their ids.
const SourceName = "import"

// RowError is a row that cannot be imported, and why.
type RowError struct {
	Line   int    // line in the file where the row starts, 1-based
	Field  string // the event field at fault, if one is
	Column string // the header that field came from, if any
	Value  string
	Reason string
	Raw    []byte // the row as it was in the file, for the dead-letter topic
}

func (e RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", e.Line)
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Column != "" {
			fmt.Fprintf(&b, " (column %q)", e.Column)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// rowValues are the cells of one row, by field.
type rowValues struct {
	v      [numFields]string
	ok     [numFields]bool
	column *[numFields]string // header each field came from
}

func (r *rowValues) get(f field) string { return r.v[f] }
func (r *rowValues) has(f field) bool   { return r.ok[f] && !isBlank(r.v[f]) }
func (r *rowValues) set(f field, s string) {
	r.v[f], r.ok[f] = s, s != ""
}

// converter turns rows into envelopes under one spec.
type converter struct {
	s   *Spec
	now time.Time
	// v, when set, checks each event as it is wrapped, by the Go rules
	// that mirror the schemas (a tenth of the cost of a schema pass over
	// the JSON, and what lets an import reach 100k rows/s).
	v *event.Validator
}

// wrapEvent wraps data with the kind's schema, checking it when the
// converter has a validator.
func (c *converter) wrapEvent(schema, id string, data any) (event.Envelope, *RowError) {
	var env event.Envelope
	var err error
	if c.v != nil {
		env, err = c.v.WrapChecked(schema, id, SourceName, c.now, data)
	} else {
		env, err = event.Wrap(schema, id, SourceName, c.now, data)
	}
	if err != nil {
		var ie *event.InvalidError
		if errors.As(err, &ie) {
			return env, &RowError{Reason: schemaReason(err)}
		}
		return env, &RowError{Reason: err.Error()}
	}
	return env, nil
}

// fail builds the error of field f.
func (c *converter) fail(v *rowValues, f field, reason string) *RowError {
	e := &RowError{Field: f.String(), Reason: reason}
	if v.ok[f] {
		e.Value = v.v[f]
		if v.column != nil {
			e.Column = v.column[f]
		}
	}
	return e
}

// str returns a field's cell, else the spec's constant.
func (c *converter) str(v *rowValues, f field) string {
	if v.has(f) {
		return strings.TrimSpace(v.v[f])
	}
	return c.s.values[f]
}

// need returns a field that must have a value.
func (c *converter) need(v *rowValues, f field) (string, *RowError) {
	if s := c.str(v, f); s != "" {
		return s, nil
	}
	if c.s.cols[f] == nil {
		return "", c.fail(v, f, "no value: "+c.s.fixFor(f))
	}
	return "", c.fail(v, f, "empty")
}

func (s *Spec) fixFor(f field) string {
	switch f {
	case fAccount:
		return "this file has no account column: pass --account"
	case fNetwork:
		return "pass --network"
	case fCurrency:
		return "pass --currency (ISO 4217, e.g. EUR)"
	case fObservedAt:
		return "pass --observed-at (when the export was taken)"
	}
	return fmt.Sprintf("add a column for %s to the mapping", f)
}

func (c *converter) count(v *rowValues, f field) (uint64, *RowError) {
	s := c.str(v, f)
	if isBlank(s) {
		return 0, nil
	}
	n, err := parseCount(s, c.s.decimal)
	if err != nil {
		return 0, c.fail(v, f, err.Error())
	}
	return n, nil
}

func (c *converter) amount(v *rowValues, f field) (float64, bool, *RowError) {
	s := c.str(v, f)
	if isBlank(s) {
		return 0, false, nil
	}
	x, err := parseAmount(s, c.s.decimal)
	if err != nil {
		return 0, false, c.fail(v, f, err.Error())
	}
	return x, true, nil
}

func (c *converter) time(v *rowValues, f field, required bool) (time.Time, *RowError) {
	s := c.str(v, f)
	if isBlank(s) {
		if required {
			_, e := c.need(v, f)
			return time.Time{}, e
		}
		return time.Time{}, nil
	}
	t, err := parseTime(s, c.s.layouts, c.s.loc)
	if err != nil {
		return t, c.fail(v, f, err.Error())
	}
	return t.UTC(), nil
}

// convert turns one row into its events.
func (c *converter) convert(v *rowValues) ([]event.Envelope, *RowError) {
	if c.s.derive != nil {
		c.s.derive(c.s, v)
	}
	switch c.s.Kind {
	case PostMetrics:
		return c.postMetrics(v)
	case Audience:
		return c.audience(v)
	case Conversions:
		return c.conversions(v)
	case AdSpend:
		return c.adSpend(v)
	}
	return c.mention(v)
}

// wrap builds the envelope of data with the id of its natural key.
func (c *converter) wrap(key string, data any) ([]event.Envelope, *RowError) {
	env, bad := c.wrapEvent(c.s.Kind.Schema(), c.id(key), data)
	if bad != nil {
		return nil, bad
	}
	return []event.Envelope{env}, nil
}

// id is import:<spec>/<hash of the natural key>: the same row imported
// again gets the same id, which the store deduplicates.
func (c *converter) id(key string) string {
	sum := sha256.Sum256([]byte(key))
	return event.ID(SourceName, c.s.Name+"/"+hex.EncodeToString(sum[:16]))
}

// naturalKey joins key parts unambiguously; a row's own id wins.
func (c *converter) naturalKey(v *rowValues, parts ...string) string {
	if own := c.str(v, fID); own != "" {
		return "id\x00" + own
	}
	return strings.Join(parts, "\x00")
}

func (c *converter) postMetrics(v *rowValues) ([]event.Envelope, *RowError) {
	var pm event.PostMetrics
	var e *RowError
	if pm.Network, e = c.need(v, fNetwork); e != nil {
		return nil, e
	}
	if pm.Account, e = c.need(v, fAccount); e != nil {
		return nil, e
	}
	if pm.PostID, e = c.need(v, fPostID); e != nil {
		return nil, e
	}
	if pm.PublishedAt, e = c.time(v, fPublishedAt, true); e != nil {
		return nil, e
	}
	if pm.ObservedAt, e = c.time(v, fObservedAt, false); e != nil {
		return nil, e
	}
	if pm.ObservedAt.IsZero() {
		if c.s.observedAt.IsZero() {
			_, e = c.need(v, fObservedAt)
			return nil, e
		}
		pm.ObservedAt = c.s.observedAt.UTC()
	}
	pm.URL = c.str(v, fURL)
	for _, t := range []countTarget{{fImpressions, &pm.Impressions}, {fReach, &pm.Reach}, {fLikes, &pm.Likes},
		{fComments, &pm.Comments}, {fShares, &pm.Shares}, {fSaves, &pm.Saves}, {fClicks, &pm.Clicks}, {fVideoViews, &pm.VideoViews}} {
		if *t.dst, e = c.count(v, t.f); e != nil {
			return nil, e
		}
	}
	// The campaign: the configured one, else the utm_campaign of the
	// first link in the post.
	if pm.Campaign = c.str(v, fCampaign); pm.Campaign == "" {
		pm.Campaign = ingest.CampaignFromText(c.str(v, fText))
	}
	return c.wrap(c.naturalKey(v, pm.Network, pm.Account, pm.PostID), pm)
}

type countTarget struct {
	f   field
	dst *uint64
}

func (c *converter) audience(v *rowValues) ([]event.Envelope, *RowError) {
	var a event.AudienceSnapshot
	var e *RowError
	if a.Network, e = c.need(v, fNetwork); e != nil {
		return nil, e
	}
	if a.Account, e = c.need(v, fAccount); e != nil {
		return nil, e
	}
	if _, e = c.need(v, fFollowers); e != nil {
		return nil, e
	}
	if a.Followers, e = c.count(v, fFollowers); e != nil {
		return nil, e
	}
	if a.ObservedAt, e = c.time(v, fObservedAt, false); e != nil {
		return nil, e
	}
	if a.ObservedAt.IsZero() {
		if c.s.observedAt.IsZero() {
			_, e = c.need(v, fObservedAt)
			return nil, e
		}
		a.ObservedAt = c.s.observedAt.UTC()
	}
	return c.wrap(c.naturalKey(v, a.Network, a.Account, a.ObservedAt.Format(time.RFC3339Nano)), a)
}

func (c *converter) conversions(v *rowValues) ([]event.Envelope, *RowError) {
	var cv event.Conversion
	var e *RowError
	if cv.OccurredAt, e = c.time(v, fOccurredAt, true); e != nil {
		return nil, e
	}
	if cv.Type, e = c.need(v, fType); e != nil {
		return nil, e
	}
	value, _, e := c.amount(v, fValue)
	if e != nil {
		return nil, e
	}
	cv.Currency = strings.ToUpper(c.str(v, fCurrency))
	cv.UTMSource, cv.UTMMedium, cv.UTMCampaign = c.str(v, fUTMSource), c.str(v, fUTMMedium), c.str(v, fUTMCampaign)
	if sm := c.str(v, fUTMSourceMedium); sm != "" && cv.UTMSource == "" && cv.UTMMedium == "" {
		src, med, _ := strings.Cut(sm, "/")
		cv.UTMSource, cv.UTMMedium = strings.TrimSpace(src), strings.TrimSpace(med)
	}
	for _, p := range []*string{&cv.UTMSource, &cv.UTMMedium, &cv.UTMCampaign} {
		// Analytics write "(not set)" and "(direct)" where a tag is absent.
		if *p == "(not set)" || *p == "(none)" {
			*p = ""
		}
	}
	key := c.naturalKey(v, cv.OccurredAt.Format(time.RFC3339Nano), cv.Type, cv.UTMSource, cv.UTMMedium, cv.UTMCampaign)
	if c.s.cols[fCount] == nil && c.s.values[fCount] == "" {
		cv.Value = value
		return c.wrap(key, cv)
	}
	// An analytics export counts conversions per row: it becomes that many
	// conversion events sharing the row's value, ids numbered within the
	// row so a re-import matches them one for one.
	n, e := c.count(v, fCount)
	if e != nil {
		return nil, e
	}
	if n > 1_000_000 {
		return nil, c.fail(v, fCount, fmt.Sprintf("%d conversions in one row is more than this import takes (1000000)", n))
	}
	envs := make([]event.Envelope, 0, n)
	each := math.Floor(value/float64(n)*100) / 100
	for i := range n {
		cv.Value = each
		if i == n-1 {
			cv.Value = math.Max(0, math.Round((value-each*float64(n-1))*100)/100)
		}
		env, bad := c.wrapEvent(event.SchemaConversion, c.id(key)+"-"+strconv.FormatUint(i, 10), cv)
		if bad != nil {
			return nil, bad
		}
		envs = append(envs, env)
	}
	return envs, nil
}

func (c *converter) adSpend(v *rowValues) ([]event.Envelope, *RowError) {
	var a event.AdSpend
	var e *RowError
	day, e := c.time(v, fDate, true)
	if e != nil {
		return nil, e
	}
	a.Date = day.Format(time.DateOnly)
	if end, e := c.time(v, fDateEnd, false); e != nil {
		return nil, e
	} else if !end.IsZero() && !end.Equal(day) {
		return nil, c.fail(v, fDateEnd, fmt.Sprintf("the row covers %s to %s, not one day: export with a daily breakdown (Breakdown → By time → Day)", a.Date, end.Format(time.DateOnly)))
	}
	if a.Network, e = c.need(v, fNetwork); e != nil {
		return nil, e
	}
	if a.Campaign, e = c.need(v, fCampaign); e != nil {
		return nil, e
	}
	if _, e = c.need(v, fSpend); e != nil {
		return nil, e
	}
	if a.Spend, _, e = c.amount(v, fSpend); e != nil {
		return nil, e
	}
	cur, e := c.need(v, fCurrency)
	if e != nil {
		return nil, e
	}
	a.Currency = strings.ToUpper(cur)
	if a.Impressions, e = c.count(v, fImpressions); e != nil {
		return nil, e
	}
	if a.Clicks, e = c.count(v, fClicks); e != nil {
		return nil, e
	}
	return c.wrap(c.naturalKey(v, a.Network, c.str(v, fAccount), a.Date, a.Campaign), a)
}

func (c *converter) mention(v *rowValues) ([]event.Envelope, *RowError) {
	var m event.Mention
	var e *RowError
	for _, t := range []struct {
		f   field
		dst *string
	}{{fNetwork, &m.Network}, {fNativeID, &m.NativeID}, {fKind, &m.Kind}, {fAuthorID, &m.Author.ID}, {fText, &m.Text}} {
		if *t.dst, e = c.need(v, t.f); e != nil {
			return nil, e
		}
	}
	m.Kind = strings.ToLower(m.Kind)
	if m.CreatedAt, e = c.time(v, fCreatedAt, true); e != nil {
		return nil, e
	}
	m.URL, m.Author.Handle, m.Author.Name = c.str(v, fURL), c.str(v, fAuthorHandle), c.str(v, fAuthorName)
	m.Title, m.Lang, m.Country, m.Site, m.ParentID = c.str(v, fTitle), c.str(v, fLang), c.str(v, fCountry), c.str(v, fSite), c.str(v, fParentID)
	for _, t := range []countTarget{{fAuthorFollowers, &m.Author.Followers}, {fLikes, &m.Likes}, {fShares, &m.Shares}, {fComments, &m.Comments}} {
		if *t.dst, e = c.count(v, t.f); e != nil {
			return nil, e
		}
	}
	if r, ok, e := c.amount(v, fRating); e != nil {
		return nil, e
	} else if ok {
		m.Rating = &r
	}
	return c.wrap(c.naturalKey(v, m.Network, m.NativeID), m)
}
