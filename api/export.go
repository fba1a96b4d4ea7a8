package api

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/parquet-go/parquet-go"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/view"
)

// An export decodes a recording's frames by a layout into a table: a column per field (its path), a row per
// frame. It is streamed as the frames are read: CSV row by row, Parquet a row group at a time.

const (
	// maxExportColumns caps a table's columns (a layout's big arrays: select fewer with ?fields=).
	maxExportColumns = 10000
	// exportGroupBytes sizes a Parquet row group: what the writer holds before it writes one.
	exportGroupBytes = 8 << 20
)

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
//	@Failure		422	{object}	Problem	"decode-failed: the first frame does not fit the layout; invalid-recording (see offset)"
//	@Produce		text/csv,application/vnd.apache.parquet
//	@Success		200	{file}	file	"the table"
//	@Security		BearerAuth
//	@Router			/v1/recordings/{id}/fields [get]
func (s *server) exportFields(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	format := q.Get("format")
	if format != "" && format != "csv" && format != "parquet" {
		return fail(probInvalidRequest, `format must be "csv" or "parquet"`)
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
	h := rd.Header()
	l, err := s.recordingLayout(h, q.Get("layout"))
	if err != nil {
		return err
	}
	sel, err := layout.ParseSelection(q.Get("fields"))
	if err != nil {
		return fail(probInvalidRequest, "fields: "+err.Error())
	}
	wanted := selectedPaths(q.Get("fields"))
	var t table
	if format == "parquet" {
		t = &parquetTable{out: w, types: fieldTypes(l)}
	} else {
		t = &csvTable{out: csv.NewWriter(w)}
	}
	var buf []byte
	var cols map[string]int
	var row []json.RawMessage
	for n := 0; ; n++ {
		f, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		v, err := l.Decode(f.Bytes)
		if err == nil {
			buf, err = v.AppendJSON(buf[:0], sel, view.MaxJSON)
		}
		if err != nil {
			return err // before the first row: a problem; after it, a transfer cut short
		}
		if cols == nil {
			var paths []string
			var first []json.RawMessage
			if err := leaves(buf, func(path string, v json.RawMessage) error {
				if !wanted(path) {
					return nil // an item of an array not selected (null in the JSON)
				}
				if len(paths) == maxExportColumns {
					return fail(probInvalidRequest, fmt.Sprintf("more than %d fields: select fewer with ?fields=", maxExportColumns))
				}
				paths, first = append(paths, path), append(first, v)
				return nil
			}); err != nil {
				return err
			}
			cols = make(map[string]int, len(paths))
			for i, p := range paths {
				cols[p] = i
			}
			row = make([]json.RawMessage, len(paths))
			exportHeaders(w, rec.ID, format)
			if err := t.begin(paths, first, h.Counter); err != nil {
				return err
			}
		}
		clear(row)
		leaves(buf, func(path string, v json.RawMessage) error {
			if i, ok := cols[path]; ok {
				row[i] = v
			}
			return nil
		})
		if err := t.row(f.Time, f.Counter, row); err != nil {
			return err
		}
	}
	if cols == nil { // no frame: the header of a table with no fields
		exportHeaders(w, rec.ID, format)
		if err := t.begin(nil, nil, h.Counter); err != nil {
			return err
		}
	}
	return t.end()
}

func exportHeaders(w http.ResponseWriter, id, format string) {
	format = cmp.Or(format, "csv")
	ct := "text/csv; charset=utf-8"
	if format == "parquet" {
		ct = "application/vnd.apache.parquet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, id, format))
}

// recordingLayout is the layout a recording is decoded by: the saved layout id, or ("") its own (the source
// it was recorded with, compiled again with the imports it keeps).
func (s *server) recordingLayout(h record.Header, id string) (*layout.Layout, error) {
	if id != "" {
		e, err := s.layouts.Get(id)
		if err != nil {
			return nil, err
		}
		if e.Layout == nil {
			return nil, &apiError{ptype: probInvalidLayout, detail: fmt.Sprintf("the saved layout %q does not compile: %v", id, e.Problems), cause: e.Problems}
		}
		return e.Layout, nil
	}
	if h.LayoutSource == "" {
		return nil, fail(probInvalidRequest, "the recording is of a range of bytes, not a layout's frames: name a layout to decode it by with ?layout=ID")
	}
	var l *layout.Layout
	var err error
	if h.LayoutImports == nil { // it imports nothing, or was made before imports were kept: the saved ones
		l, err = s.layouts.Compile([]byte(h.LayoutSource))
	} else {
		l, err = layout.Compile([]byte(h.LayoutSource), recordedImports(h.LayoutImports), layout.DefaultLimits)
	}
	if err != nil {
		return nil, fmt.Errorf("the layout the recording was made with (%s): %w", h.Layout, err)
	}
	return l, nil
}

// recordedImports resolves a recording's layout's imports among the sources it keeps (by id).
func recordedImports(srcs map[string]string) layout.Importer {
	return func(_, name string) (string, []byte, error) {
		src, ok := srcs[name]
		if !ok {
			return "", nil, fmt.Errorf("the recording keeps no layout %q to import", name)
		}
		return name, []byte(src), nil
	}
}

// layoutImports are the sources of the saved layouts src imports (directly or through another), by id: what
// a recording of src keeps, to be decoded by them later whatever the store holds by then. src is compiled with
// them, so that they are sources that compile together (nil: it imports nothing).
func (s *server) layoutImports(src []byte) (map[string]string, error) {
	var srcs map[string]string
	imp := func(_, name string) (string, []byte, error) {
		e, err := s.layouts.Get(name)
		if err != nil {
			return "", nil, fmt.Errorf("imports name saved layouts by id: %w", err)
		}
		if srcs == nil {
			srcs = map[string]string{}
		}
		srcs[name] = string(e.Source)
		return name, e.Source, nil
	}
	if _, err := layout.Compile(src, imp, layout.DefaultLimits); err != nil {
		return nil, err
	}
	return srcs, nil
}

// selectedPaths says whether a leaf's path is one of the list's or inside one of them (all of them for an
// empty list).
func selectedPaths(list string) func(path string) bool {
	if list == "" {
		return func(string) bool { return true }
	}
	paths := strings.Split(list, ",")
	return func(path string) bool {
		for _, p := range paths {
			if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
				return true
			}
		}
		return false
	}
}

// leaves calls emit with each scalar of a JSON document (numbers as they are written, strings quoted, null)
// and its path: a.b, c[2].d.
func leaves(doc []byte, emit func(path string, v json.RawMessage) error) error {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		start := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return err
				}
				p := k.(string)
				if path != "" {
					p = path + "." + p
				}
				if err := walk(p); err != nil {
					return err
				}
			}
			_, err = d.Token()
			return err
		case json.Delim('['):
			for i := 0; d.More(); i++ {
				if err := walk(path + "[" + strconv.Itoa(i) + "]"); err != nil {
					return err
				}
			}
			_, err = d.Token()
			return err
		}
		raw := bytes.TrimLeft(doc[start:d.InputOffset()], " \t\r\n,:")
		return emit(path, raw)
	}
	return walk("")
}

