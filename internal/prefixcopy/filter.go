package prefixcopy

import (
	"fmt"

	"github.com/bmatcuk/doublestar/v4"
)

// Selection chooses the source objects to copy by their key relative to the
// source prefix, with glob patterns: `*` matches within one path segment,
// `**` across segments, `?` one character, `[a-z]` a class and `{a,b}`
// either. A key is selected when it matches an include pattern (or there
// are none) and no exclude pattern.
type Selection struct {
	Include, Exclude []string
}

// ValidatePattern reports why a pattern is not a valid glob, nil if it is.
func ValidatePattern(pattern string) error {
	if pattern == "" {
		return fmt.Errorf("empty pattern matches no key")
	}
	if !doublestar.ValidatePattern(pattern) {
		return fmt.Errorf("%q is not a valid glob pattern (check its brackets and braces)", pattern)
	}
	return nil
}

// Selects reports whether the key, relative to the source prefix, is to be
// copied. Patterns must have passed ValidatePattern.
func (s Selection) Selects(key string) bool {
	if len(s.Include) > 0 && !matchAny(s.Include, key) {
		return false
	}
	return !matchAny(s.Exclude, key)
}

func matchAny(patterns []string, key string) bool {
	for _, p := range patterns {
		if doublestar.MatchUnvalidated(p, key) {
			return true
		}
	}
	return false
}
