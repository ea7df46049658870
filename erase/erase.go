// Package erase deletes one person's data from the store (the right to
// erasure): the mentions they wrote, their handle in recorded alerts, and
// everything the rollups and views computed from those mentions.
package erase

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/store"
)

// Store is the part of the store erasure needs.
type Store interface {
	Exec(ctx context.Context, query string) error
	Query(ctx context.Context, query string) (*store.Result, error)
}

// Rollups recomputes what was computed from the erased mentions
// (rollup.Job).
type Rollups interface {
	Recompute(ctx context.Context, from, to time.Time) error
	RebuildViews(ctx context.Context, from, to time.Time) error
}

// Subject names the person: by the platform's author id, or by handle
// (case-insensitive, with or without a leading @). Exactly one is set.
type Subject struct {
	AuthorID string
	Handle   string
}

// normalized trims the subject and checks exactly one identity is set.
func (s Subject) normalized() (Subject, error) {
	s.AuthorID = strings.TrimSpace(s.AuthorID)
	s.Handle = strings.TrimPrefix(strings.TrimSpace(s.Handle), "@")
	switch {
	case s.AuthorID == "" && s.Handle == "":
		return s, errors.New("name the person: --author ID or --handle H")
	case s.AuthorID != "" && s.Handle != "":
		return s, errors.New("give --author or --handle, not both: run once for each")
	}
	return s, nil
}

// where is the mentions filter that selects the subject's rows.
func (s Subject) where() string {
	if s.AuthorID != "" {
		return "author_id = " + store.Quote(s.AuthorID)
	}
	h := strings.ToLower(s.Handle)
	return "lowerUTF8(author_handle) IN (" + store.Quote(h) + ", " + store.Quote("@"+h) + ")"
}

// Count is what one table held of the person before and after.
type Count struct {
	Table  string
	What   string // what was counted
	Before int64
	After  int64
}

// Report says what an erasure found and removed.
type Report struct {
	DryRun bool
	Counts []Count
	// Handles and AuthorIDs are the person's identities found in mentions:
	// a handle search finds the ids and the other way round.
	Handles   []string
	AuthorIDs []string
	// Windows are the hours whose rollups were (or would be) recomputed,
	// merged into ranges.
	Windows [][2]time.Time
	// Mentioning counts other people's mentions that name the person's
	// handle. They are other people's data and are kept.
	Mentioning int64
}

// rollupTables are the rollups without an is_deleted marker: the erased
// windows' rows are deleted before the recompute, so a key only the erased
// mentions produced does not outlive them. The other rollups retire such
// keys themselves, and the view tables are rebuilt whole per day.
var rollupTables = []struct{ table, col, unit string }{
	{"mentions_hourly", "hour", "hour"},
	{"share_of_voice_daily", "day", "day"},
}

// Eraser erases people's data.
type Eraser struct {
	Store   Store
	Rollups Rollups
	Log     *slog.Logger
}

