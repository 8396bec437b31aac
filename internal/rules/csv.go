package rules

import (
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

var csvFields = []string{"code", "message", "where"}

// maxColumn bounds the column numbers a CSV rule may name.
const maxColumn = 1000

func (c *ruleCompiler) compileCSV(n *yaml.Node) error {
	f, err := yamlfile.Fields(c.file, n, csvFields...)
	if err != nil {
		return c.wrap("csv", err)
	}
	spec := &CSVSpec{Message: -1}
	code, ok := f["code"]
	if !ok {
		return c.fail(n, "csv rule needs code: the number of the column that holds the code (1 is the first)")
	}
	if spec.Code, ok = columnNumber(code.Value); !ok || code.Kind != yaml.ScalarNode {
		return c.fail(code, "csv.code: %q is not a column number (1 is the first column)", code.Value)
	}
	if m, ok := f["message"]; ok {
		if spec.Message, ok = columnNumber(m.Value); !ok || m.Kind != yaml.ScalarNode {
			return c.fail(m, "csv.message: %q is not a column number (1 is the first column)", m.Value)
		}
	}
	if w, ok := f["where"]; ok {
		if spec.Where, err = c.valueConditions("csv.where", w, true); err != nil {
			return err
		}
	}
	for _, w := range spec.Where {
		if w.Column == spec.Code {
			return c.fail(f["where"], "csv.where: column %d is the code column", w.Column+1)
		}
	}
	c.r.Kind = KindCSV
	c.r.CSV = spec
	c.r.Literals, c.r.ExactLiterals = csvLiterals(spec)
	return nil
}

// columnNumber reads a column number from 1 and returns it from 0.
func columnNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxColumn {
		return 0, false
	}
	return n - 1, true
}

// csvLiterals are a CSV rule's prefilter literals: the values of the
// condition whose shortest value is the longest (a record the rule reads
// holds one of them), when that is 3 characters or more; otherwise none,
// and the rule needs literals: of its own.
func csvLiterals(spec *CSVSpec) (lower, exact []string) {
	best := -1
	for i, w := range spec.Where {
		if best < 0 || shortest(w.Values) > shortest(spec.Where[best].Values) {
			best = i
		}
	}
	if best < 0 || shortest(spec.Where[best].Values) < 3 {
		return nil, nil
	}
	for _, v := range spec.Where[best].Values {
		lower = appendUnique(lower, strings.ToLower(v))
		exact = appendUnique(exact, v)
	}
	return lower, exact
}

func shortest(values []string) int {
	n := -1
	for _, v := range values {
		if n < 0 || len(v) < n {
			n = len(v)
		}
	}
	return n
}
