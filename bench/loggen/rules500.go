package loggen

import (
	"fmt"
	"strings"
)

// File is a generated file: its name and contents.
type File struct {
	Name string
	Data []byte
}

// extraSystems are the made-up systems of the 500-rule set: 25 systems with
// 20 rules each.
var extraSystems = []struct{ id, tag string }{
	{"orbit-pay", "orbp"}, {"helix-crm", "hlxc"}, {"nimbus-store", "nmbs"}, {"quanta-auth", "qnta"},
	{"vela-mail", "velm"}, {"tessera-search", "tsrs"}, {"corvid-queue", "crvq"}, {"lumen-cdn", "lmnc"},
	{"argon-iot", "argi"}, {"sable-ledger", "sblg"}, {"kestrel-ship", "kstr"}, {"marlin-api", "mrla"},
	{"onyx-render", "onyr"}, {"pylon-sched", "pyls"}, {"rivet-build", "rvtb"}, {"strata-db", "strd"},
	{"tundra-backup", "tndb"}, {"umbra-vpn", "umbv"}, {"vortex-stream", "vtxs"}, {"wren-notify", "wrnn"},
	{"xenon-meter", "xenm"}, {"yarrow-hr", "yarh"}, {"zephyr-sync", "zphs"}, {"basalt-cache", "bslc"},
	{"cobalt-print", "cblp"},
}

// ruleWords are the 20 subjects of each system's rules.
var ruleWords = []string{"payment", "ledger", "invoice", "shipment", "session", "token", "quota", "upload",
	"render", "index", "query", "cache", "queue", "batch", "export", "import", "report", "webhook", "schedule", "device"}

var extraCategories = []string{"auth", "validation", "not-found", "conflict", "config", "connectivity", "timeout", "server", "storage", "quota", "internal"}

// Rules500 returns a rule file of 500 distinct rules (regex and JSON, marker
// and carrier cues) for 25 made-up systems, and one catalog file per system.
// Load the catalogs first (--catalog), then the rules (--rules).
func Rules500() (rulesFile File, catalogs []File) {
	var r strings.Builder
	r.WriteString("# 500 generated rules for 25 made-up systems (bench/loggen.Rules500).\n")
	r.WriteString("markers:\n")
	for _, s := range extraSystems {
		fmt.Fprintf(&r, "  %s: [%s, %s]\n", s.id, strings.ReplaceAll(s.id, "-", ""), s.id)
	}
	r.WriteString("rules:\n")
	for _, s := range extraSystems {
		TAG := strings.ToUpper(s.tag)
		for k, w := range ruleWords {
			W3 := strings.ToUpper(w[:3])
			Word := strings.ToUpper(w[:1]) + w[1:]
			id := fmt.Sprintf("%s.%s-%d", s.id, w, k)
			fmt.Fprintf(&r, "  - id: %s\n    system: %s\n", id, s.id)
			switch {
			case k < 5: // marker: "[tag:word] ... code=N"
				fmt.Fprintf(&r, "    cue: marker\n    regex: '(?i)\\[%s:%s\\][^\\n]*?\\b(?:error|fault|status)[_ ]?code\\s*[=:]\\s*\"?(?P<code>-?\\d+)\\b'\n", s.tag, w)
			case k < 8: // marker: "word_error=N" / "wordError: N"
				fmt.Fprintf(&r, "    cue: marker\n    regex: '(?i)\\b%s\\.%s[_.]?(?:err|error|failure)\\s*[=:]\\s*(?P<code>-?\\d+)\\b'\n", s.tag, w)
			case k < 14: // carrier: "ORBP-PAY-4012"
				fmt.Fprintf(&r, "    regex: '\\b%s-%s-(?P<code>\\d{3,5})\\b'\n", TAG, W3)
			case k < 16: // carrier: XML fault attribute
				fmt.Fprintf(&r, "    regex: '<%s:%sFault\\s+code=\"(?P<code>\\d+)\"'\n", s.tag, Word)
			case k < 19: // marker JSON: {"wordErrorCode": N, "message": ...}
				fmt.Fprintf(&r, "    cue: marker\n    json:\n      code: %s.%sErrorCode\n      message: [message, detail]\n", s.tag, w)
			default: // carrier JSON: own key set
				fmt.Fprintf(&r, "    json:\n      code: %s%sCode\n      message: %sMessage\n      all_of: [%sTrace]\n", s.tag, Word, s.tag, s.tag)
			}
		}
	}
	rulesFile = File{Name: "rules500.yaml", Data: []byte(r.String())}
	for si, s := range extraSystems {
		var c strings.Builder
		fmt.Fprintf(&c, "system: %s\ntitle: \"%s error codes (generated)\"\nentries:\n", s.id, s.id)
		for i := 0; i < 40; i++ {
			w := ruleWords[i%len(ruleWords)]
			fmt.Fprintf(&c, "  - code: \"%d\"\n    name: %s_%s_%d\n    category: %s\n    message: \"The %s operation failed (%d).\"\n",
				1000+i*7+si, strings.ToUpper(s.tag), strings.ToUpper(w), i, extraCategories[(i+si)%len(extraCategories)], w, i)
		}
		catalogs = append(catalogs, File{Name: "catalog-" + s.id + ".yaml", Data: []byte(c.String())})
	}
	return rulesFile, catalogs
}
