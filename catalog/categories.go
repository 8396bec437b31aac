package catalog

import "sort"

// categories is the cross-system vocabulary of entry categories, with what
// each one means. Every entry's Category is one of these keys.
var categories = map[string]string{
	"success":      "not an error: the operation completed",
	"auth":         "credentials, tokens, sessions, cookies, sign-in",
	"permission":   "the caller is known but not allowed to do this",
	"validation":   "the request or its data is malformed or invalid",
	"not-found":    "the object, user, device or resource does not exist",
	"conflict":     "duplicates, already-exists, or a state that forbids the operation",
	"config":       "configuration missing, wrong or changed",
	"connectivity": "network, host or server unreachable",
	"timeout":      "an operation or a response took too long",
	"server":       "the server failed while handling the request",
	"storage":      "disk, memory or database storage problem",
	"quota":        "a size, count or rate limit was exceeded",
	"download":     "fetching a file or package failed",
	"install":      "installing or applying an update failed",
	"cancelled":    "a user or the system cancelled, rejected or aborted the operation",
	"unsupported":  "not supported, not implemented or incompatible",
	"device":       "the device's state or hardware is the problem",
	"internal":     "an unspecified or client-side internal failure",
}

// IsCategory reports whether name is in the category vocabulary.
func IsCategory(name string) bool {
	_, ok := categories[name]
	return ok
}

// CategoryNames returns the category vocabulary, sorted.
func CategoryNames() []string {
	out := make([]string, 0, len(categories))
	for k := range categories {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
