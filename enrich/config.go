package enrich

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/ingest"
)

// Step names, as enrich.steps lists them.
const (
	StepExclude   = "exclude"   // drop mentions by configured authors or domains
	StepLang      = "lang"      // language: the source's, else detected
	StepMatch     = "match"     // brands, topics and campaigns
	StepSentiment = "sentiment" // overall and per-brand sentiment
	StepIntent    = "intent"    // intent, needs_response, crisis, own_author
	StepExtract   = "extract"   // hashtags, handles, links + UTM, emojis, keywords
	StepEntities  = "entities"  // named entities (prose); off by default, slow
	StepSpam      = "spam"      // bot/spam score
	StepDedup     = "dedup"     // exact and near-duplicate clusters
	StepReach     = "reach"     // potential reach
)

// Config is the enrich section of the configuration.
type Config struct {
	// Languages the detector may answer (ISO 639-1) when a source
	// reports none.
	Languages []string `koanf:"languages"`
	// Steps in the order they run. lang must come before the steps that
	// read the language (match, sentiment, intent, extract).
	Steps     []string     `koanf:"steps"`
	Topics    []NamedQuery `koanf:"topics"`    // named listening queries for themes
	Campaigns []NamedQuery `koanf:"campaigns"` // named listening queries for campaigns
	// Crisis terms: listening queries (a word, a "phrase", anything the
	// query language allows); a mention matching any is flagged crisis.
	Crisis []string `koanf:"crisis"`
	// OwnHandles are the own accounts' handles on every network: their
	// posts are not complaints to answer, and their replies answer them.
	OwnHandles []string  `koanf:"own_handles"`
	Exclude    Exclude   `koanf:"exclude"`
	Dedup      Dedup     `koanf:"dedup"`
	Spam       Spam      `koanf:"spam"`
	Reach      ReachConf `koanf:"reach"`
}

// Exclude lists what never counts as a mention.
type Exclude struct {
	Authors []string `koanf:"authors"` // handles or author ids, case-insensitive
	Domains []string `koanf:"domains"` // sites; subdomains are excluded too
}

// Dedup configures duplicate detection.
type Dedup struct {
	Window   time.Duration `koanf:"window"`   // how long a mention can be repeated and still be a duplicate
	Distance int           `koanf:"distance"` // SimHash bits that may differ for a near duplicate (0–16)
	// MaxEntries bounds the mentions kept for comparison (about 220 bytes
	// each); the oldest leave first when a busy window would exceed it.
	MaxEntries int `koanf:"max_entries"`
}

// Spam configures the bot/spam score.
type Spam struct {
	// Threshold above which a mention counts as spam in dashboards; the
	// score itself is always stored.
	Threshold float64 `koanf:"threshold"`
}

// ReachConf configures potential reach for web sources without followers.
type ReachConf struct {
	// Sites maps a domain to its monthly visits (from a traffic tool).
	Sites []SiteVisits `koanf:"sites"`
	// VisibilityRatio is the share of monthly visits an article is
	// assumed to reach.
	VisibilityRatio float64 `koanf:"visibility_ratio"`
}

// SiteVisits is one domain's monthly visits.
type SiteVisits struct {
	Domain        string `koanf:"domain"`
	MonthlyVisits uint64 `koanf:"monthly_visits"`
}

// DefaultSteps is every step but entities, which costs more than all the
// others together.
func DefaultSteps() []string {
	return []string{StepExclude, StepLang, StepMatch, StepSentiment, StepIntent, StepExtract, StepSpam, StepDedup, StepReach}
}

// DefaultConfig enriches with every fast step.
func DefaultConfig() Config {
	return Config{
		Languages: []string{"en", "id", "es", "pt", "fr", "de"},
		Steps:     DefaultSteps(),
		Dedup:     Dedup{Window: 24 * time.Hour, Distance: 3, MaxEntries: 500_000},
		Spam:      Spam{Threshold: 0.7},
		Reach:     ReachConf{VisibilityRatio: 0.01},
	}
}

