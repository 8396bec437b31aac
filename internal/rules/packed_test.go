package rules

import (
	"testing"

	"github.com/errtag/errtag/internal/yamlfile"
)

// TestBuiltinPacked checks that the packed built-in rules are what parsing
// builtin.yaml gives, node for node (go generate ./internal/rules
// rewrites them).
func TestBuiltinPacked(t *testing.T) {
	t.Parallel()
	if len(builtinPacked) != 1 || builtinPacked[0].Name != BuiltinName {
		t.Fatalf("builtin_packed.go does not hold %s alone: run go generate ./internal/rules", BuiltinName)
	}
	if err := yamlfile.CheckPacked(builtinPacked[0], builtinRules); err != nil {
		t.Error(err)
	}
}
