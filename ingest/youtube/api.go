package youtube

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest/fetch"
)

// count is a YouTube counter. The API sends its unsigned 64-bit numbers
// as JSON strings ("viewCount": "1234"); plain numbers are accepted too.
type count uint64

// UnmarshalJSON implements json.Unmarshaler.
func (c *count) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*c = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("count: %w", err)
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return fmt.Errorf("count %q: %w", s, err)
	}
	*c = count(n)
	return nil
}

// commentThreadList is commentThreads.list's answer.
type commentThreadList struct {
	NextPageToken string          `json:"nextPageToken"`
	Items         []commentThread `json:"items"`
}

type commentThread struct {
	ID      string `json:"id"`
	Snippet struct {
		ChannelID       string  `json:"channelId"`
		VideoID         string  `json:"videoId"`
		TopLevelComment comment `json:"topLevelComment"`
		TotalReplyCount count   `json:"totalReplyCount"`
	} `json:"snippet"`
}

type comment struct {
	ID      string `json:"id"`
	Snippet struct {
		VideoID           string `json:"videoId"`
		AuthorDisplayName string `json:"authorDisplayName"`
		AuthorChannelID   struct {
			Value string `json:"value"`
		} `json:"authorChannelId"`
		TextDisplay  string    `json:"textDisplay"`
		TextOriginal string    `json:"textOriginal"`
		LikeCount    count     `json:"likeCount"`
		PublishedAt  time.Time `json:"publishedAt"`
	} `json:"snippet"`
}

// channelList is channels.list with part=contentDetails,statistics.
type channelList struct {
	Items []struct {
		ID             string `json:"id"`
		ContentDetails struct {
			RelatedPlaylists struct {
				Uploads string `json:"uploads"`
			} `json:"relatedPlaylists"`
		} `json:"contentDetails"`
		Statistics struct {
			SubscriberCount       count `json:"subscriberCount"`
			HiddenSubscriberCount bool  `json:"hiddenSubscriberCount"`
		} `json:"statistics"`
	} `json:"items"`
}

// playlistItemList is playlistItems.list with part=contentDetails.
type playlistItemList struct {
	NextPageToken string `json:"nextPageToken"`
	Items         []struct {
		ContentDetails struct {
			VideoID          string `json:"videoId"`
			VideoPublishedAt string `json:"videoPublishedAt"`
		} `json:"contentDetails"`
	} `json:"items"`
}

// videoList is videos.list with part=statistics,snippet.
type videoList struct {
	Items []video `json:"items"`
}

type video struct {
	ID      string `json:"id"`
	Snippet struct {
		PublishedAt time.Time `json:"publishedAt"`
		ChannelID   string    `json:"channelId"`
		Title       string    `json:"title"`
		Description string    `json:"description"`
	} `json:"snippet"`
	Statistics struct {
		ViewCount    count `json:"viewCount"`
		LikeCount    count `json:"likeCount"`
		CommentCount count `json:"commentCount"`
	} `json:"statistics"`
}

// apiError is a non-2xx answer with the reason YouTube gave in its
// documented error body: {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}.
type apiError struct {
	Code    int
	Reason  string
	Message string
	err     *fetch.StatusError
}

func (e *apiError) Error() string {
	if e.Reason == "" {
		return e.err.Error()
	}
	return fmt.Sprintf("HTTP %d %s: %s", e.Code, e.Reason, e.Message)
}

func (e *apiError) Unwrap() error { return e.err }

// asAPIError reads the reason out of a StatusError's body. The body is
// cut at 1 KiB by the fetch client; an error body that no longer parses
// still names its reason, so that is looked for too.
func asAPIError(se *fetch.StatusError) *apiError {
	e := &apiError{Code: se.Code, err: se}
	var body struct {
		Error struct {
			Message string `json:"message"`
			Errors  []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(se.Body), &body) == nil {
		e.Message = body.Error.Message
		if len(body.Error.Errors) > 0 {
			e.Reason = body.Error.Errors[0].Reason
		}
		return e
	}
	for _, r := range append(slices.Clone(quotaReasons), "commentsDisabled", "videoNotFound", "channelNotFound", "playlistNotFound") {
		if strings.Contains(se.Body, `"`+r+`"`) {
			e.Reason = r
			break
		}
	}
	return e
}

// quotaReasons are the documented reasons that mean "stop for now": the
// daily quota or a per-minute rate is used up.
var quotaReasons = []string{"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded"}

// outOfQuota reports whether err means the API refuses work for now.
func outOfQuota(err error) bool {
	var e *apiError
	return errors.As(err, &e) && (slices.Contains(quotaReasons, e.Reason) || e.Code == http.StatusTooManyRequests)
}

func hasReason(err error, reason string) bool {
	var e *apiError
	return errors.As(err, &e) && e.Reason == reason
}
