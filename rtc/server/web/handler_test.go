package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler_ServesAssets(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, path, wantType, wantBody string
		wantCSP                        bool
	}{
		{name: "page", path: "/", wantType: "text/html; charset=utf-8", wantBody: "<title>edge viewer</title>", wantCSP: true},
		{name: "page with query", path: "/?channel=lobby&app=demo", wantType: "text/html; charset=utf-8", wantBody: `id="log"`, wantCSP: true},
		{name: "script", path: "/app.js", wantType: "text/javascript; charset=utf-8", wantBody: "window.edgeEvents"},
		{name: "hash", path: "/sha256.js", wantType: "text/javascript; charset=utf-8", wantBody: "window.edgeHash"},
		{name: "style", path: "/style.css", wantType: "text/css; charset=utf-8", wantBody: ".grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q", tt.wantBody)
			}
			if got := rec.Header().Get("Content-Security-Policy") != ""; got != tt.wantCSP {
				t.Errorf("CSP present %t, want %t", got, tt.wantCSP)
			}
			if rec.Header().Get("ETag") == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v: want an ETag and nosniff", rec.Header())
			}
		})
	}
}

func TestHandler_Refusals(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, method, path string
		want               int
	}{
		{name: "unknown path", method: http.MethodGet, path: "/nope.js", want: http.StatusNotFound},
		{name: "index by name", method: http.MethodGet, path: "/index.html", want: http.StatusNotFound},
		{name: "directory", method: http.MethodGet, path: "/static/", want: http.StatusNotFound},
		{name: "post", method: http.MethodPost, path: "/", want: http.StatusMethodNotAllowed},
		{name: "head", method: http.MethodHead, path: "/app.js", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.want {
				t.Fatalf("%s %s: status %d, want %d", tt.method, tt.path, rec.Code, tt.want)
			}
		})
	}
}

func TestHandler_RevalidatesWithETag(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app.js", nil))
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest(http.MethodGet, "/app.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match %s: status %d, want 304", etag, rec.Code)
	}
}

// TestHandler_NothingFromElsewhere checks that no asset names another
// origin: the page must work on a closed network (issue 8).
func TestHandler_NothingFromElsewhere(t *testing.T) {
	assets, err := load(static)
	if err != nil {
		t.Fatal(err)
	}
	for p, a := range assets {
		body := string(a.body)
		for _, bad := range []string{"http://", "https://", "//cdn", "@import"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
	}
}
