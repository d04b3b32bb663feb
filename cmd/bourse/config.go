package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// applyConfig fills the flags the user did not set, first from the JSON
// config file, then from BOURSE_<FLAG> environment variables (dashes become
// underscores), so that flags > environment > file > defaults.
func applyConfig(cmd *cobra.Command, file string) error {
	fromFile := map[string]any{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--config: %w", err)
		}
		if err := json.Unmarshal(data, &fromFile); err != nil {
			return fmt.Errorf("--config %s: expected a JSON object of flag values: %w", file, err)
		}
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || firstErr != nil || f.Name == "config" || f.Name == "help" {
			return
		}
		env := "BOURSE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if err := f.Value.Set(v); err != nil {
				firstErr = fmt.Errorf("%s=%q: %w", env, v, err)
			}
			return
		}
		if v, ok := fromFile[f.Name]; ok {
			s := fmt.Sprint(v)
			if arr, isArr := v.([]any); isArr {
				parts := make([]string, len(arr))
				for i, a := range arr {
					parts[i] = fmt.Sprint(a)
				}
				s = strings.Join(parts, ",")
			}
			if err := f.Value.Set(s); err != nil {
				firstErr = fmt.Errorf("--config key %q=%v: %w", f.Name, v, err)
			}
		}
	})
	return firstErr
}
