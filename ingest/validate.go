package ingest

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// MaxNameLen is the longest collector name.
const MaxNameLen = 64

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// CheckName checks a collector's name, which labels its metrics and logs
// and prefixes its checkpoint keys and event sources: 1 to MaxNameLen
// letters, digits, '_', '.' or '-'. When it is not ok, the Problem (key
// "name") says so, with example as a name that would do.
func CheckName(name, example string) (Problem, bool) {
	if namePattern.MatchString(name) {
		return Problem{}, true
	}
	return Problem{Key: "name", Value: name, Fix: fmt.Sprintf(
		"name this collector with letters, digits, '_', '.' or '-' (at most %d), unique among collectors, e.g. %s", MaxNameLen, example)}, false
}

// CheckBaseURL checks the setting key holding an API's base URL: an
// absolute http(s) URL without credentials, query or fragment, to which
// the collector appends paths. When it is not ok, the Problem names
// example as a URL that would do.
func CheckBaseURL(key, raw, example string) (Problem, bool) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return Problem{Key: key, Value: raw, Fix: "use an absolute http(s) URL such as " + example}, false
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		// Redacted: a password in the URL stays out of errors and logs.
		return Problem{Key: key, Value: u.Redacted(), Fix: "use the bare base URL, without credentials, query or fragment"}, false
	}
	return Problem{}, true
}

// InvalidConfig is the error of a collector's New for a config whose
// Validate found problems: network names the kind of collector, name the
// entry.
func InvalidConfig(network, name string, ps []Problem) error {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = fmt.Sprintf("%s = %v: %s", p.Key, p.Value, p.Fix)
	}
	return fmt.Errorf("%s %q: %s", network, name, strings.Join(msgs, "; "))
}

// ConfigError is InvalidConfig for the problems of ps that stop a
// collector from working, or nil when there are none. Problems at the
// policy keys are left out: those settings are held to policy by
// Validate (say, no polling faster than a minute), which tests and
// one-off runs built with New may bend.
func ConfigError(network, name string, ps []Problem, policy ...string) error {
	ps = slices.DeleteFunc(slices.Clone(ps), func(p Problem) bool { return slices.Contains(policy, p.Key) })
	if len(ps) == 0 {
		return nil
	}
	return InvalidConfig(network, name, ps)
}
