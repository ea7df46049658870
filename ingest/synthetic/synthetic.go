// Package synthetic is a collector that makes realistic social traffic for
// configured brands: several networks, a mix of praise, complaints and
// questions in English and Indonesian, authors with skewed follower counts,
// an injected mention spike, and own-post metrics and follower snapshots.
// It exists for demos, load tests and end-to-end tests; the same seed
// always gives the same stream.
package synthetic

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// Brand is a brand the generator talks about.
type Brand struct {
	Name     string
	Own      bool
	Keywords []string // how people refer to it; each post uses one
}

// Config shapes the stream.
type Config struct {
	Brands      []Brand
	Rate        float64       // mentions per second outside the spike
	Seed        uint64        // same seed, same ids and texts
	Limit       int           // stop after this many mentions; 0 = until ctx ends
	SpikeAfter  time.Duration // spike start, from Run's start
	SpikeFor    time.Duration
	SpikeFactor float64
	Now         func() time.Time // clock, for tests
}

// Source is the synthetic collector.
type Source struct {
	cfg     Config
	rng     *rand.Rand
	authors []author
	posts   []ownPost
	seq     int
}

type author struct {
	id, handle string
	followers  uint64
	network    string
}

type ownPost struct {
	network, id, campaign string
	published             time.Time
	impressions           uint64
}

// New returns a generator. Brands must name at least one brand.
func New(cfg Config) (*Source, error) {
	if len(cfg.Brands) == 0 {
		return nil, fmt.Errorf("synthetic: no brands to talk about")
	}
	if cfg.Rate <= 0 {
		return nil, fmt.Errorf("synthetic: rate %v must be above 0", cfg.Rate)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SpikeFactor < 1 {
		cfg.SpikeFactor = 1
	}
	s := &Source{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	s.authors = make([]author, 3000)
	for i := range s.authors {
		net := networks[s.rng.IntN(len(networks))]
		// Follower counts are heavy-tailed: most accounts are small, a few
		// are large, which is what makes reach differ from mention counts.
		f := uint64(math.Exp(s.rng.NormFloat64()*1.6 + 5.5))
		s.authors[i] = author{id: fmt.Sprintf("u%d", i), handle: handle(s.rng, i), followers: f, network: net.name}
	}
	return s, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return "synthetic" }

const tick = 50 * time.Millisecond

// Run implements ingest.Source.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	start := s.cfg.Now()
	t := time.NewTicker(tick)
	defer t.Stop()
	var carry float64
	var lastMetrics, lastAudience time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := s.cfg.Now()
		elapsed := now.Sub(start)
		spiking := s.cfg.SpikeFor > 0 && elapsed >= s.cfg.SpikeAfter && elapsed < s.cfg.SpikeAfter+s.cfg.SpikeFor
		rate := s.cfg.Rate
		if spiking {
			rate *= s.cfg.SpikeFactor
		}
		carry += rate * tick.Seconds()
		n := int(carry)
		carry -= float64(n)
		if s.cfg.Limit > 0 && s.seq+n > s.cfg.Limit {
			n = s.cfg.Limit - s.seq
		}
		envs := make([]event.Envelope, 0, n+16)
		for range n {
			env, err := s.mention(now, spiking)
			if err != nil {
				return err
			}
			envs = append(envs, env)
		}
		if now.Sub(lastMetrics) >= 5*time.Second {
			lastMetrics = now
			m, err := s.postMetrics(now)
			if err != nil {
				return err
			}
			envs = append(envs, m...)
		}
		if now.Sub(lastAudience) >= 10*time.Second {
			lastAudience = now
			a, err := s.audience(now, elapsed)
			if err != nil {
				return err
			}
			envs = append(envs, a...)
		}
		if err := pub.Publish(ctx, envs...); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("synthetic: %w", err)
		}
		if s.cfg.Limit > 0 && s.seq >= s.cfg.Limit {
			return nil
		}
	}
}

