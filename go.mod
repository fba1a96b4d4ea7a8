module github.com/shmbridge/shmbridge

go 1.26.8

require (
	github.com/go-chi/chi/v5 v5.5.0
	golang.org/x/sys v0.49.0
	golang.org/x/text v0.43.0
)

tool golang.org/x/sys/windows/mkwinsyscall
