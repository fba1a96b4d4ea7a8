package api

import (
	"net/http"
	"strings"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// What mappings, events and mutexes have in common in the API: closing one, listing them, and the hint a
// create answers.

// closeObject answers the DELETE of a mapping, event or mutex (of kind k): close the one {name} names, and with
// ?unlink= remove its name.
func (s *server) closeObject(w http.ResponseWriter, r *http.Request, k registry.Kind, close func(name string, unlink bool) (string, error)) error {
	unlink, err := boolParam(queryOf(r), "unlink")
	if err != nil {
		return err
	}
	name, err := pathName(r)
	if err != nil {
		return err
	}
	closed, err := close(name, unlink)
	if err != nil {
		return err
	}
	s.log.Info(string(k)+" closed", "name", closed, "unlink", unlink)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// opened answers a create or open of an object of kind k: 201 with its Location when the daemon opened it
// now, 200 when it held it already (an open of a name it holds answers that object).
func (s *server) opened(w http.ResponseWriter, k registry.Kind, name string, already bool, body any) error {
	w.Header().Set("Location", objectURL(k, name))
	if already {
		return writeJSON(w, http.StatusOK, body)
	}
	return writeJSON(w, http.StatusCreated, body)
}

// writeList answers a list of held objects, shown by show ([] when there are none).
func writeList[T, J any](w http.ResponseWriter, items []T, show func(T) J) error {
	list := make([]J, 0, len(items))
	for _, it := range items {
		list = append(list, show(it))
	}
	return writeJSON(w, http.StatusOK, list)
}

// sessionHint is what a create answers in Hint: empty, except when the daemon runs in session 0 (a Windows
// service) and created a name that is not a Global\ one, which programs in users' sessions would never see.
func (s *server) sessionHint(name string, created bool) string {
	if !s.session0 || !created || strings.HasPrefix(strings.ToLower(name), `global\`) {
		return ""
	}
	return `this daemon runs as a Windows service, in session 0: ` + name + ` is in session 0's Local\ namespace, ` +
		`which programs in a user's session do not see; use a Global\ name to share with them`
}