// Validate reports every setting that cannot work; keys are relative to
// the enrich section.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix}) }
	known := append(DefaultSteps(), StepEntities)
	seen := map[string]bool{}
	for i, s := range c.Steps {
		key := fmt.Sprintf("steps[%d]", i)
		switch {
		case !slices.Contains(known, s):
			add(key, s, "use one of "+strings.Join(known, ", "))
		case seen[s]:
			add(key, s, "list each step once")
		}
		seen[s] = true
	}
	if len(c.Steps) > 0 && !slices.Contains(c.Steps, StepLang) {
		add("steps", c.Steps, "include lang: matching, sentiment and intent need the language")
	}
	if i, j := slices.Index(c.Steps, StepLang), slices.Index(c.Steps, StepMatch); i >= 0 && j >= 0 && j < i {
		add("steps", c.Steps, "put lang before match: lang: filters need the language")
	}
	names := map[string]bool{}
	for kind, qs := range map[string][]NamedQuery{"topics": c.Topics, "campaigns": c.Campaigns} {
		for i, q := range qs {
			key := fmt.Sprintf("%s[%d]", kind, i)
			if strings.TrimSpace(q.Name) == "" {
				add(key+".name", `""`, "give every "+strings.TrimSuffix(kind, "s")+" a name")
			} else if names[kind+q.Name] {
				add(key+".name", q.Name, "names must be unique")
			}
			names[kind+q.Name] = true
			if _, err := query.Parse(q.Query); err != nil {
				add(key+".query", q.Query, err.Error()+" (check it with 'earshot query check')")
			}
		}
	}
	for i, t := range c.Crisis {
		if _, err := query.Parse(t); err != nil {
			add(fmt.Sprintf("crisis[%d]", i), t, err.Error()+" (check it with 'earshot query check')")
		}
	}
	if c.Dedup.Window < 0 {
		add("dedup.window", c.Dedup.Window, "use a duration such as 24h")
	}
	if c.Dedup.Distance < 0 || c.Dedup.Distance > 16 {
		add("dedup.distance", c.Dedup.Distance, "use 0 (exact copies only) to 16; 3 suits reposts with a word changed")
	}
	if c.Dedup.MaxEntries < 0 {
		add("dedup.max_entries", c.Dedup.MaxEntries, "use a positive count such as 500000 (about 110 MB)")
	}
	if c.Spam.Threshold < 0 || c.Spam.Threshold > 1 {
		add("spam.threshold", c.Spam.Threshold, "use a score between 0 and 1, e.g. 0.7")
	}
	if c.Reach.VisibilityRatio < 0 || c.Reach.VisibilityRatio > 1 {
		add("reach.visibility_ratio", c.Reach.VisibilityRatio, "use a share between 0 and 1, e.g. 0.01")
	}
	for i, d := range c.Exclude.Domains {
		if configDomain(d) == "" {
			add(fmt.Sprintf("exclude.domains[%d]", i), d, "use a domain such as spam.example.com (a URL or a leading '.' is fine too)")
		}
	}
	for i, s := range c.Reach.Sites {
		if strings.TrimSpace(s.Domain) == "" || strings.Contains(s.Domain, "/") {
			add(fmt.Sprintf("reach.sites[%d].domain", i), s.Domain, "use a bare domain such as news.example.com")
		}
	}
	return ps
}

// Build makes the configured steps. brands are the listening queries of
// the top-level brands section.
func (c Config) Build(brands []BrandQuery) ([]Step, error) {
	steps := make([]Step, 0, len(c.Steps))
	for _, name := range c.Steps {
		var s Step
		switch name {
		case StepLang:
			s = LangStep{Detector: NewLangDetector(c.Languages)}
		case StepMatch:
			m, err := NewMatchStep(brands, c.Topics, c.Campaigns)
			if err != nil {
				return nil, err
			}
			s = m
		case StepSentiment:
			sc, err := NewScorer()
			if err != nil {
				return nil, err
			}
			// Per-brand sentiment matches sentences with the match step
			// listed before this one; without it brands get the overall score.
			s = SentimentStep{Scorer: sc, Match: matchStepIn(steps)}
		case StepSpam:
			s = SpamStep{}
		case StepDedup:
			s = NewDedupStep(c.Dedup)
		case StepReach:
			s = NewReachStep(c.Reach)
		case StepExclude:
			s = NewExcludeStep(c.Exclude)
		case StepIntent:
			in, err := NewIntentStep(c.Crisis, c.OwnHandles)
			if err != nil {
				return nil, err
			}
			s = in
		case StepExtract:
			ex, err := NewExtractStep()
			if err != nil {
				return nil, err
			}
			s = ex
		case StepEntities:
			// prose's model is English; other languages would get noise.
			s = NewEntitiesStep("en")
		default:
			return nil, fmt.Errorf("enrich.steps: unknown step %q: use one of %s", name, strings.Join(append(DefaultSteps(), StepEntities), ", "))
		}
		steps = append(steps, s)
	}
	return steps, nil
}
