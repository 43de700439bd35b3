// Package web holds the front-end files served by the binary: the stylesheet
// and the vendored htmx, embedded at build time (nothing loads from a CDN).
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var files embed.FS

// Assets serves the static files under content-hashed names, so that they
// can be cached for a year and still change when a new version ships.
type Assets struct {
	hashed   map[string]string // "app.css" -> "app.3f2a9c1b.css"
	byHashed map[string][]byte
}

// NewAssets hashes every embedded static file.
func NewAssets() *Assets {
	a := &Assets{hashed: map[string]string{}, byHashed: map[string][]byte{}}
	sub, _ := fs.Sub(files, "static")
	fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		a.hashed[p] = name
		a.byHashed[name] = b
		return nil
	})
	return a
}

// Path returns the URL of the static file name ("app.css"); it panics on an
// unknown name so that a typo fails every test that renders the page.
func (a *Assets) Path(name string) string {
	h, ok := a.hashed[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + h
}

// ServeHTTP serves /static/<hashed name> with long-lived cache headers.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, ok := a.byHashed[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
