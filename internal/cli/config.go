package cli

import (
	"errors"
	"fmt"
	"github.com/errtag/errtag/internal/fsmsg"
	"os"
	"path/filepath"
	"sort"

	"github.com/errtag/errtag"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/rules"
	"github.com/errtag/errtag/internal/yamlfile"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// configEnv names the environment variable that points at a config file
// when --config is not given.
const configEnv = "ERRTAG_CONFIG"

// A config file holds what a team would otherwise repeat on every command
// line: catalog and rule files, which system each input is, rules to
// switch off, and defaults for any flag.
//
//	catalogs: [codes/payments.yaml]      # paths relative to the config file
//	rules: [rules/payments.yaml]
//	inputs:                              # the first match names an input's system
//	  - path: /var/log/payments/         # a directory, a glob, or a base-name glob
//	    system: payments
//	    only: true                       # the other systems' rules do not run there
//	disable:                             # as in a rule file: built-in rules to switch off
//	  - {system: "*", reason: "..."}
//	defaults:                            # flag name: value; flags given win
//	  system: knox-efota
//	  output: json
//	  fields: system,code,name,category
//
// Catalog and rule files from the config come before those given with
// --catalog and --rules, so that the command line overrides them. Every
// command takes the catalogs; the defaults go only to the commands that
// read logs (errtag, errtag stats, errtag test, marked with readsLogs): a
// default system is how the logs are read, and must not narrow what
// explain and catalog look in (nor name the system catalog import makes).
// The config's disable: applies to the built-in rules and the config's
// rule files, not to --rules files; --system on the command line applies
// to every input, over inputs:.
type config struct {
	file     string
	catalogs []string
	rules    []string
	inputs   []errtag.Input
	disable  []rules.Disable
	defaults map[string]configValue
}

// configState is what a config file gives the commands besides flags: the
// input bindings and the disable list, for configOptions.load.
type configState struct {
	// file is the config file read, if any.
	file    string
	inputs  []errtag.Input
	disable []rules.Disable
	// ruleFiles is how many of the --rules files are the config's own
	// (they come first): its disable list follows them.
	ruleFiles int
	// systemGiven: --system was on the command line, and wins over the
	// bindings.
	systemGiven bool
	// origin says, for each flag the config file set, where: FILE:LINE,
	// so that a value found wrong later (an unknown system) names it.
	origin map[string]string
}

type configValue struct {
	value string
	line  int
}

func registerConfigFlag(root *cobra.Command) {
	root.PersistentFlags().String("config", "", "read catalogs, rules and flag defaults from `FILE` (default: $"+configEnv+")")
}

// readsLogs is the annotation that marks the commands that take the config
// file's defaults.
const readsLogs = "errtag.reads-logs"

// markReadsLogs marks cmd as a command that reads logs, and so takes the
// config file's defaults.
func markReadsLogs(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[readsLogs] = "true"
}

// applyConfig loads the config file named by --config or ERRTAG_CONFIG, if
// any, into cmd's flags and e's config state.
func applyConfig(cmd *cobra.Command, e *env) error {
	e.config = configState{origin: map[string]string{}}
	if fl := cmd.Flags().Lookup("system"); fl != nil {
		e.config.systemGiven = fl.Changed
	}
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path = e.getenv(configEnv)
	}
	if path == "" {
		return nil
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return configErr(err)
	}
	if err := cfg.apply(cmd, e); err != nil {
		return configErr(err)
	}
	e.config.inputs, e.config.disable, e.config.ruleFiles = cfg.inputs, cfg.disable, len(cfg.rules)
	e.config.file = path
	return nil
}

func loadConfig(path string) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &fsmsg.FileError{What: "config file", Name: path, Err: err}
	}
	root, err := yamlfile.Parse(path, data)
	if err != nil {
		return nil, err
	}
	f, err := yamlfile.Fields(path, root, "catalogs", "rules", "inputs", "disable", "defaults")
	if err != nil {
		return nil, err
	}
	cfg := &config{file: path, defaults: map[string]configValue{}}
	dir := filepath.Dir(path)
	for key, dst := range map[string]*[]string{"catalogs": &cfg.catalogs, "rules": &cfg.rules} {
		n, ok := f[key]
		if !ok {
			continue
		}
		list, err := yamlfile.Strings(path, key, n)
		if err != nil {
			return nil, err
		}
		for i, p := range list {
			if p == "" {
				return nil, yamlfile.Errorf(path, n, "%s: an empty name names no file", key)
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			// A file that is not there is the config's mistake: say
			// where it is named.
			if _, err := os.Stat(p); err != nil {
				at := n
				if n.Kind == yaml.SequenceNode && i < len(n.Content) {
					at = n.Content[i]
				}
				return nil, yamlfile.Errorf(path, at, "%s: %s: %s (a relative path is relative to the config file)", key, quoteName(list[i]), fsmsg.Reason(err))
			}
			*dst = append(*dst, p)
		}
	}
	if n, ok := f["inputs"]; ok {
		if cfg.inputs, err = parseInputs(path, n); err != nil {
			return nil, err
		}
	}
	if n, ok := f["disable"]; ok {
		if cfg.disable, err = rules.ParseDisable(path, n); err != nil {
			return nil, err
		}
	}
	if d, ok := f["defaults"]; ok {
		if d.Kind != yaml.MappingNode {
			return nil, yamlfile.Errorf(path, d, "defaults must be a mapping of flag names to values")
		}
		for i := 0; i+1 < len(d.Content); i += 2 {
			k, v := d.Content[i], d.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, yamlfile.Errorf(path, v, "defaults.%s must be a single value", k.Value)
			}
			cfg.defaults[k.Value] = configValue{value: v.Value, line: k.Line}
		}
	}
	return cfg, nil
}

