package rss

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

const (
	// maxSeen bounds the checkpoint: ~17 bytes per item, so under 100 KiB.
	maxSeen = 5000
	// resurfaceHorizon: an unknown item dated this long before the newest
	// item ever seen is taken as an old one the feed brought back (a
	// re-sorted feed, an edit), not as news. Backdated posts are rarely
	// older than this.
	resurfaceHorizon = 72 * time.Hour
)

// cursor is what a feed's checkpoint holds: the validators for the next
// conditional GET, and which items were already published.
type cursor struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Newest       time.Time `json:"newest,omitzero"`
	// Seen are short hashes of the native ids published, the feed's current
	// items first: feeds drop old items, so the oldest hashes go first.
	Seen []string `json:"seen,omitempty"`
}

func (c cursor) same(o cursor) bool {
	return c.ETag == o.ETag && c.LastModified == o.LastModified && c.Newest.Equal(o.Newest) && slices.Equal(c.Seen, o.Seen)
}

func (c cursor) seenSet() map[string]bool {
	m := make(map[string]bool, len(c.Seen))
	for _, h := range c.Seen {
		m[h] = true
	}
	return m
}

// remember appends the previously seen hashes not in the current feed
// after the current ones, up to maxSeen.
func (c *cursor) remember(prev []string, current map[string]bool) {
	for _, h := range prev {
		if len(c.Seen) >= maxSeen {
			break
		}
		if !current[h] {
			c.Seen = append(c.Seen, h)
		}
	}
	if len(c.Seen) > maxSeen {
		c.Seen = c.Seen[:maxSeen]
	}
}

func seenHash(nativeID string) string {
	sum := sha256.Sum256([]byte(nativeID))
	return hex.EncodeToString(sum[:8])
}
