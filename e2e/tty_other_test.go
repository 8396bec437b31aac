//go:build !linux

package e2e

import "testing"

// runOnTerminal is not written for this system: the README's terminal
// examples are not run here.
func runOnTerminal(t *testing.T, dir string, env []string, cmd string) (string, bool, bool) {
	t.Logf("no pseudo-terminal helper on this system: %s not run", cmd)
	return "", false, false
}
