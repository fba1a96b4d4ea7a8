// Package web is shmbridge's dashboard: plain HTML, CSS and ES modules (no framework, no build step), embedded
// in the binary and served by the daemon at / and /ui/.
//
//	index.html     the page
//	style.css      its looks (byte classes after hexyl's)
//	app.js         the composition root: makes the parts below and wires them together; the refresh every second
//	session.js     login (the token pasted, or the daemon's login link), logout, the session's renewal
//	status.js      the message box and the connection badge
//	objects.js     the lists: mappings, events (their signals, live), mutexes, what the OS has; the create forms
//	api.js         fetch over the REST API with the tab's session, watch streams read with fetch; problems as errors
//	hexview.js     the paged, live hex grid with cursor, selection, editing, inspector and text pane
//	bytes.js       pure functions: byte classes, value decoding, hex/base64/C-array formatting, times
//	fields.js      the Fields pane: a mapping decoded by a layout, live; pins for the chart
//	editor.js      the layout editor: a .ksy or a C header tried on the mapping as typed, its problems, Save
//	chart.js       the chart of pinned fields (uPlot)
//	recordings.js  the Recordings section: record the mapping in view; list, stop, download, replay, delete
//	tokens.js      the Tokens section: make a scoped token for a mapping (its secret and overlay link shown once),
//	               list, revoke
//	publishers.js  the Publishers section: publish the mapping in view (mqtt, metrics); list, delete
//	mirrors.js     the Mirrors section: mirror another daemon's mapping or a producer here; list, delete or detach
//	demo.js        the demo, the page's empty state: what the dashboard does; start the demo, open its pages, stop it
//	dom.js         el() (the one way the page makes elements, with text, never HTML), buttons, table rows and cells
//	uplot.*        uPlot's ES module, stylesheet and licence, copied from its locked npm package by .ci/vendor-web
//	favicon.svg    the tab's icon
//
// The files are public (they are this repository's): the daemon serves them without a token, and everything
// they show comes from the API, which needs one.
package web

import "embed"

// FS holds the dashboard's files.
//
//go:embed index.html *.css *.js favicon.svg uplot.LICENSE
var FS embed.FS
