package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/demo"
	"github.com/shmbridge/shmbridge/internal/fds"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/mirror"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/privdir"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/replay"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/session"
	"github.com/shmbridge/shmbridge/internal/token"
	"github.com/shmbridge/shmbridge/internal/watch"
	"github.com/shmbridge/shmbridge/web"
)

// daemon is a configured shmbridge: its listener, its HTTP server over the API, and the registry of what it
// holds open.
type daemon struct {
	c           *config
	env         runEnv
	log         *slog.Logger
	root        *os.Root // nil without -files-root
	ln          net.Listener
	reg         *registry.Registry
	layouts     *layout.Store
	publishers  *publish.Store
	recordings  *record.Store
	mirrorStore *mirror.Store
	tokens      *scope.Store
	replays     *replay.Player
	broker      *mqtt.Config  // -mqtt's
	pages       *os.Root      // -pages-dir
	demo        *demo.Runtime // the demo producers: -demo's, POST /v1/demo's
	// publish runs the publishers; budget and hub are what it shares with the API: the memory every copy
	// takes its room from (-max-buffered), the watch streams' samplers.
	publish  *publish.Runtime
	mirrors  *mirror.Runtime
	budget   *budget.Bytes
	hub      *watch.Hub
	srv      *http.Server
	token    string
	tokenSrc string
	// loginCode is the one-time code of the dashboard's login link, printed in a terminal ("" elsewhere).
	loginCode string
	// cancelWaits ends long-polls, mutex waits and watch streams at shutdown, first, so that they end at once
	// (503, or event: closed) instead of holding the shutdown up.
	cancelWaits context.CancelFunc
}