// Mentions returns the next n mentions without publishing them, for
// benchmarks and offline tests.
func (s *Source) Mentions(now time.Time, n int) ([]event.Envelope, error) {
	out := make([]event.Envelope, 0, n)
	for range n {
		env, err := s.mention(now, false)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

func (s *Source) mention(now time.Time, spiking bool) (event.Envelope, error) {
	s.seq++
	r := s.rng
	brand := s.pickBrand(spiking)
	var tpl template
	switch {
	case spiking && brand.Own && r.Float64() < 0.8:
		tpl = pick(r, outage)
	default:
		tpl = s.pickTemplate()
	}
	a := s.authors[r.IntN(len(s.authors))]
	other := s.cfg.Brands[r.IntN(len(s.cfg.Brands))]
	text := fill(tpl.text, ref(r, brand), ref(r, other))
	net := networkByName(a.network)
	m := event.Mention{
		Network:   net.name,
		NativeID:  fmt.Sprintf("s%d-%d", s.cfg.Seed, s.seq),
		Kind:      net.kind,
		Author:    event.Author{ID: a.network + ":" + a.id, Handle: a.handle, Followers: a.followers},
		Text:      text,
		Lang:      "",
		CreatedAt: now.Add(-time.Duration(r.IntN(3000)) * time.Millisecond).UTC(),
		Likes:     uint64(r.ExpFloat64() * float64(1+a.followers/200)),
		Shares:    uint64(r.ExpFloat64() * float64(1+a.followers/1000)),
		Comments:  uint64(r.ExpFloat64() * float64(1+a.followers/800)),
	}
	// Half the sources report a language, as Mastodon and Bluesky do.
	if net.reportsLang {
		m.Lang = tpl.lang
	}
	m.URL = fmt.Sprintf("https://%s/%s/%s", net.host, a.handle, m.NativeID)
	switch net.kind {
	case event.KindArticle:
		m.Title = strings.SplitN(text, ".", 2)[0]
		m.Site = net.host
		m.Author.Followers = 0
	case event.KindReview:
		rating := tpl.rating(r)
		m.Rating = &rating
		m.Title = firstWords(text, 5)
		m.Country = pick(r, []string{"us", "gb", "id", "au"})
	}
	return event.Wrap(event.SchemaMention, event.ID(s.Name(), m.NativeID), s.Name(), now, m)
}

func (s *Source) pickBrand(spiking bool) Brand {
	r := s.rng
	if spiking && r.Float64() < 0.7 {
		for _, b := range s.cfg.Brands {
			if b.Own {
				return b
			}
		}
	}
	// The own brand gets about 40% of the conversation, competitors share the rest.
	var own []Brand
	var rivals []Brand
	for _, b := range s.cfg.Brands {
		if b.Own {
			own = append(own, b)
		} else {
			rivals = append(rivals, b)
		}
	}
	if len(own) > 0 && (len(rivals) == 0 || r.Float64() < 0.4) {
		return own[r.IntN(len(own))]
	}
	return rivals[r.IntN(len(rivals))]
}

func (s *Source) pickTemplate() template {
	r := s.rng.Float64()
	switch {
	case r < 0.38:
		return pick(s.rng, praise)
	case r < 0.66:
		return pick(s.rng, complaints)
	case r < 0.84:
		return pick(s.rng, questions)
	default:
		return pick(s.rng, neutral)
	}
}

func (s *Source) postMetrics(now time.Time) ([]event.Envelope, error) {
	var own *Brand
	for i := range s.cfg.Brands {
		if s.cfg.Brands[i].Own {
			own = &s.cfg.Brands[i]
			break
		}
	}
	if own == nil {
		return nil, nil
	}
	// A new own post every observation round, up to a dozen live ones.
	if len(s.posts) < 12 {
		net := ownNetworks[len(s.posts)%len(ownNetworks)]
		s.posts = append(s.posts, ownPost{
			network: net, id: fmt.Sprintf("p%d-%d", s.cfg.Seed, len(s.posts)+1),
			campaign: pick(s.rng, []string{"black-friday", "launch-q4", "always-on"}), published: now,
		})
	}
	out := make([]event.Envelope, 0, len(s.posts))
	acct := strings.ToLower(strings.ReplaceAll(own.Name, " ", ""))
	for i := range s.posts {
		p := &s.posts[i]
		p.impressions += uint64(200 + s.rng.IntN(2000))
		imp := p.impressions
		reach := imp * uint64(60+s.rng.IntN(25)) / 100
		pm := event.PostMetrics{
			Network: p.network, Account: acct, PostID: p.id,
			URL:      fmt.Sprintf("https://%s.example/%s/%s?utm_source=%s&utm_medium=social&utm_campaign=%s", p.network, acct, p.id, p.network, p.campaign),
			Campaign: p.campaign, PublishedAt: p.published.UTC(), ObservedAt: now.UTC(),
			Impressions: imp, Reach: reach,
			Likes: reach * 4 / 100, Comments: reach / 200, Shares: reach / 150, Saves: reach / 300,
			Clicks: imp / 90, VideoViews: imp / 3,
		}
		env, err := event.Wrap(event.SchemaPostMetrics, event.ID(s.Name(), p.network+"-"+p.id+"-"+now.UTC().Format("20060102T150405.000")), s.Name(), now, pm)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

func (s *Source) audience(now time.Time, elapsed time.Duration) ([]event.Envelope, error) {
	var out []event.Envelope
	for i, b := range s.cfg.Brands {
		acct := strings.ToLower(strings.ReplaceAll(b.Name, " ", ""))
		for j, net := range ownNetworks {
			base := uint64(5000 * (i + 1) * (j + 2))
			grown := base + uint64(elapsed.Seconds()*float64(1+j)) + uint64(s.rng.IntN(5))
			a := event.AudienceSnapshot{Network: net, Account: acct, Followers: grown, ObservedAt: now.UTC()}
			id := event.ID(s.Name(), fmt.Sprintf("%s-%s-%s", net, acct, now.UTC().Format("20060102T150405.000")))
			env, err := event.Wrap(event.SchemaAudience, id, s.Name(), now, a)
			if err != nil {
				return nil, err
			}
			out = append(out, env)
		}
	}
	return out, nil
}

func ref(r *rand.Rand, b Brand) string {
	if len(b.Keywords) == 0 {
		return b.Name
	}
	kw := b.Keywords[r.IntN(len(b.Keywords))]
	// People write brand names capitalised more often than not.
	if !strings.HasPrefix(kw, "#") && !strings.HasPrefix(kw, "@") && r.IntN(3) > 0 {
		return strings.ToUpper(kw[:1]) + kw[1:]
	}
	return kw
}

func fill(tpl, brand, other string) string {
	return strings.NewReplacer("{b}", brand, "{o}", other).Replace(tpl)
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func handle(r *rand.Rand, i int) string {
	first := []string{"rina", "budi", "sarah", "mike", "ayu", "dewi", "john", "lena", "agus", "maria", "tom", "putri", "alex", "nina", "dimas"}
	return fmt.Sprintf("%s_%d", first[r.IntN(len(first))], i)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
