// Renders a chart's templates with Go's own text/template, for HelmGoCrossCheckTests: the same chart and values
// must give byte for byte what the tests' C# renderer gives. Only the standard library is used (no module can be
// fetched here), so the Sprig and Helm functions the chart calls are small stand-ins written for the shapes the
// chart passes them; what this checks is text/template itself (trim markers, if/with/range, variables, define and
// include, missing keys, how values print) and encoding/json.
//
// Input (standard input, JSON): {"chart": dir, "scenarios": [{"name", "release", "namespace", "values", "metadata"}]}.
// Output (standard output, JSON): {name: [{"file", "text"}] or {"error": message}}.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"text/template"
)

type scenario struct {
	Name      string                 `json:"name"`
	Release   string                 `json:"release"`
	Namespace string                 `json:"namespace"`
	Values    map[string]interface{} `json:"values"`
	Metadata  map[string]interface{} `json:"metadata"`
}

type rendered struct {
	File string `json:"file"`
	Text string `json:"text"`
}

// files is .Files: Get reads a file of the chart (symbolic links followed), "" when there is none.
type files struct{ dir string }

func (f files) Get(name string) string {
	data, err := os.ReadFile(filepath.Join(f.dir, name))
	if err != nil {
		return ""
	}
	return string(data)
}

func indent(spaces int, text string) string {
	pad := strings.Repeat(" ", spaces)
	return pad + strings.Replace(text, "\n", "\n"+pad, -1)
}

// empty is Sprig's: nil, false, 0, and empty strings, maps and lists.
func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Map, reflect.Slice:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Float64:
		return r.Float() == 0
	case reflect.Int:
		return r.Int() == 0
	}
	return false
}

// toYaml for maps whose leaves are strings or numbers (the chart's resources); other shapes are an error, so a
// chart change that needs more makes the cross-check fail instead of passing by accident.
func toYaml(v interface{}) (string, error) {
	var out strings.Builder
	var walk func(m map[string]interface{}, depth int) error
	walk = func(m map[string]interface{}, depth int) error {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.WriteString(strings.Repeat("  ", depth) + k + ":")
			switch child := m[k].(type) {
			case map[string]interface{}:
				out.WriteString("\n")
				if err := walk(child, depth+1); err != nil {
					return err
				}
			case string:
				out.WriteString(" " + child + "\n")
			case float64:
				out.WriteString(" " + fmt.Sprint(child) + "\n")
			default:
				return fmt.Errorf("toYaml stand-in: %T under %s", child, k)
			}
		}
		return nil
	}
	m, ok := v.(map[string]interface{})
	if !ok {
		return "", fmt.Errorf("toYaml stand-in: %T", v)
	}
	err := walk(m, 0)
	return strings.TrimSuffix(out.String(), "\n"), err
}

func render(chart string, s scenario) ([]rendered, error) {
	root := template.New("gotpl").Option("missingkey=zero")
	funcs := template.FuncMap{
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"indent":  indent,
		"trunc": func(c int, s string) string {
			if c < 0 && len(s)+c > 0 {
				return s[len(s)+c:]
			}
			if c >= 0 && len(s) > c {
				return s[:c]
			}
			return s
		},
		"trimSuffix":   func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"sha256sum":    func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) },
		"b64enc":       func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"toJson":       func(v interface{}) string { b, _ := json.Marshal(v); return string(b) },
		"toPrettyJson": func(v interface{}) string { b, _ := json.MarshalIndent(v, "", "  "); return string(b) },
		"toYaml":       toYaml,
		"kindIs": func(kind string, v interface{}) bool {
			if v == nil {
				return kind == "invalid"
			}
			return reflect.ValueOf(v).Kind().String() == kind
		},
		"fail": func(message string) (string, error) { return "", fmt.Errorf("%s", message) },
		"required": func(message string, v interface{}) (interface{}, error) {
			if v == nil || v == "" {
				return v, fmt.Errorf("%s", message)
			}
			return v, nil
		},
		"default": func(d interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || empty(given[0]) {
				return d
			}
			return given[0]
		},
		"quote": func(values ...interface{}) string {
			var out []string
			for _, v := range values {
				if v != nil {
					out = append(out, fmt.Sprintf("%q", fmt.Sprint(v)))
				}
			}
			return strings.Join(out, " ")
		},
		"include": func(string, interface{}) (string, error) { return "", nil },
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var b bytes.Buffer
		err := root.ExecuteTemplate(&b, name, data)
		return b.String(), err
	}
	root.Funcs(funcs)

	paths, _ := filepath.Glob(filepath.Join(chart, "templates", "*"))
	sort.Strings(paths)
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if _, err := root.New("templates/" + filepath.Base(p)).Parse(string(text)); err != nil {
			return nil, err
		}
	}
	top := map[string]interface{}{
		"Values":  s.Values,
		"Release": map[string]interface{}{"Name": s.Release, "Namespace": s.Namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":   s.Metadata,
		"Files":   files{chart},
	}
	var out []rendered
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), "_") {
			continue
		}
		name := "templates/" + filepath.Base(p)
		var b bytes.Buffer
		if err := root.ExecuteTemplate(&b, name, top); err != nil {
			return nil, err
		}
		// As Helm does.
		text := strings.ReplaceAll(b.String(), "<no value>", "")
		if strings.TrimSpace(text) != "" {
			out = append(out, rendered{name, text})
		}
	}
	return out, nil
}

func main() {
	var input struct {
		Chart     string     `json:"chart"`
		Scenarios []scenario `json:"scenarios"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := map[string]interface{}{}
	for _, s := range input.Scenarios {
		out, err := render(input.Chart, s)
		if err != nil {
			results[s.Name] = map[string]string{"error": err.Error()}
		} else {
			results[s.Name] = out
		}
	}
	json.NewEncoder(os.Stdout).Encode(results)
}
