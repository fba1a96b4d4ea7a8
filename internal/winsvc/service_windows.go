//go:build windows

package winsvc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/shmbridge/shmbridge/internal/token"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

const serviceUsage = `usage: shmbridge service COMMAND
  install [-name NAME] [-account ACCOUNT] [daemon flags]
        install the Windows service NAME (default shmbridge), started with the machine, that runs this
        binary with the daemon flags given. ACCOUNT: LocalService (the default), NetworkService,
        LocalSystem (gives every API caller SYSTEM's reach: avoid), or DOMAIN\user with the password
        in SHMBRIDGE_SERVICE_PASSWORD.
  start | stop | status | uninstall [-name NAME]
  run [-name NAME] [daemon flags]
        what the service manager starts; not for a terminal`

// serviceAccount is an account a service can run as: the name the service manager takes and its SID.
type serviceAccount struct{ name, sid string }

var builtinAccounts = map[string]serviceAccount{
	"localservice":   {`NT AUTHORITY\LocalService`, "S-1-5-19"},
	"networkservice": {`NT AUTHORITY\NetworkService`, "S-1-5-20"},
	"localsystem":    {"LocalSystem", "S-1-5-18"},
}

// serviceOptions are the options of `shmbridge service`; the daemon's flags follow them.
type serviceOptions struct{ name, account string }

// splitServiceArgs takes the leading -name and -account options (as -opt V or -opt=V) and returns the rest:
// the daemon's flags, which install validates and records for the service to run with.
func splitServiceArgs(args []string) (serviceOptions, []string, error) {
	o := serviceOptions{name: "shmbridge", account: "LocalService"}
	for len(args) > 0 {
		opt, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || opt != "name" && opt != "account" {
			break
		}
		if !hasValue {
			if len(args) < 2 {
				return o, nil, fmt.Errorf("-%s needs a value", opt)
			}
			value, args = args[1], args[1:]
		}
		args = args[1:]
		if opt == "name" {
			o.name = value
		} else {
			o.account = value
		}
	}
	return o, args, nil
}

// serviceCommand is `shmbridge service …`.
// Daemon is what the service runs, from package main: the daemon's flags are checked with Check (at
// install) and the daemon run with Run (in session 0, logging to w) until ctx ends.
type Daemon struct {
	Check func(args []string) error
	Run   func(ctx context.Context, args []string, log io.Writer) error
}

// Command is `shmbridge service …`: install, uninstall, start, stop, status, and run (what the service
// manager starts).
func Command(args []string, out io.Writer, d Daemon) error {
	if len(args) == 0 {
		return errors.New(serviceUsage)
	}
	o, daemonArgs, err := splitServiceArgs(args[1:])
	if err != nil {
		return err
	}
	if args[0] == "run" {
		return runService(o.name, daemonArgs, d)
	}
	if args[0] == "install" {
		return installService(o, daemonArgs, out, d)
	}
	if len(daemonArgs) > 0 {
		return fmt.Errorf("service %s takes only -name, not %q", args[0], daemonArgs)
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connecting to the service manager (run as administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(o.name)
	if err != nil {
		return fmt.Errorf("service %s: %w", o.name, err)
	}
	defer s.Close()
	switch args[0] {
	case "start":
		if err := s.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", o.name, err)
		}
		return waitState(s, svc.Running, out)
	case "stop":
		if _, err := s.Control(svc.Stop); err != nil {
			return fmt.Errorf("stopping %s: %w", o.name, err)
		}
		return waitState(s, svc.Stopped, out)
	case "status":
		return printStatus(s, out)
	case "uninstall":
		if st, err := s.Query(); err == nil && st.State != svc.Stopped {
			if _, err := s.Control(svc.Stop); err == nil {
				waitState(s, svc.Stopped, io.Discard)
			}
		}
		if err := s.Delete(); err != nil {
			return fmt.Errorf("deleting %s: %w", o.name, err)
		}
		eventlog.Remove(o.name)
		fmt.Fprintf(out, "uninstalled service %s (its token file stays in %s)\n", o.name, Dir(o.name))
		return nil
	}
	return errors.New(serviceUsage)
}

var stateNames = map[svc.State]string{svc.Stopped: "stopped", svc.StartPending: "starting", svc.StopPending: "stopping",
	svc.Running: "running", svc.ContinuePending: "continuing", svc.PausePending: "pausing", svc.Paused: "paused"}

// waitState waits up to 30 s for the service to reach want.
func waitState(s *mgr.Service, want svc.State, out io.Writer) error {
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		st, err := s.Query()
		if err != nil {
			return err
		}
		if st.State == want {
			fmt.Fprintf(out, "service %s %s\n", s.Name, stateNames[want])
			return nil
		}
		if want == svc.Running && st.State == svc.Stopped {
			return fmt.Errorf("service %s stopped at start (exit code %d, service code %d): its reason is in the Application event log, source %s",
				s.Name, st.Win32ExitCode, st.ServiceSpecificExitCode, s.Name)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("service %s is %s after 30 s, not %s", s.Name, stateNames[st.State], stateNames[want])
		}
	}
}