// Erase deletes the subject's mentions, removes them from recorded alerts
// and recomputes the rollups and view buckets of every hour they were in.
// With dryRun it only counts. Deletes are mutations that finish before
// Erase returns (mutations_sync = 2), so the after-counts are final.
func (e *Eraser) Erase(ctx context.Context, s Subject, dryRun bool) (*Report, error) {
	s, err := s.normalized()
	if err != nil {
		return nil, err
	}
	r := &Report{DryRun: dryRun}
	where := s.where()
	if r.Handles, r.AuthorIDs, err = e.identities(ctx, where); err != nil {
		return nil, err
	}
	if s.Handle != "" && len(r.Handles) == 0 {
		r.Handles = []string{s.Handle}
	}
	if r.Windows, err = e.windows(ctx, where); err != nil {
		return nil, err
	}
	before, err := e.count(ctx, "SELECT count() FROM mentions WHERE "+where)
	if err != nil {
		return nil, err
	}
	if r.Mentioning, err = e.mentioning(ctx, r.Handles, where); err != nil {
		return nil, err
	}
	alerts, err := e.alertsNaming(ctx, r.Handles)
	if err != nil {
		return nil, err
	}
	// Tables that keep a copy of the person's data beside mentions:
	// deleting from them is cheaper than rebuilding them.
	copies := []struct{ table, what, where string }{
		// Keyed by a hash of author_id.
		{"author_reach_monthly", "unique-reach rows of the person", authorReachWhere(r.AuthorIDs)},
		{"care_queue", "care-queue copies of their mentions", where},
	}
	copiesBefore := make([]int64, len(copies))
	for i, c := range copies {
		if copiesBefore[i], err = e.count(ctx, "SELECT count() FROM "+c.table+" WHERE "+c.where); err != nil {
			return nil, err
		}
	}
	if dryRun {
		r.Counts = []Count{{"mentions", "rows written by the person", before, before},
			{"alerts", "alert versions showing their mentions", int64(len(alerts)), int64(len(alerts))}}
		for i, c := range copies {
			r.Counts = append(r.Counts, Count{c.table, c.what, copiesBefore[i], copiesBefore[i]})
		}
		return r, nil
	}

	after, err := e.deleteWhere(ctx, "mentions", where)
	if err != nil {
		return nil, err
	}
	r.Counts = append(r.Counts, Count{"mentions", "rows written by the person", before, after})

	if err := e.scrubAlerts(ctx, alerts, r.Handles); err != nil {
		return nil, err
	}
	left, err := e.alertsNaming(ctx, r.Handles)
	if err != nil {
		return nil, err
	}
	r.Counts = append(r.Counts, Count{"alerts", "alert versions showing their mentions", int64(len(alerts)), int64(len(left))})

	for i, c := range copies {
		n, err := e.deleteWhere(ctx, c.table, c.where)
		if err != nil {
			return nil, err
		}
		r.Counts = append(r.Counts, Count{c.table, c.what, copiesBefore[i], n})
	}

	var retired []int64
	for _, t := range rollupTables {
		n, err := e.retire(ctx, t.table, t.col, t.unit, r.Windows)
		if err != nil {
			return nil, err
		}
		retired = append(retired, n)
	}
	// Whole days, each once: a rollup run and a view rebuild cost about the
	// same for a day as for an hour of it (measured on 10M mentions).
	for _, d := range days(r.Windows) {
		if err := e.Rollups.Recompute(ctx, d[0], d[1]); err != nil {
			return nil, fmt.Errorf("erase: recompute rollups %s..%s: %w", d[0].Format(time.DateOnly), d[1].Format(time.DateOnly), err)
		}
		if err := e.Rollups.RebuildViews(ctx, d[0], d[1]); err != nil {
			return nil, fmt.Errorf("erase: rebuild views %s..%s: %w", d[0].Format(time.DateOnly), d[1].Format(time.DateOnly), err)
		}
	}
	for i, t := range rollupTables {
		n, err := e.count(ctx, fmt.Sprintf("SELECT count() FROM %s FINAL WHERE %s", t.table, inWindows(t.col, t.unit, r.Windows)))
		if err != nil {
			return nil, err
		}
		r.Counts = append(r.Counts, Count{t.table, "rows of the affected windows, recomputed", retired[i], n})
	}
	e.Log.Info("erased", "subject", where, "mentions", before, "alerts", len(alerts), "windows", len(r.Windows))
	return r, nil
}

// authorReachWhere selects the author_reach_monthly rows of the given
// author ids (the table keeps cityHash64(author_id)); none for no ids.
func authorReachWhere(ids []string) string {
	if len(ids) == 0 {
		return "0"
	}
	hashes := make([]string, len(ids))
	for i, id := range ids {
		hashes[i] = "cityHash64(" + store.Quote(id) + ")"
	}
	return "author IN (" + strings.Join(hashes, ", ") + ")"
}

