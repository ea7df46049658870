package enrich

import (
	"fmt"
	"strings"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

// LangStep sets Out.Lang.
type LangStep struct{ Detector *LangDetector }

func (LangStep) Name() string { return StepLang }

func (s LangStep) Apply(d *Doc) error {
	d.Out.Lang = s.Detector.Detect(d.Text, d.Out.Mention.Lang)
	return nil
}

// NamedQuery is a topic or campaign: a name and its listening query.
type NamedQuery struct {
	Name  string `koanf:"name"`
	Query string `koanf:"query"`
}

// MatchStep runs every brand, topic and campaign query through one
// compiled matcher, so a mention is tokenized and scanned once however
// many queries are loaded.
type MatchStep struct {
	m     *query.Matcher
	roles map[string]string
	order map[string]int // configuration order, for stable output
}

// Prefixes keep brands, topics and campaigns apart inside one matcher.
const (
	brandPrefix    = "brand\x00"
	topicPrefix    = "topic\x00"
	campaignPrefix = "campaign\x00"
)

// NewMatchStep parses and compiles the queries; an error names the brand,
// topic or campaign and the position in its query.
func NewMatchStep(brands []BrandQuery, topics, campaigns []NamedQuery) (*MatchStep, error) {
	s := &MatchStep{roles: map[string]string{}, order: map[string]int{}}
	named := map[string]query.Node{}
	add := func(what, prefix, name, src string) error {
		n, err := query.Parse(src)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, name, err)
		}
		named[prefix+name] = n
		s.order[prefix+name] = len(s.order)
		return nil
	}
	for _, b := range brands {
		if err := add("brand", brandPrefix, b.Name, b.Source()); err != nil {
			return nil, err
		}
		s.roles[b.Name] = b.Role
	}
	for _, t := range topics {
		if err := add("topic", topicPrefix, t.Name, t.Query); err != nil {
			return nil, err
		}
	}
	for _, c := range campaigns {
		if err := add("campaign", campaignPrefix, c.Name, c.Query); err != nil {
			return nil, err
		}
	}
	m, err := query.Compile(named)
	if err != nil {
		return nil, fmt.Errorf("compile listening queries: %w", err)
	}
	s.m = m
	return s, nil
}

func (*MatchStep) Name() string { return StepMatch }

// Apply sets Out.Brands, Out.Topics and Out.Campaigns, each in
// configuration order.
func (s *MatchStep) Apply(d *Doc) error {
	names := s.m.Match(d.Query())
	for i := 1; i < len(names); i++ { // few matches per mention: insertion sort
		for j := i; j > 0 && s.order[names[j]] < s.order[names[j-1]]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	d.Out.Brands = make([]event.BrandMatch, 0, len(names))
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, brandPrefix):
			b := strings.TrimPrefix(n, brandPrefix)
			d.Out.Brands = append(d.Out.Brands, event.BrandMatch{Name: b, Role: s.roles[b]})
		case strings.HasPrefix(n, topicPrefix):
			d.Out.Topics = append(d.Out.Topics, strings.TrimPrefix(n, topicPrefix))
		case strings.HasPrefix(n, campaignPrefix):
			d.Out.Campaigns = append(d.Out.Campaigns, strings.TrimPrefix(n, campaignPrefix))
		}
	}
	return nil
}
