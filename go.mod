module github.com/shmbridge/shmbridge

go 1.26.8

require (
	github.com/go-chi/chi/v5 v5.5.0
	golang.org/x/sys v0.49.0
	golang.org/x/text v0.43.0
)

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
)

tool (
	golang.org/x/perf/cmd/benchstat
	golang.org/x/sys/windows/mkwinsyscall
)
