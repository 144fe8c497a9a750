package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed static
var static embed.FS

// csp is the page's Content-Security-Policy: everything from this origin
// only (the WebSocket included), no inline script or style, no plugins, and
// the page may not be framed by another site. Media comes over WebRTC, which
// CSP does not govern.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'self'"

// asset is one embedded file, ready to serve.
type asset struct {
	name string // for the Content-Type, by extension
	body []byte
	etag string
}

// Handler returns the handler of the page and its assets: "/" is the page
// (it reads ?channel=, ?app=, ?uid= and ?token=), and each asset is served
// at its file name. Any other path is 404, any method but GET and HEAD 405.
// The server mounts it for every path it does not serve itself
// (server.Options.Page). Responses carry a strong ETag and must be
// revalidated, so an upgraded binary's page is picked up at once.
func Handler() http.Handler {
	assets, err := load(static)
	if err != nil {
		panic(err) // The files are embedded: this is a build error.
	}
	return &handler{assets: assets}
}

type handler struct {
	assets map[string]asset // by URL path
}

// load reads every file under static/ into assets keyed by URL path, with
// index.html served at "/".
func load(fsys fs.FS) (map[string]asset, error) {
	sub, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	out := map[string]asset{}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := asset{name: p, body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		if p == "index.html" {
			out["/"] = a // one address for the page: the one with the query
		} else {
			out["/"+p] = a
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web assets: %w", err)
	}
	return out, nil
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", contentType(a.name))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", a.etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if path.Ext(a.name) == ".html" {
		hdr.Set("Content-Security-Policy", csp)
	}
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
}

// contentType names the type of an asset by its extension; the few types
// the page uses are fixed here so that they do not depend on the host's
// MIME tables.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