// apply sets, on cmd, every default whose flag the user did not give (if
// cmd reads logs), and puts the config's catalogs and rules first.
func (c *config) apply(cmd *cobra.Command, e *env) error {
	flags := cmd.Flags()
	defaults := cmd.Annotations[readsLogs] == "true"
	names := make([]string, 0, len(c.defaults))
	for k := range c.defaults {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := c.defaults[name]
		switch name {
		case "config", "catalog", "rules", "help", "version":
			return &yamlfile.Error{File: c.file, Line: v.line, Msg: fmt.Sprintf("defaults.%s: use the config's own catalogs/rules lists, not a default", name)}
		}
		for _, r := range renamed {
			if name == r.old && cmd.Root().Flags().Lookup(r.now) != nil {
				if _, both := c.defaults[r.now]; both {
					return &yamlfile.Error{File: c.file, Line: v.line, Msg: fmt.Sprintf("defaults.%s and defaults.%s are the same flag (%s is its old name): give one", r.now, r.old, r.old)}
				}
				if defaults {
					fmt.Fprintf(e.stderr, "errtag: note: %s:%d: defaults.%s is now defaults.%s (the old name still works)\n", c.file, v.line, r.old, r.now)
				}
				name = r.now
			}
		}
		fl := flags.Lookup(name)
		if fl == nil && !knownFlag(cmd.Root(), name) {
			return &yamlfile.Error{File: c.file, Line: v.line, Msg: fmt.Sprintf("defaults.%s: no such flag", name)}
		}
		if !defaults || fl == nil || givenAs(flags, name) {
			// Not a command that reads logs, a flag of another
			// command, or given on the command line, which wins.
			continue
		}
		if err := flags.Set(name, v.value); err != nil {
			return &yamlfile.Error{File: c.file, Line: v.line, Msg: fmt.Sprintf("defaults.%s: %s", name, valueProblem(err))}
		}
		e.config.origin[name] = fmt.Sprintf("%s:%d", c.file, v.line)
	}
	for flag, files := range map[string][]string{"catalog": c.catalogs, "rules": c.rules} {
		fl := flags.Lookup(flag)
		if fl == nil || len(files) == 0 {
			continue
		}
		sv, ok := fl.Value.(pflag.SliceValue)
		if !ok {
			continue
		}
		if err := sv.Replace(append(append([]string{}, files...), sv.GetSlice()...)); err != nil {
			return err
		}
	}
	return nil
}

// valueProblem says what is wrong with a value that a flag refused: its
// own words, not pflag's "invalid argument ... for ... flag".
func valueProblem(err error) string {
	var m *flagMistake
	if errors.As(err, &m) {
		return m.msg
	}
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		return fmt.Sprintf("%s: %v", ive.GetValue(), ive.Unwrap())
	}
	return err.Error()
}

// fromConfig returns msg prefixed with where the config file set flag,
// if it did: FILE:LINE: defaults.FLAG: msg.
func (e *env) fromConfig(flag, msg string) string {
	if at, ok := e.config.origin[flag]; ok {
		return fmt.Sprintf("%s: defaults.%s: %s", at, flag, msg)
	}
	return msg
}

// givenAs reports whether flag name was given on the command line, under
// its name or an old one.
func givenAs(flags *pflag.FlagSet, name string) bool {
	if flags.Changed(name) {
		return true
	}
	for _, r := range renamed {
		if r.now == name && flags.Lookup(r.old) != nil && flags.Changed(r.old) {
			return true
		}
	}
	return false
}

// knownFlag reports whether any command under root has a flag name.
func knownFlag(root *cobra.Command, name string) bool {
	if root.Flags().Lookup(name) != nil || root.PersistentFlags().Lookup(name) != nil {
		return true
	}
	for _, c := range root.Commands() {
		if knownFlag(c, name) {
			return true
		}
	}
	return false
}

// parseInputs reads a config's inputs: a list of {path, system, only}.
func parseInputs(file string, n *yaml.Node) ([]errtag.Input, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlfile.Errorf(file, n, "inputs must be a list of {path: PATTERN, system: NAME}, found %s", yamlfile.KindName(n))
	}
	var out []errtag.Input
	for _, item := range n.Content {
		f, err := yamlfile.Fields(file, item, "path", "system", "only")
		if err != nil {
			return nil, fmt.Errorf("%w (in inputs)", err)
		}
		b := errtag.Input{File: file, Line: item.Line}
		for _, k := range []string{"path", "system"} {
			v, ok := f[k]
			if !ok {
				return nil, yamlfile.Errorf(file, item, "inputs: each entry needs %s", k)
			}
			s, err := yamlfile.String(file, "inputs."+k, v)
			if err != nil {
				return nil, err
			}
			if k == "path" {
				b.Path = s
			} else {
				b.System = s
			}
		}
		if v, ok := f["only"]; ok {
			if b.Only, err = yamlfile.Bool(file, "inputs.only", v); err != nil {
				return nil, err
			}
		}
		if err := (&loader.Binding{Pattern: b.Path}).Check(); err != nil {
			return nil, yamlfile.Errorf(file, f["path"], "inputs: %v", err)
		}
		out = append(out, b)
	}
	return out, nil
}
