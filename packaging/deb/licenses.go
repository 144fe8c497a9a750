package deb

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// component is one part of a static binary: the program itself, the Go
// standard library, or a Go module, with the license it comes under.
type component struct {
	files     string   // the Files: pattern of its paragraph
	copyright []string // the Copyright: lines
	license   string   // a short name of the copyright format
	text      string   // the license's text, inline ("" for common-licenses)
	comment   string
}

// licenseFiles are the names a module's license goes by, in order.
var licenseFiles = []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING"}

// chosenLicenseFile names the file to use where a module offers a choice.
// paho.mqtt.golang is dual-licensed EPL-2.0 / EDL-1.0 (its NOTICE.md); it is
// distributed here under the EDL-1.0, a BSD-3-clause license.
var chosenLicenseFile = map[string]string{
	"github.com/eclipse/paho.mqtt.golang": "edl-v10",
}

// linkedComponents returns the Go standard library and every module linked
// into the binary at path, as its build information lists them, with their
// licenses read from the module cache modCache and the toolchain at goroot.
func linkedComponents(path, goroot, modCache string) ([]component, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("build info of %s: %w", path, err)
	}
	std, err := moduleComponent(goroot, bi.GoVersion+"/*", "the Go standard library")
	if err != nil {
		return nil, err
	}
	out := []component{std}
	for _, m := range bi.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		dir := filepath.Join(modCache, escapeModule(m.Path)+"@"+escapeModule(m.Version))
		c, err := moduleComponent(dir, m.Path+"@"+m.Version+"/*", m.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// moduleComponent reads the license of the module in dir.
func moduleComponent(dir, files, name string) (component, error) {
	c := component{files: files}
	text, err := readLicense(dir, name)
	if err != nil {
		return c, err
	}
	var ok bool
	if c.license, ok = classify(text); !ok {
		return c, fmt.Errorf("%s: license in %s not recognised: add a rule to deb.classify after reading it", name, dir)
	}
	c.copyright = copyrightLines(text)
	c.text = text
	if c.license == "Apache-2.0" {
		// lintian wants the common-licenses copy referenced, not repeated.
		c.text = "On Debian systems, the full text of the Apache License, Version 2.0\ncan be found in /usr/share/common-licenses/Apache-2.0."
		// The license text is the generic one (its appendix a template):
		// the holders, if named at all, are in the NOTICE file.
		notice := readNotice(dir)
		c.copyright = copyrightLines(notice)
		if notice != "" {
			c.comment = "Its NOTICE file:\n" + strings.TrimSpace(notice)
		}
	}
	if len(c.copyright) == 0 {
		c.copyright = []string{"the authors of " + name}
	}
	return c, nil
}

// readLicense returns the text of a module's license file.
func readLicense(dir, name string) (string, error) {
	candidates := licenseFiles
	if f, ok := chosenLicenseFile[name]; ok {
		candidates = []string{f}
	}
	for _, f := range candidates {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("%s: no license file (%s) in %s", name, strings.Join(candidates, ", "), dir)
}

// readNotice returns a module's NOTICE file, or "".
func readNotice(dir string) string {
	for _, f := range []string{"NOTICE", "NOTICE.txt", "NOTICE.md"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			return string(b)
		}
	}
	return ""
}

// classify names the license of a text by the clauses it contains. It knows
// only the licenses the project's modules use; anything else is refused, so
// that a new dependency's license is read by a person before it ships.
func classify(text string) (string, bool) {
	t := strings.Join(strings.Fields(text), " ")
	switch {
	case strings.Contains(t, "Permission is hereby granted, free of charge"):
		return "Expat", true
	case strings.Contains(t, "Apache License") && strings.Contains(t, "Version 2.0"):
		return "Apache-2.0", true
	case strings.Contains(t, "Redistribution and use in source and binary forms"):
		if strings.Contains(t, "Neither the name") || strings.Contains(t, "endorse or promote") {
			return "BSD-3-clause", true
		}
		return "BSD-2-clause", true
	}
	return "", false
}

// copyrightLines returns the holders a license text names ("Copyright (c)
// 2013 The Go Authors" gives "2013 The Go Authors"), skipping template
// placeholders ("<year> <copyright holders>") and lines that name nobody.
func copyrightLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(l, "Copyright")
		if !ok || isTemplate(rest) || strings.HasPrefix(rest, " notice") {
			continue
		}
		rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.ReplaceAll(rest, "©", "(c)")), "(c)"))
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "(C)"))
		if strings.IndexFunc(rest, unicode.IsLetter) < 0 || slices.Contains(out, rest) {
			continue
		}
		out = append(out, rest)
	}
	return out
}

// templateMarks are the placeholders of license templates.
var templateMarks = []string{"<year>", "<copyright holder", "[yyyy]", "[name of copyright owner]", "{yyyy}"}

// isTemplate reports whether a copyright line is a template's placeholder.
func isTemplate(line string) bool {
	for _, m := range templateMarks {
		if strings.Contains(line, m) {
			return true
		}
	}
	return false
}

// escapeModule escapes a module path or version for the module cache: an
// upper-case letter becomes '!' and its lower-case form.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
