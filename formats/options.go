package formats

import (
	"fmt"
	"sort"
	"strings"

	"github.com/scenebench/runner/internal/param"
)

// Option declares one option a spec may set in a format block: its name,
// kind, default, allowed values or minimum, label prefix and whether it
// only affects reading (param.Decl).
type Option = param.Decl

// Options holds a variant's option values, normalised once when the spec
// is loaded: every declared option present, strings, int64 and bool. The
// values survive a JSON round trip unchanged, so a worker receives exactly
// what the spec loader produced.
type Options = param.Values

// Option kinds.
const (
	OptString = param.String // string, optionally restricted to Allowed
	OptInt    = param.Int    // int64, at least Min
	OptBool   = param.Bool   // bool
)

// Normalize checks opts against a format's declarations and returns a
// complete set: every declared option present, defaults filled in. The
// spec loader calls it once per variant; nothing downstream normalises
// again.
func Normalize(f Format, opts map[string]any) (Options, error) {
	out, err := param.Normalize(fmt.Sprintf("format %q", f.Name()), f.Options(), opts)
	if err != nil {
		return nil, optionError(err)
	}
	return out, nil
}

// CheckOptions verifies that opts is a complete, normalised set for f, as
// Normalize returns: what a reader process checks of the options it
// receives.
func CheckOptions(f Format, opts Options) error {
	if err := param.Verify(fmt.Sprintf("format %q", f.Name()), f.Options(), opts); err != nil {
		return optionError(err)
	}
	return nil
}

// optionError words a parameter error as an option error ("option
// \"compression\" does not support ...").
func optionError(err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, `"`) {
		return fmt.Errorf("option %s", msg)
	}
	return err
}

// CheckOption validates a single value of opt and returns it normalised.
func CheckOption(opt Option, v any) (any, error) {
	nv, err := opt.Check(v)
	if err != nil {
		return nil, optionError(err)
	}
	return nv, nil
}

// OptionNames lists a format's option names, sorted.
func OptionNames(f Format) []string { return param.Names(f.Options()) }

// FileKey renders the options that affect a file's bytes as a stable string,
// for cache keys.
func FileKey(f Format, opts Options) string {
	var parts []string
	for _, o := range f.Options() {
		if o.ReadOnly {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%v", o.Name, opts[o.Name]))
	}
	sort.Strings(parts)
	return f.Name() + "{" + strings.Join(parts, ",") + "}"
}