// table is an export's format.
type table interface {
	// begin writes the header: the columns' paths, and the first row's values (a format that types its
	// columns types them by these).
	begin(paths []string, first []json.RawMessage, counter bool) error
	// row writes one frame's row: its values by column (nil: no value).
	row(t time.Time, counter uint64, values []json.RawMessage) error
	end() error
}

type csvTable struct {
	out     *csv.Writer
	counter bool
	rec     []string
}

func (c *csvTable) begin(paths []string, _ []json.RawMessage, counter bool) error {
	c.counter = counter
	head := []string{"time"}
	if counter {
		head = append(head, "frame")
	}
	c.rec = make([]string, 0, len(head)+len(paths))
	return c.out.Write(append(head, paths...))
}

func (c *csvTable) row(t time.Time, counter uint64, values []json.RawMessage) error {
	c.rec = append(c.rec[:0], t.UTC().Format(time.RFC3339Nano))
	if c.counter {
		c.rec = append(c.rec, strconv.FormatUint(counter, 10))
	}
	for _, v := range values {
		c.rec = append(c.rec, csvCell(v))
	}
	return c.out.Write(c.rec)
}

func (c *csvTable) end() error {
	c.out.Flush()
	return c.out.Error()
}

// cellText is a value as a CSV cell: a string's text, a number or boolean as written, null and nothing empty.
func cellText(v json.RawMessage) string {
	switch {
	case len(v) == 0 || string(v) == "null":
		return ""
	case v[0] == '"':
		var s string
		json.Unmarshal(v, &s)
		return s
	}
	return string(v)
}

