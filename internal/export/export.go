// Package export writes a recording's frames, decoded by a layout, as a table: a column per field (its
// path), a row per frame. It is written as the frames are read: CSV row by row, Parquet a row group at a time.
package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/view"
)

const (
	// MaxColumns caps a table's columns (a layout's big arrays: select fewer fields).
	MaxColumns = 10000
	// groupBytes sizes a Parquet row group: what the writer holds before it writes one.
	groupBytes = 8 << 20
)

// Format is a table's file format, and the extension of its file.
type Format string

// The formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ErrInvalid is a table that cannot be made as asked: an unknown format, a field list that does not parse,
// too many columns (the error says why).
var ErrInvalid = errors.New("invalid export")

type invalidError string

func (e invalidError) Error() string        { return string(e) }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

// ParseFormat is the format named: csv (also ""), or parquet.
func ParseFormat(name string) (Format, error) {
	switch f := Format(name); f {
	case "", CSV:
		return CSV, nil
	case Parquet:
		return Parquet, nil
	}
	return "", invalidError(`format must be "csv" or "parquet"`)
}

// MediaType is the format's media type.
func (f Format) MediaType() string {
	if f == Parquet {
		return "application/vnd.apache.parquet"
	}
	return "text/csv; charset=utf-8"
}

// Options say what table to write.
type Options struct {
	Format Format
	// Fields are the comma-separated paths of the fields that are columns ("": all of them): a.b,c[2].
	Fields string
	// Begin, if set, is called once, right before the table's first byte is written.
	Begin func()
}

// Write writes the frames rd reads, decoded by l, to w as a table: `time`, then `frame` where the recording
// has a frame counter, then a column per field of the first frame (o.Fields selects them; a field a later
// frame lacks is empty). An error before o.Begin is called leaves w untouched; after it, the table is cut
// short.
func Write(w io.Writer, rd *record.Reader, l *layout.Layout, o Options) error {
	sel, err := layout.ParseSelection(o.Fields)
	if err != nil {
		return invalidError("fields: " + err.Error())
	}
	wanted := selectedPaths(o.Fields)
	var t table
	if o.Format == Parquet {
		t = &parquetTable{out: w, types: fieldTypes(l)}
	} else {
		t = &csvTable{out: csv.NewWriter(w)}
	}
	begin := func(paths []string, first []json.RawMessage) error {
		if o.Begin != nil {
			o.Begin()
		}
		return t.begin(paths, first, rd.Header().Counter)
	}
	var buf []byte
	var cols map[string]int
	var row []json.RawMessage
	for {
		f, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		v, err := view.Decode(context.Background(), l, f.Bytes)
		if err == nil {
			buf, err = v.AppendJSON(buf[:0], sel, view.MaxJSON)
		}
		if err != nil {
			return err // before the first row: nothing written; after it, a table cut short
		}
		if cols == nil {
			paths, first, err := columns(buf, wanted)
			if err != nil {
				return err
			}
			cols, row = make(map[string]int, len(paths)), make([]json.RawMessage, len(paths))
			for i, p := range paths {
				cols[p] = i
			}
			if err := begin(paths, first); err != nil {
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
		if err := begin(nil, nil); err != nil {
			return err
		}
	}
	return t.end()
}

// columns are a table's columns, found in its first frame's JSON: the paths wanted, and their values.
func columns(doc []byte, wanted func(string) bool) (paths []string, first []json.RawMessage, err error) {
	err = leaves(doc, func(path string, v json.RawMessage) error {
		if !wanted(path) {
			return nil // an item of an array not selected (null in the JSON)
		}
		if len(paths) == MaxColumns {
			return invalidError(fmt.Sprintf("more than %d fields: select fewer with ?fields=", MaxColumns))
		}
		paths, first = append(paths, path), append(first, v)
		return nil
	})
	return paths, first, err
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
