package importer

import (
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

// categoryRule assigns category when its pattern matches the text of an
// entry (name words and message, lower case). Rules are tried in order; the
// first that matches wins, so the more specific ones come first.
type categoryRule struct {
	category string
	re       *lazyregexp.Regexp
}

var categoryRules = []categoryRule{
	// Phrases that say exactly what happened, before the single words
	// below could decide otherwise (a "rejected" connection is not a
	// cancellation, a "transaction rollback" is not an install). Database
	// vocabulary (SQLSTATE condition and class names) is most of it.
	{"conflict", lazyregexp.New(`\b(unique violation|exclusion violation|foreign key violation|restrict violation|integrity constraint violation|triggered data change violation|deadlocks?|deadlock detected|serializ(?:ation|e) failure|could not serialize|transaction rollback|concurrent (?:update|modification)|lock not available|object in use|still exists?|prerequisite state|(?:in failed|active|no active|read only) sql transaction|transaction state|invalid transaction (?:initiation|termination)|cursor state|snapshot too old|lock file exists)\b`)},
	{"validation", lazyregexp.New(`\b(not null violation|null values?|check (?:option )?violation|cardinality violation|syntax errors?|data exception|division by zero|out of range|invalid text representation|invalid input|truncation|datatype mismatch|ambiguous \w+|grouping error|windowing error|indeterminate \w+|collation mismatch|cannot coerce|protocol violation)\b`)},
	{"not-found", lazyregexp.New(`\b(undefined (?:table|column|function|object|parameter|file|cursor|database|schema|pstatement|prepared statement|variable|role|user)s?|case not found|no data found|no data|no additional \w+)\b`)},
	{"permission", lazyregexp.New(`\b(insufficient privileges?|privileges? not (?:granted|revoked)|not permitted|prohibited|invalid grant(?:or| operation))\b`)},
	{"auth", lazyregexp.New(`\b(invalid password|authori[sz]ation specification|authentication failed)\b`)},
	{"connectivity", lazyregexp.New(`\b(sqlconnection|connection (?:exception|failure|does not exist)|unable to (?:establish|connect)\w*|cannot connect now|establish(?:ment)? (?:of )?(?:a )?connection)\b`)},
	{"quota", lazyregexp.New(`\b(too many \w+|limit exceeded|insufficient resources|too complex)\b`)},
	{"storage", lazyregexp.New(`\b(disk full|out of memory|i/?o error|(?:data|index) corrupted)\b`)},
	{"server", lazyregexp.New(`\b(admin shutdown|crash shutdown|shutdown|system error)\b`)},
	{"cancelled", lazyregexp.New(`\b(operator intervention|query canceled)\b`)},
	{"config", lazyregexp.New(`\b(config(?:uration)? file|runtime param\w*)\b`)},
	// A server that cannot take the request now, whatever its words about
	// memory or scripts (Redis: "is loading the dataset in memory", "is
	// busy running a script").
	{"server", lazyregexp.New(`\b(is (?:still )?loading|starting up|shutting down|not ready|is (?:too )?busy)\b`)},
	{"quota", lazyregexp.New(`\b(max ?memory|memory limit)\b`)},
	{"unsupported", lazyregexp.New(`\b(unknown (?:command|subcommand|method|operation|verb)s?)\b`)},
	{"validation", lazyregexp.New(`\b(unknown (?:option|argument|parameter|field|flag)s?)\b`)},
	{"not-found", lazyregexp.New(`\b(no matching)\b`)},
	{"connectivity", lazyregexp.New(`\b((?:is|are|link) down|went down|(?:connection|link) (?:lost|closed|reset))\b`)},

	// Single words.
	{"timeout", lazyregexp.New(`\b(tim(?:e|ed|es|ing) ?out|timeout|took too long|too long to|pending|waiting for)\b`)},
	{"cancelled", lazyregexp.New(`\b(cancel(?:l?ed|s|ling|ing|lation|ation)?|abort(?:ed|s|ing)?|reject(?:ed|s|ing)?|declined?|discard(?:ed|s|ing)?|interrupted)\b`)},
	{"not-found", lazyregexp.New(`\b(not (?:be )?found|(?:does|do|did) not exist|not exists?|no such|unexisting|nonexistent|non-existent|could not find|cannot find|unable to find|unknown (?:user|object|item|device|file))\b`)},
	{"conflict", lazyregexp.New(`\b(already|duplicates?|duplicated|in use|taken|conflicts?|conflicting|exists)\b`)},
	{"quota", lazyregexp.New(`\b(quota|limits?|limited|exceed(?:s|ed|ing)?|too (?:large|many|big)|maximum|rate|throttl\w*)\b`)},
	{"storage", lazyregexp.New(`\b(memory|storage|disk|free space|database|out of space)\b`)},
	{"validation", lazyregexp.New(`\b((?:not|no \w+(?: \w+)? (?:was|were)) specified|missing or empty|(?:is|are) missing)\b`)},
	{"auth", lazyregexp.New(`\b(tokens?|cookies?|passwords?|credentials?|sessions?|sign[- ]?in|log[- ]?in|authenticat\w*|unauthori[sz]ed|authori[sz]ation|usernames?|mfa|identity|identified|verification code|reset code)\b`)},
	{"permission", lazyregexp.New(`\b(forbidden|permissions?|not allowed|not permitted|access denied|denied|blacklist\w*|blocked|disabled|locked|not authori[sz]ed|read[- ]?only)\b`)},
	{"unsupported", lazyregexp.New(`\b(not supported|unsupported|not implemented|incompatible|not compatible|not suitable|does not support|not recogni[sz]ed|missing implementation)\b`)},
	{"validation", lazyregexp.New(`\b(invalid|malformed|badly formed|corrupt\w*|validat(?:e|ion) \w+|failed to validate|signature|mismatch|not valid|unreadable|(?:does|did) not match|not acceptable)\b`)},
	{"server", lazyregexp.New(`\b(server error|internal server|internal error|gone wrong with the server|server failed)\b`)},
	{"connectivity", lazyregexp.New(`\b(network|connect\w*|unreachable|unavailable|not available|not responding|host|offline|dns|proxy|roaming|handshake|tls|ssl)\b`)},
	{"download", lazyregexp.New(`\b(download\w*)\b`)},
	{"install", lazyregexp.New(`\b(install\w*|firmware|update (?:failed|package|file)|rollback|activation|deactivation|removal|upgrade)\b`)},
	{"config", lazyregexp.New(`\b(config\w*|settings?|misconfigur\w*|provision\w*|profile)\b`)},
	{"validation", lazyregexp.New(`\b(invalid|malformed|missing|not specified|required|incorrect|bad|badly|wrong|format|empty|not valid|mismatch|expected|parse|syntax)\b`)},
	{"device", lazyregexp.New(`\b(device|hardware|battery)\b`)},
	{"server", lazyregexp.New(`\b(server|service|maintenance|backend)\b`)},
	{"internal", lazyregexp.New(`\b(unexpected|unspecified|undefined|general|unknown|internal|exception|uncaught)\b`)},
}

var (
	successRE  = lazyregexp.New(`\b(success|successful|successfully|succeeded|completed|ok)\b`)
	negationRE = lazyregexp.New(`\b(not|no|fail\w*|error|errors|abort\w*|cancel\w*|unsuccessful\w*|partially|partial)\b`)
	splitCamel = lazyregexp.New(`([a-z0-9])([A-Z])`)
)

// guessCategory guesses from the name and text first and, when no keyword
// matches there, from the group (a PostgreSQL class, "Class 22 - Data
// Exception", says what its codes have in common). inGroup is true when the
// keyword came from the group.
func guessCategory(name, text, group string) (category, keyword string, inGroup bool) {
	if c, k := GuessCategory(name, text); k != "" {
		return c, k, false
	}
	if group != "" {
		if c, k := GuessCategory("", group); k != "" {
			return c, k, true
		}
	}
	return "internal", "", false
}

// GuessCategory returns the category for an entry named name with text
// (message and description), and the word that decided it. When nothing
// matches it returns "internal" and an empty keyword. The result is always
// a category of catalog.CategoryNames().
func GuessCategory(name, text string) (category, keyword string) {
	n := splitCamel.ReplaceAllString(name, "$1 $2")
	n = strings.NewReplacer("_", " ", "-", " ").Replace(n)
	s := strings.ToLower(n + " " + text)
	s = contractions.Replace(s)
	if m := successRE.FindString(s); m != "" && !negationRE.MatchString(s) {
		return "success", m
	}
	for _, r := range categoryRules {
		if m := r.re.FindString(s); m != "" {
			return r.category, m
		}
	}
	return "internal", ""
}
