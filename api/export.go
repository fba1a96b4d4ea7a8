package api

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/export"
	"github.com/shmbridge/shmbridge/internal/record"
)

// An export decodes a recording's frames by a layout into a table (package export): a column per field (its
// path), a row per frame, streamed as the frames are read.

// exportFields godoc
//
//	@Summary		Export a recording's decoded fields
//	@ID				exportFields
//	@Description	Every frame of the recording decoded by a layout (default: the one it was recorded with; a range's
//	@Description	recording is decoded from the range's first byte) as a table: a header row of field paths (`time`, then
//	@Description	`frame` where the recording has a frame counter, then each field's path: `wheels[0].pressure`), one row
//	@Description	per frame. The columns are the first frame's fields (`fields=` selects them); a field a later frame
//	@Description	lacks is empty. `format=csv` (the time in RFC 3339) or `parquet` (the time a timestamp in nanoseconds,
//	@Description	integers INT64, floats DOUBLE, booleans, strings; every field optional). Streamed: a frame that does
//	@Description	not decode after the first ends the transfer short.
//	@Tags			recordings
//	@Param			id		path	string	true	"Recording id"
//	@Param			layout	query	string	false	"Layout id (default: the recording's)"
//	@Param			fields	query	string	false	"Comma-separated field paths: a.b,c[2]"
//	@Param			format	query	string	false	"csv (default) or parquet"	Enums(csv, parquet)
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: no layout, a bad fields list, too many columns"
//	@Failure		404	{object}	Problem	"not-found: the recording, the layout"
//	@Failure		422	{object}	Problem	"decode-failed: the first frame does not fit the layout; version-mismatch: it fails the layout's version checks (see path); invalid-recording (see offset)"
//	@Produce		text/csv,application/vnd.apache.parquet
//	@Success		200	{file}	file	"the table"
//	@Security		BearerAuth
//	@Router			/v1/recordings/{id}/fields [get]
func (s *server) exportFields(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	format, err := export.ParseFormat(q.Get("format"))
	if err != nil {
		return err
	}
	rec, err := s.recordings.Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	rd, closer, err := rec.Reader(true)
	if err != nil {
		return err
	}
	defer closer.Close()
	l, err := record.LayoutOf(rd.Header(), s.layouts, q.Get("layout"))
	if err != nil {
		return err
	}
	return export.Write(w, rd, l, export.Options{Format: format, Fields: q.Get("fields"), Begin: func() {
		w.Header().Set("Content-Type", format.MediaType())
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, rec.ID, format))
	}})
}
