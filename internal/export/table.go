package export

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// table is an export's format.
type table interface {
	// begin writes the header: the columns' paths, and the first row's values (a format that types its
	// columns types them by these).
	begin(paths []string, first []json.RawMessage, counter bool) error
	// row writes one frame's row: its values by column (nil: no value).
	row(t time.Time, counter uint64, values []json.RawMessage) error
	end() error
}

// csvTable is a CSV table: the time in RFC 3339, the values as the JSON writes them, strings unquoted.
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

// cellText is a value as a cell: a string's text, a number or boolean as written, null and nothing empty.
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
