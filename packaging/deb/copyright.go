package deb

import (
	"fmt"
	"strings"
	"time"
)

// copyrightFormat is the machine-readable format (DEP-5) the file follows.
const copyrightFormat = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"

// projectLicense is the project's own license. The repository has no
// LICENSE file yet; MIT (Expat) stands until the project decides.
const projectLicense = `Permission is hereby granted, free of charge, to any person obtaining a
copy of this software and associated documentation files (the "Software"),
to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense,
and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.`

// copyrightFile renders the copyright file of the package of the program
// bin: the project's paragraph, then one per component linked in.
// year is the copyright year of the project's own code.
func copyrightFile(bin string, year int, parts []component) string {
	var b strings.Builder
	field(&b, "Format", copyrightFormat)
	field(&b, "Upstream-Name", "edge-agent")
	field(&b, "Upstream-Contact", Maintainer)
	field(&b, "Comment", fmt.Sprintf("/usr/bin/%s is a statically linked Go program. Besides the\n"+
		"project's own code it contains the Go standard library and the Go modules\n"+
		"listed below, each under its own license. Their Files: fields name them as\n"+
		"`go version -m /usr/bin/%s` does: MODULE@VERSION.", bin, bin))
	b.WriteString("\n")
	field(&b, "Files", "*")
	field(&b, "Copyright", fmt.Sprintf("%d edge-agent developers", year))
	field(&b, "License", "Expat")
	for _, c := range parts {
		b.WriteString("\n")
		field(&b, "Files", c.files)
		field(&b, "Copyright", strings.Join(c.copyright, "\n"))
		field(&b, "License", c.license+"\n"+strings.TrimSpace(c.text))
		if c.comment != "" {
			field(&b, "Comment", c.comment)
		}
	}
	b.WriteString("\n")
	field(&b, "License", "Expat\n"+projectLicense)
	return b.String()
}

// field writes a deb822 field: continuation lines indented by one space,
// empty lines as " ." (deb822 has no empty lines inside a paragraph).
func field(b *strings.Builder, name, value string) {
	lines := strings.Split(strings.ReplaceAll(value, "\r", ""), "\n")
	fmt.Fprintf(b, "%s: %s\n", name, strings.TrimRight(lines[0], " \t"))
	for _, l := range lines[1:] {
		l = strings.TrimRight(strings.ReplaceAll(l, "\t", "        "), " ")
		if l == "" {
			l = "."
		}
		fmt.Fprintf(b, " %s\n", l)
	}
}

// copyrightYear is the year of the project's copyright: the commit's.
func copyrightYear(t time.Time) int { return t.UTC().Year() }