func printStatus(s *mgr.Service, out io.Writer) error {
	st, err := s.Query()
	if err != nil {
		return err
	}
	// QueryServiceConfig itself, not mgr's Config, which also asks QueryServiceConfig2 for levels Wine lacks.
	n := uint32(1024)
	for {
		b := make([]byte, n)
		c := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&b[0]))
		err := windows.QueryServiceConfig(s.Handle, c, n, &n)
		if err == windows.ERROR_INSUFFICIENT_BUFFER {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "service %s %s\n  pid      %d\n  account  %s\n  command  %s\n", s.Name, stateNames[st.State],
			st.ProcessId, windows.UTF16PtrToString(c.ServiceStartName), windows.UTF16PtrToString(c.BinaryPathName))
		return nil
	}
}

// serviceDir is where a service keeps its token: %ProgramData%\NAME.
// Dir is the service NAME's folder, %ProgramData%\NAME: its token file is there.
func Dir(name string) string {
	return filepath.Join(cmp.Or(os.Getenv("ProgramData"), `C:\ProgramData`), name)
}

// hasFlag reports whether args set the daemon flag name (-name, --name, with or without =value).
func hasFlag(args []string, name string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		f, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		return strings.HasPrefix(a, "-") && f == name
	})
}

// installService installs the service: it validates the daemon flags, gives the service a token file in
// %ProgramData%\NAME (readable by SYSTEM, Administrators, the service's account and the installing user) and a
// default security descriptor that lets the installing user's programs open what it creates.
func installService(o serviceOptions, daemonArgs []string, out io.Writer, d Daemon) error {
	if err := d.Check(daemonArgs); err != nil {
		return fmt.Errorf("the daemon flags after install: %w", err)
	}
	acct, password, err := resolveAccount(o.account)
	if err != nil {
		return err
	}
	installer, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return err
	}
	user := installer.User.Sid.String()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if !hasFlag(daemonArgs, "token-file") && !hasFlag(daemonArgs, "no-auth") {
		tokenFile, err := makeServiceToken(o.name, acct.sid, user)
		if err != nil {
			return fmt.Errorf("the service's token: %w", err)
		}
		daemonArgs = append(daemonArgs, "-token-file", tokenFile)
		fmt.Fprintf(out, "token: %s (readable by SYSTEM, Administrators, %s and you)\n", tokenFile, acct.name)
	}
	if !hasFlag(daemonArgs, "sddl") {
		daemonArgs = append(daemonArgs, "-sddl", fmt.Sprintf("D:P(A;;GA;;;SY)(A;;GA;;;%s)(A;;GA;;;%s)", acct.sid, user))
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connecting to the service manager (run as administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.CreateService(o.name, exe, mgr.Config{
		DisplayName:      "shmbridge (" + o.name + ")",
		Description:      "Named shared memory over HTTP",
		StartType:        mgr.StartAutomatic,
		ServiceStartName: acct.name,
		Password:         password,
	}, append([]string{"service", "run", "-name", o.name}, daemonArgs...)...)
	if err != nil {
		return fmt.Errorf("creating service %s: %w", o.name, err)
	}
	defer s.Close()
	if err := eventlog.InstallAsEventCreate(o.name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil &&
		!strings.Contains(err.Error(), "exists") {
		s.Delete()
		return fmt.Errorf("registering event log source %s: %w", o.name, err)
	}
	// Restart after a crash: 5 s, then 30 s; the count resets after a day without one.
	if err := s.SetRecoveryActions([]mgr.RecoveryAction{{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second}}, 24*60*60); err != nil {
		fmt.Fprintf(out, "note: no restart-on-failure actions: %v\n", err)
	}
	fmt.Fprintf(out, "installed service %s: runs as %s, starts with the machine; start it now with: shmbridge service start -name %s\n",
		o.name, acct.name, o.name)
	fmt.Fprintln(out, `it runs in session 0: share memory with programs in users' sessions through Global\ names`)
	if acct.sid == builtinAccounts["localsystem"].sid {
		fmt.Fprintln(out, "WARNING: LocalSystem: every client with the token can read and write any named object on this machine, with SYSTEM's rights")
	}
	return nil
}

// resolveAccount maps LocalService, NetworkService, LocalSystem (any case) or DOMAIN\user to the account;
// a user account's password comes from SHMBRIDGE_SERVICE_PASSWORD, never from the command line.
func resolveAccount(name string) (serviceAccount, string, error) {
	// "LocalService", "Local Service", `NT AUTHORITY\LocalService`: any spelling of a built-in account.
	key := strings.ReplaceAll(strings.TrimPrefix(strings.ToLower(name), `nt authority\`), " ", "")
	if a, ok := builtinAccounts[key]; ok {
		return a, "", nil
	}
	sid, _, _, err := windows.LookupSID("", name)
	if err != nil {
		return serviceAccount{}, "", fmt.Errorf("-account %s: %w", name, err)
	}
	password := os.Getenv("SHMBRIDGE_SERVICE_PASSWORD")
	if password == "" {
		return serviceAccount{}, "", fmt.Errorf("-account %s: put its password in SHMBRIDGE_SERVICE_PASSWORD", name)
	}
	return serviceAccount{name, sid.String()}, password, nil
}

// makeServiceToken makes %ProgramData%\NAME\token if it is not there (a reinstall keeps the token) and
// (re)applies the folder's protected DACL, which the file inherits: full control for SYSTEM and
// Administrators, read for the service's account and the installing user; nobody else.
func makeServiceToken(name, accountSID, installerSID string) (string, error) {
	dir := Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	sd, err := windows.SecurityDescriptorFromString(fmt.Sprintf("D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FR;;;%s)(A;OICI;FR;;;%s)",
		accountSID, installerSID))
	if err != nil {
		return "", err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return "", err
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		return "", fmt.Errorf("setting the DACL of %s: %w", dir, err)
	}
	file := filepath.Join(dir, "token")
	if _, err := token.Create(file); err != nil { // a reinstall keeps the token there
		return "", err
	}
	return file, nil
}

// runService is what the service manager starts (`shmbridge service run`): the daemon, logging to the
// Windows Event Log, stopped on a service stop or shutdown exactly as Ctrl+C stops it in a terminal.
func runService(name string, daemonArgs []string, d Daemon) error {
	elog, err := eventlog.Open(name)
	if err != nil {
		return err
	}
	defer elog.Close()
	return svc.Run(name, &serviceHandler{args: daemonArgs, log: eventlogWriter{elog}, run: d.Run})
}

type serviceHandler struct {
	args []string
	log  eventlogWriter
	run  func(ctx context.Context, args []string, log io.Writer) error
}

// Execute answers the service manager at once (Running as soon as the daemon is started) and turns Stop and
// Shutdown into the daemon's own shutdown.
func (h *serviceHandler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- h.run(ctx, h.args, h.log) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case err := <-done: // ended by itself: a bad flag, a port in use
			if err != nil {
				h.log.l.Error(1, "shmbridge: "+err.Error())
				return true, 1
			}
			return false, 0
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: 10000}
				stop()
				if err := <-done; err != nil {
					h.log.l.Error(1, "shmbridge: "+err.Error())
					return true, 1
				}
				return false, 0
			}
		}
	}
}

// eventlogWriter sends each log record (slog's text handler writes one line per record) to the Event Log,
// as an error, a warning or information after its level.
type eventlogWriter struct{ l *eventlog.Log }

func (w eventlogWriter) Write(p []byte) (int, error) {
	msg := strings.TrimRight(string(p), "\n")
	var err error
	switch {
	case strings.Contains(msg, " level=ERROR "):
		err = w.l.Error(1, msg)
	case strings.Contains(msg, " level=WARN "):
		err = w.l.Warning(1, msg)
	default:
		err = w.l.Info(1, msg)
	}
	return len(p), err
}
