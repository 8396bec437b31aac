package matcher

import (
	"fmt"
	"strings"

	"github.com/errtag/errtag/internal/rules"
)

// reasonKind names one decision of the matcher: why a rule did not run on
// a line, why a find did or did not become an annotation.
type reasonKind uint8

const (
	// Why a rule did not run (returned by applies).
	runs               reasonKind = iota
	skipNoMarker                  // a marker rule, and no marker of its system
	skipExcluded                  // one of the rule's exclude words is on the line
	skipOtherMarked               // unless_marked, and another system's marker
	skipOwned                     // a --system rule on a line tied to another system
	skipMarkerInObject            // a marker JSON rule, and the marker only where it does not tie the object
	skipExcludedRegex             // the rule's exclude regex matches the line
	skipNotAfter                  // a match right after a word naming another kind of code
	skipNotWhole                  // a match whose code goes on (1.2.3, 2024-06-01, 4%2F) or is a URL query's
	skipUnqualified               // a name without its system's qualifier

	// Why a find was dropped.
	dropZero         // integer 0, which the system's catalog does not list
	dropDisagrees    // a shape whose message does not agree with the vendor's
	dropNoMessage    // a shape that needs a message, without one
	dropUnlisted     // a shape whose code the catalog lacks
	dropNoContext    // a shape whose code the catalog lacks, without context
	dropOwned        // a --system find on a line tied to another system
	dropWeaker       // a better-tied system claims the same carrier
	dropTie          // another system claims the same carrier as strongly
	dropLessSpecific // another system, as strongly tied, has a more specific carrier there
	dropDuplicate    // the same (system, code) came earlier on the line
	dropFallback     // a fallback rule's find, and another rule of its system found a code

	// Why a shape find counted.
	keepMarked  // its system's marker (or carrier) is on the line
	keepNamed   // --system names its system
	keepAgrees  // its message agrees with the vendor's
	keepListed  // its code is in the catalog
	keepContext // its code is unlisted, but context is on the line
)

// reason is one decision with what it was about. The matcher returns
// reasons; Trace only formats them, so that what `errtag test` says is what
// the matcher did.
type reason struct {
	kind   reasonKind
	system string    // the system concerned (another system for skipOwned, dropOwned, skipOtherMarked)
	cue    rules.Cue // how that system is tied to the line (skipOwned, dropOwned, keepMarked)
	named  string    // the --system option (skipOwned, dropOwned)
	code   string
	msg    string   // the line's message
	vendor []string // the vendor's messages for the code
	words  []string // exclude or context words
	word   string   // the word found
}

func (r reason) String() string {
	switch r.kind {
	case runs:
		return "runs"
	case skipNoMarker:
		return fmt.Sprintf("skipped: no %s marker on the line (as a whole word)", r.system)
	case skipExcluded:
		if r.word != "" {
			return fmt.Sprintf("skipped: the line contains its exclude word %q", r.word)
		}
		return fmt.Sprintf("skipped: the line contains one of its exclude words %q", r.words)
	case skipOtherMarked:
		return fmt.Sprintf("skipped: the line carries %s's marker, so that system's rules apply", r.system)
	case skipMarkerInObject:
		return fmt.Sprintf("skipped: the line's %s marker does not tie this object (it is inside the object's own values, not outside it or in a field naming the software)", r.system)
	case skipExcludedRegex:
		return fmt.Sprintf("skipped: the line matches its exclude_regex %q", r.word)
	case skipNotAfter:
		return fmt.Sprintf("matched %q after %q: that is another kind of code (not_after)", r.msg, r.word)
	case skipNotWhole:
		return fmt.Sprintf("matched %q, but %s", r.msg, r.word)
	case skipUnqualified:
		return fmt.Sprintf("name %s is code %s, but it is not qualified (%s): on its own it ties nothing", r.msg, r.code, strings.Join(r.words, ", "))
	case skipOwned:
		return fmt.Sprintf("skipped: the line is %s's (%s); --system %s does not override another system's own cue", r.system, cueWhat(r.cue), r.named)
	case dropZero:
		return fmt.Sprintf("code 0 means success, and the %s catalog has no row for it: not annotated", r.system)
	case dropDisagrees:
		return fmt.Sprintf("message %q is not code %s's %s: a shared shape needs the vendor's message", r.msg, r.code, quoteAll(r.vendor))
	case dropNoMessage:
		return fmt.Sprintf("no message to compare with code %s's %s: a shared shape needs the vendor's message", r.code, quoteAll(r.vendor))
	case dropUnlisted:
		return fmt.Sprintf("code %s is not in the %s catalog: a shared shape alone cannot say known=false", r.code, r.system)
	case dropNoContext:
		return fmt.Sprintf("code %s is not in the %s catalog, and none of %q is on the line: a shared shape alone cannot say known=false", r.code, r.system, r.words)
	case dropOwned:
		return fmt.Sprintf("the line is %s's (%s); --system %s does not override another system's own cue", r.system, cueWhat(r.cue), r.named)
	case dropWeaker:
		return "a better-tied system claims the same carrier"
	case dropTie:
		return "another system claims the same carrier equally strongly"
	case dropLessSpecific:
		return "another system, tied as strongly, has a more specific carrier here"
	case dropDuplicate:
		return "duplicate of an earlier annotation of the same code"
	case dropFallback:
		return fmt.Sprintf("the rule is a fallback, and another %s rule found a code on the line", r.system)
	case keepMarked:
		return fmt.Sprintf("counts: the line carries the %s %s", r.system, cueWhat(r.cue))
	case keepNamed:
		return fmt.Sprintf("counts: --system names %s (message and catalog not required)", r.system)
	case keepAgrees:
		return fmt.Sprintf("counts: message %q agrees with code %s's %q", r.msg, r.code, r.vendor[0])
	case keepListed:
		return fmt.Sprintf("counts: %s is in the %s catalog", r.code, r.system)
	case keepContext:
		return fmt.Sprintf("counts: %s is not in the %s catalog, but the line shows %q", r.code, r.system, r.word)
	}
	return "?"
}

// cueWhat says in words what a cue on a line is.
func cueWhat(c rules.Cue) string {
	switch c {
	case rules.CueMarker:
		return "marker"
	case rules.CueCarrier:
		return "own carrier"
	case rules.CueShape:
		return "corroborated shape"
	}
	return c.String()
}

func quoteAll(msgs []string) string {
	q := make([]string, len(msgs))
	for i, m := range msgs {
		q[i] = fmt.Sprintf("%q", m)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "rows (" + strings.Join(q, ", ") + ")"
}
