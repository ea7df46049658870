// Package alert watches the store for mention spikes and tells the team
// on duty what is happening: per brand, metric and window it compares the
// latest buckets with a seasonal baseline (package detect), keeps one
// alert per spike (firing, updated, resolved) in the alerts table, and
// delivers each state change once to every channel (package notify).
package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/alert/notify"
	"github.com/earshot-dev/earshot/store"
)

// Store is the part of the store the alerter reads and writes.
type Store interface {
	Querier
	Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error
}

// Job evaluates every brand × metric × window each Interval.
type Job struct {
	Store     Store
	Brands    []string
	Cfg       Config
	Notifiers []notify.Notifier
	Now       func() time.Time
	Log       *slog.Logger
}

// Run evaluates now and then every Interval until ctx ends. A failed run
// is logged and retried at the next tick.
func (j *Job) Run(ctx context.Context) error {
	t := time.NewTicker(j.Cfg.Interval)
	defer t.Stop()
	for {
		if err := j.Evaluate(ctx, j.Now()); err != nil && ctx.Err() == nil {
			j.Log.Error("alert evaluation failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Evaluate looks at the buckets complete at now, records state changes
// and delivers whatever a channel has not received yet.
func (j *Job) Evaluate(ctx context.Context, now time.Time) error {
	for _, brand := range j.Brands {
		for _, metric := range j.Cfg.Metrics {
			for _, w := range j.Cfg.Windows {
				if err := j.evaluate(ctx, brand, metric, w, now); err != nil {
					return err
				}
			}
		}
	}
	return j.deliver(ctx, now)
}

// record is an alert's latest row.
type record struct {
	key, state string
	revision   int
	start, end time.Time
	observed   float64
	payload    string
}

func (j *Job) evaluate(ctx context.Context, brand, metric string, w time.Duration, now time.Time) error {
	d, err := detect.New(j.Cfg.params(metric))
	if err != nil {
		return err
	}
	p := d.Params()
	to := now.UTC().Truncate(w) // the end of the last complete bucket
	from := to.Add(-time.Duration(p.SeasonWeeks)*7*24*time.Hour - w*time.Duration(p.Trailing))
	pts, err := series(ctx, j.Store, brand, metric, w, from, to)
	if err != nil {
		return err
	}
	eps := detect.Episodes(d.Evaluate(pts), p.Cooldown)
	base := strings.Join([]string{brand, metric, w.String()}, "|")
	open, err := j.open(ctx, base)
	if err != nil {
		return err
	}
	last := to.Add(-w) // the last complete bucket's start
	var ep *detect.Episode
	if n := len(eps); n > 0 && !last.After(eps[n-1].End.Add(p.Cooldown)) {
		ep = &eps[n-1]
	}
	switch {
	case ep != nil && (open == nil || open.key != groupKey(base, ep.Start)):
		return j.record(ctx, brand, metric, w, notify.StateFiring, 1, ep, groupKey(base, ep.Start))
	case ep != nil && ep.Peak.Count > open.observed*1.25:
		// Tell the team again only when the spike grew markedly: an
		// update for every bucket would drown the first message.
		return j.record(ctx, brand, metric, w, notify.StateUpdated, open.revision+1, ep, open.key)
	case ep == nil && open != nil:
		resolved := &detect.Episode{Start: open.start, End: open.end, Peak: detect.Result{T: open.end, Count: open.observed}}
		return j.record(ctx, brand, metric, w, notify.StateResolved, open.revision+1, resolved, open.key)
	}
	return nil
}

func groupKey(base string, start time.Time) string {
	return base + "|" + start.UTC().Format(time.RFC3339)
}

// open returns the latest alert of base that is not resolved, if any.
func (j *Job) open(ctx context.Context, base string) (*record, error) {
	res, err := j.Store.Query(ctx, fmt.Sprintf(`SELECT group_key, state, revision, toUnixTimestamp(started_at), toUnixTimestamp(ended_at), observed, payload
FROM alerts FINAL WHERE startsWith(group_key, %s) ORDER BY started_at DESC LIMIT 1`, store.Quote(base+"|")))
	if err != nil {
		return nil, fmt.Errorf("alert: read state of %s: %w", base, err)
	}
	if len(res.Rows) == 0 || res.Rows[0][1] == notify.StateResolved {
		return nil, nil
	}
	r := res.Rows[0]
	rev, _ := strconv.Atoi(r[2])
	start, _ := strconv.ParseInt(r[3], 10, 64)
	end, _ := strconv.ParseInt(r[4], 10, 64)
	obs, _ := strconv.ParseFloat(r[5], 64)
	return &record{key: r[0], state: r[1], revision: rev, start: time.Unix(start, 0).UTC(), end: time.Unix(end, 0).UTC(), observed: obs, payload: r[6]}, nil
}

var alertColumns = []string{"group_key", "state", "revision", "brand", "metric", "time_window", "started_at", "ended_at",
	"observed", "expected", "score", "summary", "payload", "updated_at"}

// record writes one state change with everything an alert says.
func (j *Job) record(ctx context.Context, brand, metric string, w time.Duration, state string, revision int, ep *detect.Episode, key string) error {
	winEnd := ep.End.Add(w)
	c, err := describe(ctx, j.Store, brand, metric, ep.End, winEnd)
	if err != nil {
		return err
	}
	a := notify.Alert{
		GroupKey: key, State: state, Brand: brand, Metric: metric, Window: w.String(),
		Start: ep.Start, End: winEnd, Observed: ep.Peak.Count, Expected: ep.Peak.Expected, Score: ep.Peak.Score,
		Sentiment:    notify.Sentiment{Positive: c.Positive, Neutral: c.Neutral, Negative: c.Negative, NegativeBefore: c.NegativeBefore},
		TopTerms:     c.Terms,
		DashboardURL: j.dashboard(brand, ep.Start.Add(-6*w), winEnd.Add(w)),
	}
	for _, m := range c.Top {
		a.TopMentions = append(a.TopMentions, notify.Mention{Network: m.Network, Author: m.Author, Text: m.Text, URL: m.URL, Reach: m.Reach})
	}
	for _, n := range c.Networks {
		a.TopNetworks = append(a.TopNetworks, notify.Count{Name: n.Name, N: n.N})
	}
	payload, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("alert: encode %s: %w", key, err)
	}
	row := []any{key, state, uint32(revision), brand, metric, w.String(), ep.Start, winEnd,
		a.Observed, a.Expected, a.Score, a.Summary(), string(payload), j.Now().UTC()}
	if err := j.Store.Insert(ctx, "alerts", alertColumns, [][]any{row}, ""); err != nil {
		return fmt.Errorf("alert: record %s %s: %w", key, state, err)
	}
	j.Log.Info("alert "+state, "brand", brand, "metric", metric, "window", w, "summary", a.Summary())
	return nil
}

func (j *Job) dashboard(brand string, from, to time.Time) string {
	if j.Cfg.DashboardURL == "" {
		return ""
	}
	u, err := url.Parse(j.Cfg.DashboardURL)
	if err != nil {
		return j.Cfg.DashboardURL
	}
	q := u.Query()
	q.Set("from", strconv.FormatInt(from.UnixMilli(), 10))
	q.Set("to", strconv.FormatInt(to.UnixMilli(), 10))
	q.Set("var-brand", brand)
	u.RawQuery = q.Encode()
	return u.String()
}

var deliveryColumns = []string{"group_key", "state", "revision", "channel", "delivered_at", "attempts", "error"}

// deliver sends every recent alert state a channel has not received: the
// deliveries table, not memory, says what was sent, so a restart sends
// nothing twice and a crash before sending sends it late rather than never.
func (j *Job) deliver(ctx context.Context, now time.Time) error {
	if len(j.Notifiers) == 0 {
		return nil
	}
	res, err := j.Store.Query(ctx, fmt.Sprintf(`SELECT a.group_key, a.state, a.revision, a.payload, d.channel
FROM (SELECT group_key, state, revision, payload FROM alerts WHERE updated_at >= toDateTime64('%s', 3, 'UTC')) AS a
LEFT JOIN (SELECT group_key, state, revision, channel FROM alert_deliveries WHERE error = '') AS d
USING (group_key, state, revision)
ORDER BY a.group_key, a.revision`, now.Add(-24*time.Hour).UTC().Format(sqlTime)))
	if err != nil {
		return fmt.Errorf("alert: read pending deliveries: %w", err)
	}
	type stateKey struct{ key, state, revision string }
	sent := map[stateKey]map[string]bool{}
	payloads := map[stateKey]string{}
	var order []stateKey
	for _, r := range res.Rows {
		k := stateKey{r[0], r[1], r[2]}
		if _, ok := payloads[k]; !ok {
			order = append(order, k)
			sent[k] = map[string]bool{}
		}
		payloads[k] = r[3]
		sent[k][r[4]] = r[4] != ""
	}
	for _, k := range order {
		var a notify.Alert
		if err := json.Unmarshal([]byte(payloads[k]), &a); err != nil {
			return fmt.Errorf("alert: decode stored alert %s: %w", k.key, err)
		}
		rev, _ := strconv.Atoi(k.revision)
		for _, n := range j.Notifiers {
			if sent[k][n.Name()] {
				continue
			}
			errText := ""
			if err := n.Notify(ctx, a); err != nil {
				errText = err.Error()
				j.Log.Error("alert delivery failed", "channel", n.Name(), "alert", k.key, "err", err)
			}
			row := []any{k.key, k.state, uint32(rev), n.Name(), j.Now().UTC(), uint16(1), errText}
			if err := j.Store.Insert(ctx, "alert_deliveries", deliveryColumns, [][]any{row}, ""); err != nil {
				return fmt.Errorf("alert: record delivery of %s to %s: %w", k.key, n.Name(), err)
			}
		}
	}
	return nil
}
