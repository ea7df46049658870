package mastodon

import (
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// Network is the network name on every event this collector makes, and
// the prefix of its event ids.
const Network = "mastodon"

// maxText is the event schema's limit on a mention's text, in characters.
const maxText = 100000

// nativeID names a status by the instance it was read from: ids are local
// to an instance, so the same post read from two instances is two items.
func (s *Source) nativeID(id string) string { return s.host + "/" + id }

func (s *Source) mention(st status, collected time.Time) (event.Envelope, error) {
	c := parseContent(st.Content)
	text := c.Text
	if st.SpoilerText != "" {
		// A content warning is part of what was said, and often the part
		// that names the brand.
		text = strings.TrimSpace(st.SpoilerText + "\n\n" + text)
	}
	m := event.Mention{
		Network:   Network,
		NativeID:  s.nativeID(st.ID),
		Kind:      event.KindPost,
		URL:       statusURL(st),
		Author:    s.author(st.Account),
		Text:      ingest.Truncate(text, maxText),
		Lang:      ingest.PrimaryLang(deref(st.Language)),
		Likes:     count(st.FavouritesCount),
		Shares:    count(st.ReblogsCount),
		Comments:  count(st.RepliesCount),
		CreatedAt: st.CreatedAt.UTC(),
	}
	if id := deref(st.InReplyToID); id != "" {
		m.Kind = event.KindReply
		m.ParentID = s.nativeID(id)
	}
	return event.Wrap(event.SchemaMention, event.ID(Network, m.NativeID), s.cfg.Name, collected, m)
}

func (s *Source) postMetrics(st status, acct string, observed time.Time) (event.Envelope, error) {
	campaign := s.cfg.Campaign
	if campaign == "" {
		// A post's campaign is what its main (first) link was tagged
		// with; later links are usually references.
		var link string
		if links := parseContent(st.Content).Links; len(links) > 0 {
			link = links[0]
		} else if st.Card != nil {
			link = st.Card.URL
		}
		campaign = ingest.CampaignFromURL(link)
	}
	pm := event.PostMetrics{
		Network:     Network,
		Account:     acct,
		PostID:      s.nativeID(st.ID),
		URL:         statusURL(st),
		Campaign:    campaign,
		PublishedAt: st.CreatedAt.UTC(),
		ObservedAt:  observed.UTC(),
		Likes:       count(st.FavouritesCount),
		Shares:      count(st.ReblogsCount),
		Comments:    count(st.RepliesCount),
	}
	// One event per observation: later ones replace earlier ones in the
	// store, which keeps the newest observed_at per post.
	id := event.ID(Network, pm.PostID+"@"+stamp(observed))
	return event.Wrap(event.SchemaPostMetrics, id, s.cfg.Name, observed, pm)
}

func (s *Source) audience(a account, observed time.Time) (event.Envelope, error) {
	as := event.AudienceSnapshot{
		Network:    Network,
		Account:    s.fullAcct(a.Acct),
		Followers:  count(a.FollowersCount),
		ObservedAt: observed.UTC(),
	}
	id := event.ID(Network, as.Account+"/followers@"+stamp(observed))
	return event.Wrap(event.SchemaAudience, id, s.cfg.Name, observed, as)
}

func (s *Source) author(a account) event.Author {
	full := s.fullAcct(a.Acct)
	return event.Author{
		ID:        full,
		Handle:    ingest.Truncate("@"+full, 256),
		Name:      ingest.Truncate(a.DisplayName, 512),
		Followers: count(a.FollowersCount),
	}
}

// fullAcct qualifies a local account's acct with the instance's domain, so
// an author is named the same whichever instance the status came from.
func (s *Source) fullAcct(acct string) string {
	if strings.Contains(acct, "@") {
		return acct
	}
	return acct + "@" + s.domain
}

func statusURL(st status) string {
	if u := deref(st.URL); u != "" {
		return u
	}
	return st.URI
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405.000") }

func count(n int64) uint64 { return uint64(max(n, 0)) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func isReblog(st status) bool {
	return len(st.Reblog) > 0 && string(st.Reblog) != "null"
}
