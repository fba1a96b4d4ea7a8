// Package web is shmbridge's dashboard: plain HTML, CSS and ES modules (no framework, no build step), embedded
// in the binary and served by the daemon at / and /ui/.
//
//	index.html   the page
//	style.css    its looks (byte classes after hexyl's)
//	app.js       start: login, the object lists and forms, the views
//	api.js       fetch over the REST API with the tab's session, watch streams read with fetch; problems as errors
//	hexview.js   the paged, live hex grid with cursor, selection, editing, inspector and text pane
//	bytes.js     pure functions: byte classes, value decoding, hex/base64/C-array formatting, times
//
// The files are public (they are this repository's): the daemon serves them without a token, and everything
// they show comes from the API, which needs one.
package web

import "embed"

// FS holds the dashboard's files.
//
//go:embed index.html style.css *.js
var FS embed.FS