// newDaemon sets up the daemon c describes: its log, files root, token, layouts, listener, registry and server.
// The saved layouts are loaded before the port is bound (a client never finds one missing that is only not
// loaded yet); ctx ending (SIGTERM) stops the loading.
func newDaemon(ctx context.Context, c *config, env runEnv) (_ *daemon, err error) {
	d := &daemon{c: c, env: env}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	var level slog.Level
	level.UnmarshalText([]byte(c.logLevel)) // checked by parseFlags
	d.log = slog.New(slog.NewTextHandler(env.log, &slog.HandlerOptions{Level: level}))
	if c.filesRoot != "" {
		if d.root, err = os.OpenRoot(c.filesRoot); err != nil {
			return nil, fmt.Errorf("-files-root: %w", err)
		}
	}
	if d.token, d.tokenSrc, err = resolveToken(c); err != nil {
		return nil, err
	}
	if env.terminal && d.token != "" {
		d.loginCode = rand.Text()
	}
	if d.layouts, err = openLayouts(ctx, c, d.log); err != nil {
		return nil, err
	}
	conns := d.fitDescriptors()
	if d.ln, err = net.Listen("tcp", c.listen); err != nil {
		return nil, err
	}
	var limited *fds.Listener
	if conns > 0 {
		limited = fds.NewListener(d.ln, conns)
		d.ln = limited
	}
	if d.publishers, err = openPublishers(c, d.log); err != nil {
		return nil, err
	}
	if d.recordings, err = openRecordings(c, d.log); err != nil {
		return nil, err
	}
	if d.mirrorStore, err = mirror.Open(storeDir(c, c.mirrorsFile, "mirrors.json"), c.maxMirrors); err != nil {
		return nil, fmt.Errorf("-mirrors-file: %w", err)
	}
	if c.pagesDir != "" {
		// An os.Root: no path, link or .. leads out of the directory.
		if d.pages, err = os.OpenRoot(c.pagesDir); err != nil {
			return nil, fmt.Errorf("-pages-dir: %w", err)
		}
	}
	if d.tokens, err = scope.Open(storeDir(c, c.tokensFile, "tokens.json"), 0); err != nil {
		return nil, fmt.Errorf("-tokens-file: %w", err)
	}
	privdir.Check(d.log, daemonDirs(c, d.tokenSrc))
	if c.mqttURL != "" {
		b, err := mqtt.FromFlags(c.mqttURL, c.mqttCredentials, c.mqttCA, c.mqttClientID)
		if err != nil {
			return nil, fmt.Errorf("-mqtt: %w", err)
		}
		d.broker = &b
	}
	d.reg = registry.New(d.root)
	d.reg.MaxMappings, d.reg.MaxSyncObjects, d.reg.DefaultSDDL = c.maxMappings, c.maxSync, c.sddl
	if err := d.makeZeroCopy(); err != nil {
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	d.cancelWaits = cancel
	cfg := d.apiConfig(base.Done())
	d.newRuntimes(&cfg)
	d.srv = newServer(api.New(d.reg, cfg), d.log)
	d.srv.BaseContext = func(net.Listener) context.Context { return base }
	if limited != nil {
		d.srv.ConnState = limited.ConnState
	}
	return d, nil
}

// newRuntimes makes what runs beside the API, sharing its memory budget and watch hub — the replay player,
// the publishers, the mirrors, the demo — and hands them to it in cfg. serve starts them, and stops them and
// waits for them.
func (d *daemon) newRuntimes(cfg *api.Config) {
	c := d.c
	d.budget = budget.New(cmp.Or(max(c.maxBuffered, 0), api.DefaultMaxBuffered))
	d.hub = api.NewHub(*cfg, d.budget)
	d.replays = replay.NewPlayer(d.log)
	d.publish = publish.NewRuntime(publish.Options{Store: d.publishers, Registry: d.reg, Layouts: d.layouts, Hub: d.hub,
		Budget: d.budget, Broker: d.broker, Version: version(), MinInterval: cmp.Or(c.minWatch, api.DefaultMinWatchInterval),
		MaxInterval: api.MaxWatchInterval, MaxSeries: cmp.Or(c.maxMetricSeries, api.DefaultMaxMetricSeries), Log: d.log})
	d.mirrors = mirror.NewRuntime(mirror.Options{Store: d.mirrorStore, Registry: d.reg, Layouts: d.layouts,
		MinInterval: cmp.Or(c.minWatch, api.DefaultMinWatchInterval), Log: d.log})
	d.demo = demo.NewRuntime(d.reg, d.log)
	cfg.Budget, cfg.Hub, cfg.Replays, cfg.PublishRuntime, cfg.Mirrors, cfg.Demo = d.budget, d.hub, d.replays, d.publish, d.mirrors, d.demo
}

// stopRuntimes stops what runs beside the API and waits for it, then closes what it used: the demo's producers
// (what they made removed), the replays and recordings first (they write into mappings and files), the
// publishers (watchers of the hub; then their broker's connection, its status left "offline"), the hub, and
// last every handle the daemon holds.
func (d *daemon) stopRuntimes() {
	d.stopDemo() // its producers stop writing, and what they made is removed
	d.mirrors.Close()
	d.replays.Close()
	d.recordings.Close() // each ends with its end record (reason shutdown)
	d.publish.Close()
	if err := d.tokens.Close(); err != nil { // the last uses not written yet
		d.log.Warn("the tokens' last uses were not kept", "error", err)
	}
	d.hub.Close() // the samplers of streams that ended, and of what else watched
	n := d.reg.CloseAll()
	d.log.Info("stopped", "closed_mappings", n.Mappings, "closed_events", n.Events, "closed_mutexes", n.Mutexes)
}

// fitDescriptors fits the caps on what holds file descriptors to the process's limit (see package fds), says
// so in the log when it lowers any, and answers how many connections the listener may hold (0: no cap).
func (d *daemon) fitDescriptors() int {
	c := d.c
	limit := fds.Limit()
	caps, conns, lowered := fds.Fit(fds.Caps{Mappings: c.maxMappings, SyncObjects: c.maxSync,
		Watchers: cmp.Or(c.maxWatchers, api.DefaultMaxWatchers), Waiters: cmp.Or(c.maxWaiters, api.DefaultMaxWaiters)}, limit)
	c.maxMappings, c.maxSync, c.maxWatchers, c.maxWaiters = caps.Mappings, caps.SyncObjects, caps.Watchers, caps.Waiters
	if len(lowered) > 0 {
		d.log.Warn("the file descriptor limit is too low for the caps: lowered them to fit, keeping room for the health check and a DELETE "+
			"(raise the limit: ulimit -n, or LimitNOFILE= in a systemd unit)", "limit", limit, "lowered", strings.Join(lowered, ", "))
	}
	if conns > 0 {
		d.log.Debug("file descriptors", "limit", limit, "max_connections", conns)
	}
	return conns
}

func (d *daemon) apiConfig(stopping <-chan struct{}) api.Config {
	c := d.c
	return api.Config{
		Hosts:            append(api.LoopbackHosts(d.ln.Addr().String()), c.extraHosts...),
		Logger:           d.log,
		Spec:             openapiSpec,
		Dashboard:        web.FS,
		Pages:            d.pagesFS(),
		Token:            d.token,
		LoginCode:        d.loginCode,
		LoginCodeUntil:   time.Now().Add(session.CodeLife),
		AllowedOrigins:   c.allowOrigin,
		MaxBody:          c.maxBody,
		RateLimit:        c.rateLimit,
		Burst:            c.burst,
		MaxWaiters:       c.maxWaiters,
		MaxBuffered:      c.maxBuffered,
		Build:            version(),
		Session0:         d.env.session0,
		MaxWatchers:      c.maxWatchers,
		MaxSamplers:      c.maxSamplers,
		MaxSampleRate:    c.maxSampleRate,
		MinWatchInterval: c.minWatch,
		Stopping:         stopping,
		Layouts:          d.layouts,
		Publishers:       d.publishers,
		Recordings:       d.recordings,
		Tokens:           d.tokens,
		MaxMetricSeries:  c.maxMetricSeries,
	}
}

// storeDir is where a store of the daemon keeps its files: the flag's directory; by default, name beside the
// token file; "" (in memory only) for "-", or with no token file.
func storeDir(c *config, flag, name string) string {
	switch {
	case flag == "-":
		return ""
	case flag == "" && c.tokenFile != "":
		return filepath.Join(filepath.Dir(c.tokenFile), name)
	}
	return flag
}

// daemonDirs are the directories the daemon keeps its files in: the token file's (when the token is read
// from it) and the stores'. Its own are the default token file's and a store's default (beside the token file):
// privdir.Check tightens those; one a flag named is only warned of.
func daemonDirs(c *config, tokenSrc string) []privdir.Dir {
	var dirs []privdir.Dir
	if tokenSrc == "file" || tokenSrc == "created" {
		dirs = append(dirs, privdir.Dir{Path: filepath.Dir(c.tokenFile), Own: c.tokenFile == token.DefaultFile()})
	}
	for _, s := range []struct{ flag, name string }{{c.layoutsDir, "layouts"}, {c.publishersDir, "publishers"}, {c.recordingsDir, "recordings"}} {
		dirs = append(dirs, privdir.Dir{Path: storeDir(c, s.flag, s.name), Own: s.flag == ""})
	}
	return dirs
}

// openPublishers loads the publishers: -publishers-dir, by default publishers/ beside the token file. A file
// there that does not parse is logged and skipped; it does not stop the daemon.
func openPublishers(c *config, log *slog.Logger) (*publish.Store, error) {
	s, err := publish.Open(storeDir(c, c.publishersDir, "publishers"), cmp.Or(c.maxPublishers, api.DefaultMaxPublishers))
	if s == nil {
		return nil, fmt.Errorf("-publishers-dir: %w", err)
	}
	if err != nil {
		log.Warn("a publisher's file does not parse: skipped", "error", err)
	}
	return s, nil
}

// openRecordings lists the recordings: -recordings-dir, by default recordings/ beside the token file. One a
// killed daemon left cut short is completed up to its last whole frame.
func openRecordings(c *config, log *slog.Logger) (*record.Store, error) {
	s, err := record.Open(storeDir(c, c.recordingsDir, "recordings"), record.Options{Budget: c.recordingsBudget,
		MinFree: c.recordingsMinFree, MaxActive: cmp.Or(c.maxRecordings, api.DefaultMaxRecordings), Log: log})
	if err != nil {
		return nil, fmt.Errorf("-recordings-dir: %w", err)
	}
	return s, nil
}

// openLayouts loads the saved layouts: -layouts-dir, by default layouts/ beside the token file. A file there
// that does not compile is listed with its errors; one that is not a regular file of at most a layout's size is
// left out. Neither stops the daemon, and the log never quotes a file's contents.
func openLayouts(ctx context.Context, c *config, log *slog.Logger) (*layout.Store, error) {
	dir := storeDir(c, c.layoutsDir, "layouts")
	skipped := func(file string, err error) {
		log.Warn("a layout file is left out", "file", filepath.Join(dir, file), "reason", err)
	}
	start := time.Now()
	s, err := layout.LoadStore(ctx, dir, layout.DefaultLimits, cmp.Or(c.maxLayouts, api.DefaultMaxLayouts), skipped)
	if ctx.Err() != nil {
		log.Info("stopped while loading the layouts")
	}
	if err != nil {
		return nil, fmt.Errorf("-layouts-dir: %w", err)
	}
	list := s.List()
	for _, e := range list {
		if e.Layout == nil && len(e.Problems) > 0 { // where, not what: the log never quotes a file
			p := e.Problems[0]
			log.Warn("a saved layout does not compile (GET /v1/layouts/"+e.ID+" lists why)", "id", e.ID, "problems", len(e.Problems), "first", fmt.Sprintf("%s (line %d)", p.Path, p.Line))
		}
	}
	log.Debug("layouts loaded", "dir", dir, "layouts", len(list), "took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// serve answers requests until ctx ends, then shuts down: waits end with 503, requests under way get 5 s,
// every handle is closed.
func (d *daemon) serve(ctx context.Context) error {
	d.publish.Start() // the kept mqtt publishers, publishing again
	d.mirrors.Start() // the kept mirrors, following their sources again
	d.startDemo()     // -demo: producers for the dashboard to show
	errc := make(chan error, 1)
	go func() { errc <- d.srv.Serve(d.ln) }()
	addr := d.ln.Addr().String()
	d.log.Info("shmbridge listening", "addr", "http://"+addr, "files_root", d.c.filesRoot, "version", version())
	announceAuth(d.log, d.token, d.tokenSrc, d.c.tokenFile, addr, d.loginCode)
	if d.env.session0 {
		d.log.Warn(`running as a Windows service, in session 0: Local\ names (and names without a prefix) are session 0's own, ` +
			`invisible to programs in users' sessions; share with them through Global\ names`)
	}
	select {
	case err := <-errc:
		d.stopRuntimes()
		return err
	case <-ctx.Done():
	}
	d.log.Info("shutting down")
	d.cancelWaits()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.srv.Shutdown(sctx); err != nil {
		d.log.Warn("connections still open at shutdown", "err", err)
	}
	<-errc // Serve has returned (ErrServerClosed)
	d.stopRuntimes()
	return nil
}

// close releases what newDaemon took that serve does not: the listener (if serve never ran) and the files root.
func (d *daemon) close() {
	if d.cancelWaits != nil {
		d.cancelWaits()
	}
	if d.ln != nil {
		d.ln.Close()
	}
	if d.root != nil {
		d.root.Close()
	}
}

// announceAuth tells the operator how clients authenticate, and where the dashboard is. In a terminal (a
// loginCode was made), the dashboard's link carries a one-time code: opening it logs the browser in, once, for
// 15 minutes; a link kept in the browser's history is worth nothing after. A log that goes elsewhere (a file,
// the journal, the Event Log) never holds a code, nor ever the token.
func announceAuth(log *slog.Logger, token, source, tokenFile, addr, loginCode string) {
	dashboard := "http://" + addr + "/"
	switch {
	case token == "":
		log.Warn("authentication is off (-no-auth): every program and user on this machine can read and write the mappings")
	case source == "env":
		log.Info("requests need the token in SHMBRIDGE_TOKEN", "curl", `curl --oauth2-bearer "$SHMBRIDGE_TOKEN" http://`+addr+"/v1/mappings")
	default:
		log.Info("requests need the bearer token", "token_file", tokenFile, "created", source == "created",
			"curl", fmt.Sprintf(`curl --oauth2-bearer "$(cat '%s')" http://%s/v1/mappings`, tokenFile, addr))
	}
	switch {
	case token == "":
		log.Info("dashboard", "url", dashboard)
	case loginCode != "":
		log.Info("dashboard: open this link to log in (it works once, within 15 minutes; then paste the token)", "url", dashboard+"#code="+loginCode)
	default:
		log.Info("dashboard: open it and paste the token", "url", dashboard)
	}
}

// Server timeouts: a client must send its headers within ReadHeaderTimeout; data transfers extend their own
// read and write deadlines past ReadTimeout and WriteTimeout as long as they move (api's transferClock).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
)

func newServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// pagesFS is -pages-dir's files (nil: none).
func (d *daemon) pagesFS() fs.FS {
	if d.pages == nil {
		return nil
	}
	return d.pages.FS()
}
