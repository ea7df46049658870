package enrich

import (
	"math"
	"net/url"
	"strings"

	"github.com/earshot-dev/earshot/event"
)

// ReachStep sets potential reach: the author's followers when the source
// reports them; otherwise, for web mentions, the site's monthly visits
// times the visibility ratio (Brand24's estimate for articles), the site
// found by the mention's site, else its URL host, trying parent domains
// (a.news.example.com, news.example.com, example.com).
type ReachStep struct {
	sites map[string]uint64 // bare lower-case domain → reach of one article
}

// NewReachStep precomputes each configured site's article reach.
func NewReachStep(c ReachConf) *ReachStep {
	s := &ReachStep{sites: make(map[string]uint64, len(c.Sites))}
	for _, site := range c.Sites {
		if d := bareDomain(site.Domain); d != "" {
			s.sites[d] = uint64(math.Round(float64(site.MonthlyVisits) * c.VisibilityRatio))
		}
	}
	return s
}

func (*ReachStep) Name() string { return StepReach }

// Apply sets Out.Reach and Out.ReachBasis; both stay empty when neither
// followers nor a known site apply.
func (s *ReachStep) Apply(d *Doc) error {
	m := &d.Out.Mention
	if m.Author.Followers > 0 {
		d.Out.Reach, d.Out.ReachBasis = m.Author.Followers, event.ReachFollowers
		return nil
	}
	d.Out.Reach, d.Out.ReachBasis = 0, ""
	if len(s.sites) == 0 {
		return nil
	}
	if r, ok := s.lookup(bareDomain(m.Site)); ok {
		d.Out.Reach, d.Out.ReachBasis = r, event.ReachSiteVisits
	} else if r, ok := s.lookup(bareDomain(m.URL)); ok {
		d.Out.Reach, d.Out.ReachBasis = r, event.ReachSiteVisits
	}
	return nil
}

// lookup finds host or its nearest configured parent domain.
func (s *ReachStep) lookup(host string) (uint64, bool) {
	for host != "" {
		if r, ok := s.sites[host]; ok {
			return r, true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return 0, false
}

// bareDomain reduces a site or URL to its lower-case host without
// "www.", port or trailing dot: "https://WWW.Example.com:443/a" →
// "example.com". Anything without a host gives "".
func bareDomain(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return ""
		}
		s = u.Hostname()
	} else {
		if i := strings.IndexAny(s, "/?#"); i >= 0 {
			s = s[:i]
		}
		if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s, "]") {
			s = s[:i]
		}
	}
	s = strings.TrimSuffix(strings.ToLower(s), ".")
	s = strings.TrimPrefix(s, "www.")
	return s
}
