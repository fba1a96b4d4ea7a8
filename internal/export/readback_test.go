//go:build !windows

package export

// The read-back runs node, a program of the Linux side: the Windows binary under Wine has no node.exe to run.
// The writer is the same pure Go on both (TestWriteParquet runs on both), so the Linux run's read-back holds
// for the Windows binary's files too.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestParquetReadBack: the Parquet file as a reader of its own reads it (hyparquet, npm, .ci/parquet): columns
// in the CSV's order, typed as the layout types the fields, zstd, and every value the CSV's.
func TestParquetReadBack(t *testing.T) {
	reader, err := filepath.Abs("../../.ci/parquet/read.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(reader), "node_modules", "hyparquet")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("hyparquet is not installed (cd .ci/parquet && npm ci): %v", err)
		}
		t.Skip("hyparquet is not installed: cd .ci/parquet && npm ci")
	}
	var pq, csvOut bytes.Buffer
	rd, l := recording(t)
	if err := Write(&pq, rd, l, Options{Format: Parquet}); err != nil {
		t.Fatal(err)
	}
	rd, l = recording(t)
	if err := Write(&csvOut, rd, l, Options{Format: CSV}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(testutil.TempDir(t), "t.parquet")
	os.WriteFile(file, pq.Bytes(), 0o600)
	out, err := exec.Command("node", reader, file).Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", reader, err, out)
	}
	var got struct {
		Columns []struct {
			Name, Type string
			Logical    map[string]any
		}
		Codecs []string
		Rows   []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	table, _ := csv.NewReader(&csvOut).ReadAll()
	var names, types []string
	for _, c := range got.Columns {
		names = append(names, c.Name)
		typ := c.Type
		if c.Logical != nil {
			typ += fmt.Sprintf(" %v", c.Logical["type"])
			if w, ok := c.Logical["bitWidth"]; ok {
				typ += fmt.Sprintf("(%v,%v)", w, c.Logical["isSigned"])
			}
		}
		types = append(types, typ)
	}
	if !slices.Equal(names, table[0]) {
		t.Errorf("columns %v, the CSV's %v", names, table[0])
	}
	want := []string{"INT64 TIMESTAMP", "INT64 INTEGER(64,false)", "INT32 INTEGER(16,true)", "INT64 INTEGER(64,false)",
		"FLOAT", "BOOLEAN", "INT32 INTEGER(8,false)", "BYTE_ARRAY STRING", "BYTE_ARRAY STRING"}
	if !slices.Equal(types, want) {
		t.Errorf("types %q, want %q", types, want)
	}
	if !slices.Equal(got.Codecs, []string{"ZSTD"}) {
		t.Errorf("codecs %v, want ZSTD", got.Codecs)
	}
	if len(got.Rows) != len(table)-1 {
		t.Fatalf("%d rows, the CSV %d", len(got.Rows), len(table)-1)
	}
	for i, row := range got.Rows {
		for j, name := range names[1:] { // the time: an instant in both, written differently
			if cell := fmt.Sprint(row[name]); cell != table[i+1][j+1] {
				t.Errorf("row %d %s: %q, the CSV's %q", i, name, cell, table[i+1][j+1])
			}
		}
	}
}
