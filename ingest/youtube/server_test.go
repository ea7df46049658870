package youtube

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const apiKey = "AIzaTestKey-0123456789"

// fakeYouTube answers as the YouTube Data API v3 documents: channels,
// playlistItems, videos and commentThreads lists in their resource
// shapes, counters as strings, opaque page tokens, and errors in
// Google's {"error": {"code", "message", "errors": [...]}} body.
type fakeYouTube struct {
	t        *testing.T
	srv      *httptest.Server
	base     string
	pageSize int

	mu       sync.Mutex
	channel  fakeChannel
	videos   []*fakeVideo
	disabled map[string]bool // videos with comments turned off
	faults   []fault
	log      []string // endpoint of every request, in order
}

type fakeChannel struct {
	id, uploads string
	subscribers uint64
	hidden      bool
}

type fakeVideo struct {
	id, channel, title, description string
	published                       time.Time
	views, likes                    uint64
	own                             bool
	comments                        []fakeComment
}

type fakeComment struct {
	id, author, authorChannel, text string
	published                       time.Time
	likes, replies                  uint64
}

type fault struct {
	endpoint string
	answer   func(w http.ResponseWriter)
}

func newFakeYouTube(t *testing.T) *fakeYouTube {
	f := &fakeYouTube{t: t, pageSize: 2, disabled: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.base = f.srv.URL + "/youtube/v3"
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeYouTube) inject(fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fs...)
}

func (f *fakeYouTube) addComment(video string, c fakeComment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.videos {
		if v.id == video {
			v.comments = append(v.comments, c)
			return
		}
	}
	f.t.Fatalf("no video %s", video)
}

func (f *fakeYouTube) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

func (f *fakeYouTube) count(endpoint string) int {
	n := 0
	for _, e := range f.requests() {
		if e == endpoint {
			n++
		}
	}
	return n
}

func (f *fakeYouTube) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ep := strings.TrimPrefix(r.URL.Path, "/youtube/v3/")
	f.log = append(f.log, ep)
	for i, fl := range f.faults {
		if fl.endpoint == ep {
			f.faults = slices.Delete(f.faults, i, i+1)
			fl.answer(w)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	q := r.URL.Query()
	if q.Has("key") {
		f.t.Errorf("%s: API key in the URL", ep)
	}
	if r.Header.Get("X-Goog-Api-Key") != apiKey {
		googleError(w, 400, "badRequest", "global", "API key not valid. Please pass a valid API key.")
		return
	}
	switch ep {
	case "channels":
		f.channels(w, r)
	case "playlistItems":
		f.playlistItems(w, r)
	case "videos":
		f.videoList(w, r)
	case "commentThreads":
		f.commentThreads(w, r)
	default:
		googleError(w, 404, "notFound", "global", "Not Found")
	}
}

func (f *fakeYouTube) channels(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("part") != "contentDetails,statistics" {
		f.t.Errorf("channels part=%q", q.Get("part"))
	}
	var items []any
	if q.Get("id") == f.channel.id {
		items = append(items, map[string]any{
			"kind": "youtube#channel", "etag": "ch-etag", "id": f.channel.id,
			"contentDetails": map[string]any{"relatedPlaylists": map[string]any{"likes": "", "uploads": f.channel.uploads}},
			"statistics": map[string]any{
				"viewCount": "998877", "subscriberCount": strconv.FormatUint(f.channel.subscribers, 10),
				"hiddenSubscriberCount": f.channel.hidden, "videoCount": strconv.Itoa(len(f.videos)),
			},
		})
	}
	writeJSON(w, map[string]any{"kind": "youtube#channelListResponse", "etag": "cl-etag",
		"pageInfo": map[string]any{"totalResults": len(items), "resultsPerPage": 5}, "items": orEmpty(items)})
}

func (f *fakeYouTube) playlistItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("playlistId") != f.channel.uploads {
		googleError(w, 404, "playlistNotFound", "youtube.playlistItem", "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.")
		return
	}
	var own []*fakeVideo
	for _, v := range f.videos {
		if v.own {
			own = append(own, v)
		}
	}
	// The uploads playlist lists the newest upload first.
	slices.SortFunc(own, func(a, b *fakeVideo) int { return b.published.Compare(a.published) })
	start, end, next := f.page(q.Get("pageToken"), len(own))
	items := make([]any, 0, end-start)
	for i, v := range own[start:end] {
		items = append(items, map[string]any{
			"kind": "youtube#playlistItem", "etag": "pi-etag", "id": fmt.Sprintf("UExpitem%d", start+i),
			"contentDetails": map[string]any{"videoId": v.id, "videoPublishedAt": v.published.Format(time.RFC3339)},
		})
	}
	f.writeList(w, "youtube#playlistItemListResponse", items, next, len(own))
}