// csvCell is a value as a CSV cell, a string that a spreadsheet would take for a formula made text (CSV
// injection, as OWASP recommends): one that begins with =, +, -, @, a tab or a carriage return is prefixed
// with a single quote. Numbers are as written (-1 stays a number).
func csvCell(v json.RawMessage) string {
	s := cellText(v)
	if len(v) > 0 && v[0] == '"' && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Parquet columns' kinds.
const (
	colDouble = iota
	colInt
	colUint
	colBool
	colString
)

type parquetTable struct {
	out      io.Writer
	types    map[string]string // the layout's field types by path
	w        *parquet.Writer
	counter  bool
	kinds    []int // by column, in the order of the paths
	index    []int // the schema's column index of each path (a group's columns are in name order)
	timeCol  int
	frameCol int
	buf      parquet.Row
}

// fieldTypes are a layout's statically placed fields' types by path.
func fieldTypes(l *layout.Layout) map[string]string {
	m := make(map[string]string, len(l.Fields))
	for _, f := range l.Fields {
		m[f.Path] = f.Type
	}
	return m
}

// columnKind types a column by its field's type in the layout, or by its first value.
func columnKind(typ string, first json.RawMessage) int {
	switch {
	case strings.Contains(typ, " enum "):
		return colString
	case strings.HasPrefix(typ, "f"):
		return colDouble
	case strings.HasPrefix(typ, "u8"):
		return colUint
	case strings.HasPrefix(typ, "u") || strings.HasPrefix(typ, "s"):
		return colInt
	case typ == "b1":
		return colBool
	case strings.HasPrefix(typ, "b") && typ != "bytes":
		return colInt
	}
	switch {
	case len(first) == 0:
		return colString
	case first[0] == '"':
		return colString
	case string(first) == "true" || string(first) == "false":
		return colBool
	}
	return colDouble
}

func (p *parquetTable) begin(paths []string, first []json.RawMessage, counter bool) error {
	p.counter = counter
	g := parquet.Group{}
	names := map[string]bool{}
	reserved := func(name string) string { // a field named time or frame keeps its own column
		for names[name] {
			name = "_" + name
		}
		names[name] = true
		return name
	}
	colNames := make([]string, len(paths))
	for i, path := range paths {
		names[path] = true
		colNames[i] = path
	}
	timeName := reserved("time")
	g[timeName] = parquet.Timestamp(parquet.Nanosecond)
	frameName := ""
	if counter {
		frameName = reserved("frame")
		g[frameName] = parquet.Uint(64)
	}
	p.kinds = make([]int, len(paths))
	for i, path := range paths {
		var v json.RawMessage
		if i < len(first) {
			v = first[i]
		}
		k := columnKind(p.types[path], v)
		p.kinds[i] = k
		var n parquet.Node
		switch k {
		case colDouble:
			n = parquet.Leaf(parquet.DoubleType)
		case colInt:
			n = parquet.Int(64)
		case colUint:
			n = parquet.Uint(64)
		case colBool:
			n = parquet.Leaf(parquet.BooleanType)
		default:
			n = parquet.String()
		}
		g[path] = parquet.Optional(n)
	}
	schema := parquet.NewSchema("frame", g)
	order := map[string]int{}
	for i, f := range g.Fields() {
		order[f.Name()] = i
	}
	p.timeCol, p.frameCol = order[timeName], -1
	if counter {
		p.frameCol = order[frameName]
	}
	p.index = make([]int, len(paths))
	for i, name := range colNames {
		p.index[i] = order[name]
	}
	rows := max(64, int64(exportGroupBytes/(16*(len(paths)+2))))
	p.w = parquet.NewWriter(p.out, schema, parquet.MaxRowsPerRowGroup(rows))
	p.buf = make(parquet.Row, len(g.Fields()))
	return nil
}

func (p *parquetTable) row(t time.Time, counter uint64, values []json.RawMessage) error {
	p.buf[p.timeCol] = parquet.Int64Value(t.UnixNano()).Level(0, 0, p.timeCol)
	if p.frameCol >= 0 {
		p.buf[p.frameCol] = parquet.Int64Value(int64(counter)).Level(0, 0, p.frameCol)
	}
	for i, v := range values {
		col := p.index[i]
		p.buf[col] = parquetValue(p.kinds[i], v).Level(0, 1, col)
		if p.buf[col].IsNull() {
			p.buf[col] = parquet.NullValue().Level(0, 0, col)
		}
	}
	_, err := p.w.WriteRows([]parquet.Row{p.buf})
	return err
}

// parquetValue is a JSON value as a column of kind k takes it (null when it does not fit).
func parquetValue(k int, v json.RawMessage) parquet.Value {
	s := string(v)
	if len(v) == 0 || s == "null" {
		return parquet.NullValue()
	}
	switch k {
	case colDouble:
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return parquet.DoubleValue(x)
		}
	case colInt:
		if x, err := strconv.ParseInt(s, 10, 64); err == nil {
			return parquet.Int64Value(x)
		}
		if s == "true" || s == "false" {
			return parquet.Int64Value(map[bool]int64{false: 0, true: 1}[s == "true"])
		}
	case colUint:
		if x, err := strconv.ParseUint(s, 10, 64); err == nil {
			return parquet.Int64Value(int64(x))
		}
	case colBool:
		if s == "true" || s == "false" {
			return parquet.BooleanValue(s == "true")
		}
	default:
		return parquet.ByteArrayValue([]byte(cellText(v)))
	}
	return parquet.NullValue()
}

func (p *parquetTable) end() error {
	return p.w.Close()
}
