package enrich

import (
	"strings"
)

// ExcludeStep drops mentions by configured authors or from configured
// sites (and their subdomains), returning *ExcludedError. Lookups are map
// hits on a lower-cased copy in a stack buffer: a kept mention costs no
// allocation.
type ExcludeStep struct {
	authors handleSet
	domains map[string]struct{} // lower case, without "www."
}

// NewExcludeStep normalizes the configured lists once.
func NewExcludeStep(c Exclude) *ExcludeStep {
	s := &ExcludeStep{authors: newHandleSet(c.Authors), domains: map[string]struct{}{}}
	for _, d := range c.Domains {
		if d = configDomain(d); d != "" {
			s.domains[d] = struct{}{}
		}
	}
	return s
}

// configDomain accepts what people paste: a bare domain, a URL, a leading
// "www." or a trailing dot.
func configDomain(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	return strings.TrimPrefix(linkHost(d), "www.")
}

// Name implements Step.
func (*ExcludeStep) Name() string { return StepExclude }

// Apply returns *ExcludedError for an excluded author or site.
func (s *ExcludeStep) Apply(d *Doc) error {
	m := &d.Out.Mention
	if len(s.authors) > 0 {
		for _, a := range [...]string{m.Author.Handle, m.Author.ID} {
			if a != "" && s.authors.has(a) {
				return &ExcludedError{Reason: "author " + a}
			}
		}
	}
	if len(s.domains) > 0 {
		for _, site := range [...]string{m.Site, m.URL} {
			if dom, ok := s.matchDomain(site); ok {
				return &ExcludedError{Reason: "domain " + dom}
			}
		}
	}
	return nil
}

// maxKey is the longest handle or host compared without allocating; a
// DNS name is at most 253 bytes.
const maxKey = 256

// lowerInto lower-cases ASCII s into buf; ok is false when s is too long
// or not ASCII, for the caller to fall back to strings.ToLower.
func lowerInto(buf *[maxKey]byte, s string) (b []byte, ok bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(s)], true
}

// handleSet is a set of handles or author ids, compared without case and
// without a leading '@'.
type handleSet map[string]struct{}

func newHandleSet(hs []string) handleSet {
	set := handleSet{}
	for _, h := range hs {
		if h = normHandle(h); h != "" {
			set[h] = struct{}{}
		}
	}
	return set
}

// normHandle is how handles compare: lower case, without '@' and spaces.
func normHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// has looks h up without allocating when it is ASCII, as handles are.
func (set handleSet) has(h string) bool {
	if len(set) == 0 {
		return false
	}
	h = strings.TrimPrefix(strings.TrimSpace(h), "@")
	var buf [maxKey]byte
	if b, ok := lowerInto(&buf, h); ok {
		_, hit := set[string(b)]
		return hit
	}
	_, hit := set[strings.ToLower(h)]
	return hit
}

// matchDomain reports whether the host of site (a bare domain or a URL)
// or a parent domain of it is excluded, and which.
func (s *ExcludeStep) matchDomain(site string) (string, bool) {
	host := linkHost(strings.TrimSpace(site))
	if host == "" {
		return "", false
	}
	var buf [maxKey]byte
	b, ok := lowerInto(&buf, host)
	if !ok {
		b = []byte(strings.ToLower(host))
	}
	// news.example.com is checked as itself, then example.com, then com.
	for len(b) > 0 {
		if _, hit := s.domains[string(b)]; hit {
			return string(b), true
		}
		i := 0
		for i < len(b) && b[i] != '.' {
			i++
		}
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return "", false
}