func (f *fakeYouTube) videoList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ids := strings.Split(q.Get("id"), ",")
	if len(ids) > 50 {
		googleError(w, 400, "badRequest", "youtube.parameter", "too many ids")
		return
	}
	var items []any
	for _, id := range ids {
		for _, v := range f.videos {
			if v.id != id {
				continue
			}
			items = append(items, map[string]any{
				"kind": "youtube#video", "etag": "v-etag", "id": v.id,
				"snippet": map[string]any{
					"publishedAt": v.published.Format(time.RFC3339), "channelId": v.channel, "title": v.title,
					"description": v.description, "channelTitle": "Acme", "categoryId": "28",
					"liveBroadcastContent": "none", "tags": []string{"acme"},
					"thumbnails": map[string]any{"default": map[string]any{"url": "https://i.ytimg.com/vi/" + v.id + "/default.jpg", "width": 120, "height": 90}},
					"localized":  map[string]any{"title": v.title, "description": v.description},
				},
				"statistics": map[string]any{
					"viewCount": strconv.FormatUint(v.views, 10), "likeCount": strconv.FormatUint(v.likes, 10),
					"favoriteCount": "0", "commentCount": strconv.Itoa(len(v.comments)),
				},
			})
		}
	}
	writeJSON(w, map[string]any{"kind": "youtube#videoListResponse", "etag": "vl-etag",
		"pageInfo": map[string]any{"totalResults": len(items), "resultsPerPage": len(items)}, "items": orEmpty(items)})
}

func (f *fakeYouTube) commentThreads(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("part") != "snippet" || q.Get("order") != "time" || q.Get("maxResults") != "100" || q.Get("textFormat") != "plainText" {
		f.t.Errorf("commentThreads %s: want part=snippet, order=time, maxResults=100, textFormat=plainText", r.URL.RawQuery)
	}
	type hit struct {
		v *fakeVideo
		c fakeComment
	}
	var hits []hit
	switch {
	case q.Has("videoId"):
		vid := q.Get("videoId")
		if f.disabled[vid] {
			googleError(w, 403, "commentsDisabled", "youtube.commentThread", "The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">videoId</a></code> parameter has disabled comments.")
			return
		}
		i := slices.IndexFunc(f.videos, func(v *fakeVideo) bool { return v.id == vid })
		if i < 0 {
			googleError(w, 404, "videoNotFound", "youtube.commentThread", "The video identified by the videoId parameter could not be found.")
			return
		}
		for _, c := range f.videos[i].comments {
			hits = append(hits, hit{f.videos[i], c})
		}
	case q.Get("allThreadsRelatedToChannelId") == f.channel.id:
		for _, v := range f.videos {
			if v.channel == f.channel.id {
				for _, c := range v.comments {
					hits = append(hits, hit{v, c})
				}
			}
		}
	default:
		googleError(w, 400, "missingRequiredParameter", "youtube.parameter", "No filter selected.")
		return
	}
	// order=time: newest first.
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(b.c.published.Compare(a.c.published), cmp.Compare(b.c.id, a.c.id)) })
	start, end, next := f.page(q.Get("pageToken"), len(hits))
	items := make([]any, 0, end-start)
	for _, h := range hits[start:end] {
		items = append(items, map[string]any{
			"kind": "youtube#commentThread", "etag": "ct-etag", "id": h.c.id,
			"snippet": map[string]any{
				"channelId": h.v.channel, "videoId": h.v.id, "canReply": true, "isPublic": true,
				"totalReplyCount": h.c.replies,
				"topLevelComment": map[string]any{
					"kind": "youtube#comment", "etag": "c-etag", "id": h.c.id,
					"snippet": map[string]any{
						"channelId": h.v.channel, "videoId": h.v.id,
						"textDisplay": h.c.text, "textOriginal": h.c.text,
						"authorDisplayName": h.c.author, "authorProfileImageUrl": "https://yt3.ggpht.com/x",
						"authorChannelUrl": "http://www.youtube.com/" + h.c.author,
						"authorChannelId":  map[string]any{"value": h.c.authorChannel},
						"canRate":          true, "viewerRating": "none", "likeCount": h.c.likes,
						"publishedAt": h.c.published.Format(time.RFC3339), "updatedAt": h.c.published.Format(time.RFC3339),
					},
				},
			},
		})
	}
	f.writeList(w, "youtube#commentThreadListResponse", items, next, len(hits))
}

// page reads an opaque page token (base64 of an offset, as opaque as
// YouTube's) and returns the slice bounds and the next token.
func (f *fakeYouTube) page(token string, n int) (start, end int, next string) {
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			f.t.Errorf("page token %q is not one of ours", token)
		}
		start, _ = strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
	}
	start = min(start, n)
	end = min(start+f.pageSize, n)
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return start, end, next
}

func (f *fakeYouTube) writeList(w http.ResponseWriter, kind string, items []any, next string, total int) {
	body := map[string]any{"kind": kind, "etag": "l-etag",
		"pageInfo": map[string]any{"totalResults": total, "resultsPerPage": f.pageSize}, "items": orEmpty(items)}
	if next != "" {
		body["nextPageToken"] = next
	}
	writeJSON(w, body)
}

func orEmpty(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}

func googleError(w http.ResponseWriter, code int, reason, domain, message string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	writeJSON(w, map[string]any{"error": map[string]any{
		"code": code, "message": message,
		"errors": []any{map[string]any{"message": message, "domain": domain, "reason": reason}},
	}})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Write(b)
}