// deleteWhere deletes a table's rows and returns how many match after
// (the delete is a mutation that finishes before it returns).
func (e *Eraser) deleteWhere(ctx context.Context, table, where string) (int64, error) {
	if err := e.Store.Exec(ctx, "ALTER TABLE "+table+" DELETE WHERE "+where+" SETTINGS mutations_sync = 2"); err != nil {
		return 0, fmt.Errorf("erase: delete %s: %w", table, err)
	}
	return e.count(ctx, "SELECT count() FROM "+table+" WHERE "+where)
}

func (e *Eraser) count(ctx context.Context, q string) (int64, error) {
	res, err := e.Store.Query(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("erase: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return 0, fmt.Errorf("erase: %s: unexpected result %v", q, res.Rows)
	}
	n, err := strconv.ParseInt(res.Rows[0][0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("erase: %s: %w", q, err)
	}
	return n, nil
}

// identities finds every handle and author id the subject's mentions carry.
func (e *Eraser) identities(ctx context.Context, where string) (handles, ids []string, err error) {
	res, err := e.Store.Query(ctx, "SELECT DISTINCT author_handle, author_id FROM mentions WHERE "+where)
	if err != nil {
		return nil, nil, fmt.Errorf("erase: find identities: %w", err)
	}
	for _, row := range res.Rows {
		if h := strings.TrimPrefix(row[0], "@"); h != "" && !slices.Contains(handles, h) {
			handles = append(handles, h)
		}
		if row[1] != "" && !slices.Contains(ids, row[1]) {
			ids = append(ids, row[1])
		}
	}
	slices.Sort(handles)
	slices.Sort(ids)
	return handles, ids, nil
}

// windows lists the hours holding the subject's mentions, merged into
// ranges of consecutive hours.
func (e *Eraser) windows(ctx context.Context, where string) ([][2]time.Time, error) {
	res, err := e.Store.Query(ctx, "SELECT DISTINCT toUnixTimestamp(toStartOfHour(created_at)) AS h FROM mentions WHERE "+where+" ORDER BY h")
	if err != nil {
		return nil, fmt.Errorf("erase: find windows: %w", err)
	}
	var out [][2]time.Time
	for _, row := range res.Rows {
		sec, err := strconv.ParseInt(row[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("erase: window %q: %w", row[0], err)
		}
		h := time.Unix(sec, 0).UTC()
		if n := len(out); n > 0 && out[n-1][1].Equal(h) {
			out[n-1][1] = h.Add(time.Hour)
			continue
		}
		out = append(out, [2]time.Time{h, h.Add(time.Hour)})
	}
	return out, nil
}

// days widens hour windows to whole UTC days and merges the days that
// touch into ranges.
func days(ws [][2]time.Time) [][2]time.Time {
	var out [][2]time.Time
	for _, w := range ws {
		from := w[0].Truncate(24 * time.Hour)
		to := w[1].Add(24*time.Hour - time.Nanosecond).Truncate(24 * time.Hour)
		if n := len(out); n > 0 && !from.After(out[n-1][1]) {
			if to.After(out[n-1][1]) {
				out[n-1][1] = to
			}
			continue
		}
		out = append(out, [2]time.Time{from, to})
	}
	return out
}

// mentioning counts other people's mentions naming one of the handles.
func (e *Eraser) mentioning(ctx context.Context, handles []string, where string) (int64, error) {
	if len(handles) == 0 {
		return 0, nil
	}
	quoted := make([]string, len(handles))
	for i, h := range handles {
		quoted[i] = store.Quote(strings.ToLower(h))
	}
	return e.count(ctx, fmt.Sprintf("SELECT count() FROM mentions WHERE hasAny(handles, [%s]) AND NOT (%s)", strings.Join(quoted, ", "), where))
}

// inWindows is a filter on col for the windows, widened to whole units
// (hour or day).
func inWindows(col, unit string, ws [][2]time.Time) string {
	if len(ws) == 0 {
		return "0"
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		from, to := w[0], w[1]
		if unit == "day" {
			from = from.Truncate(24 * time.Hour)
			to = to.Add(24*time.Hour - time.Nanosecond).Truncate(24 * time.Hour)
		}
		parts[i] = fmt.Sprintf("(%s >= toDateTime('%s', 'UTC') AND %s < toDateTime('%s', 'UTC'))",
			col, from.Format(time.DateTime), col, to.Format(time.DateTime))
	}
	return strings.Join(parts, " OR ")
}

// retire deletes a rollup table's rows in the windows, so a key that only
// the erased mentions produced does not outlive them (these tables have no
// is_deleted marker); the recompute writes the rest back. It returns how
// many current rows the windows held.
func (e *Eraser) retire(ctx context.Context, table, col, unit string, ws [][2]time.Time) (int64, error) {
	if len(ws) == 0 {
		return 0, nil
	}
	filter := inWindows(col, unit, ws)
	n, err := e.count(ctx, fmt.Sprintf("SELECT count() FROM %s FINAL WHERE %s", table, filter))
	if err != nil {
		return 0, err
	}
	if err := e.Store.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DELETE WHERE %s SETTINGS mutations_sync = 2", table, filter)); err != nil {
		return 0, fmt.Errorf("erase: clear %s: %w", table, err)
	}
	return n, nil
}

// alertVersion identifies one row of alerts.
type alertVersion struct {
	groupKey, state, revision, updatedAt, payload string
}

// alertsNaming finds the alert rows whose top mentions show one of the
// handles (alerts keep the author's handle and the mention's text).
func (e *Eraser) alertsNaming(ctx context.Context, handles []string) ([]alertVersion, error) {
	if len(handles) == 0 {
		return nil, nil
	}
	conds := make([]string, len(handles))
	for i, h := range handles {
		enc, err := json.Marshal(h) // as the alerter encoded it
		if err != nil {
			return nil, fmt.Errorf("erase: %w", err)
		}
		conds[i] = "positionCaseInsensitive(payload, " + store.Quote(`"author":`+string(enc)) + ") > 0"
	}
	res, err := e.Store.Query(ctx, "SELECT group_key, state, revision, toString(updated_at), payload FROM alerts WHERE "+strings.Join(conds, " OR "))
	if err != nil {
		return nil, fmt.Errorf("erase: find alerts: %w", err)
	}
	out := make([]alertVersion, len(res.Rows))
	for i, row := range res.Rows {
		out[i] = alertVersion{row[0], row[1], row[2], row[3], row[4]}
	}
	return out, nil
}

// scrubAlerts removes the person's mentions from each alert's top
// mentions, in place: the alert itself (counts, state) is not theirs and
// stays. Notifications already delivered cannot be called back.
func (e *Eraser) scrubAlerts(ctx context.Context, alerts []alertVersion, handles []string) error {
	for _, a := range alerts {
		var payload map[string]any
		if err := json.Unmarshal([]byte(a.payload), &payload); err != nil {
			return fmt.Errorf("erase: alert %s: payload is not JSON: %w", a.groupKey, err)
		}
		top, _ := payload["top_mentions"].([]any)
		kept := []any{}
		for _, m := range top {
			author, _ := m.(map[string]any)["author"].(string)
			if !slices.ContainsFunc(handles, func(h string) bool { return strings.EqualFold(h, strings.TrimPrefix(author, "@")) }) {
				kept = append(kept, m)
			}
		}
		payload["top_mentions"] = kept
		clean, err := json.Marshal(payload)
		if err != nil {
			return fmt.Errorf("erase: alert %s: %w", a.groupKey, err)
		}
		q := fmt.Sprintf("ALTER TABLE alerts UPDATE payload = %s WHERE group_key = %s AND state = %s AND revision = %s AND updated_at = toDateTime64(%s, 3, 'UTC') SETTINGS mutations_sync = 2",
			store.Quote(string(clean)), store.Quote(a.groupKey), store.Quote(a.state), a.revision, store.Quote(a.updatedAt))
		if err := e.Store.Exec(ctx, q); err != nil {
			return fmt.Errorf("erase: scrub alert %s: %w", a.groupKey, err)
		}
	}
	return nil
}
