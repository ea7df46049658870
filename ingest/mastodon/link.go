package mastodon

import "strings"

// parseLink reads an RFC 8288 Link header into rel → target. Mastodon pages
// timelines with it: rel="next" holds older statuses (max_id), rel="prev"
// newer ones (min_id). A target listed under several rels is filed under
// each; the first link of a rel wins. Malformed parts are skipped rather
// than failing the whole header, since the caller can always fall back to
// building the next page's URL itself.
func parseLink(header string) map[string]string {
	out := map[string]string{}
	s := header
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out
		}
		if s[0] != '<' {
			// Not a link: skip to the next top-level comma.
			s = skipPast(s, ',')
			continue
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return out
		}
		target := strings.TrimSpace(s[1:end])
		s = s[end+1:]
		var rels []string
		for {
			s = strings.TrimLeft(s, " \t")
			if s == "" || s[0] == ',' {
				break
			}
			if s[0] != ';' {
				s = skipPast(s, ',')
				break
			}
			var name, value string
			name, value, s = param(s[1:])
			if strings.EqualFold(name, "rel") {
				rels = append(rels, strings.Fields(strings.ToLower(value))...)
			}
		}
		for _, r := range rels {
			if _, seen := out[r]; !seen {
				out[r] = target
			}
		}
	}
}

// param reads one `name=value` or `name="quoted \" value"` link parameter
// and returns what follows it, up to (not past) the next ';' or ','.
func param(s string) (name, value, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, "=;,")
	if i < 0 {
		return strings.TrimSpace(s), "", ""
	}
	name = strings.TrimSpace(s[:i])
	if s[i] != '=' {
		return name, "", s[i:]
	}
	s = strings.TrimLeft(s[i+1:], " \t")
	if s != "" && s[0] == '"' {
		var b strings.Builder
		j := 1
		for ; j < len(s); j++ {
			c := s[j]
			if c == '\\' && j+1 < len(s) {
				j++
				b.WriteByte(s[j])
				continue
			}
			if c == '"' {
				j++
				break
			}
			b.WriteByte(c)
		}
		return name, b.String(), s[min(j, len(s)):]
	}
	k := strings.IndexAny(s, ";,")
	if k < 0 {
		return name, strings.TrimSpace(s), ""
	}
	return name, strings.TrimSpace(s[:k]), s[k:]
}

// skipPast drops s up to and including the first c outside a quoted string.
func skipPast(s string, c byte) string {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == c && !quoted:
			return s[i+1:]
		}
	}
	return ""
}
