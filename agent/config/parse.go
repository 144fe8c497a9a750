package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"

	"github.com/BurntSushi/toml"
)

// Parse reads the configuration from the flags in args and the file named
// by --config (default DefaultPath; a missing default file is no error). It
// validates everything and returns an error that names the key.
func Parse(args []string, usage io.Writer) (Config, error) {
	c := Defaults()
	var failed error
	fset, path := newFlagSet(&c, &failed)
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fset.SetOutput(usage)
			fset.PrintDefaults()
		}
		if failed != nil {
			return c, failed
		}
		return c, err
	}
	if fset.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fset.Arg(0))
	}
	set := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fileKeys, err := loadFile(&c, *path, set["config"], set)
	if err != nil {
		return c, err
	}
	for _, k := range fileKeys {
		set[k] = true
	}
	return c, c.finish(set)
}

func newFlagSet(c *Config, failed *error) (*flag.FlagSet, *string) {
	fset := flag.NewFlagSet("edge-agent run", flag.ContinueOnError)
	fset.SetOutput(io.Discard) // Errors are returned as one line; -h prints the defaults.
	path := fset.String("config", DefaultPath, "configuration file (TOML)")
	for i := range keys {
		fset.Var(value{k: &keys[i], c: c, failed: failed}, keys[i].name, keys[i].usage)
	}
	return fset, path
}

// loadFile applies the keys of the TOML file that no flag set, and returns
// the keys the file holds.
func loadFile(c *Config, path string, explicit bool, fromFlags map[string]bool) ([]string, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, keyErr("config", "%v", err)
	}
	var doc map[string]any
	if _, err := toml.Decode(string(raw), &doc); err != nil {
		return nil, keyErr("config", "%s: %v", path, err)
	}
	names := make([]string, 0, len(doc))
	for n := range doc {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := applyKey(c, n, doc[n], fromFlags[n]); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return names, nil
}

// applyKey sets one key of the file, unless a flag set it.
func applyKey(c *Config, name string, v any, flagWins bool) error {
	i := slices.IndexFunc(keys, func(k key) bool { return k.name == name })
	if i < 0 {
		return keyErr(name, "unknown key")
	}
	if flagWins {
		return nil
	}
	s, err := scalar(v)
	if err != nil {
		return keyErr(name, "%v", err)
	}
	if err := keys[i].set(c, s); err != nil {
		return keyErr(name, "%v", err)
	}
	return nil
}

// scalar renders a TOML value as the text a flag would carry.
func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	}
	return "", fmt.Errorf("must be a string, an integer or a boolean, not %T", v)
}
