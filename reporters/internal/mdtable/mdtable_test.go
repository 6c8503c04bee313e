package mdtable

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	tbl := New("name", "p50 ms>")
	tbl.Row("a|b", "1.5")
	tbl.Row("two\nlines", "10")
	tbl.Row("short")
	var buf bytes.Buffer
	if err := tbl.Write(&buf); err != nil {
		t.Fatal(err)
	}
	want := "| name      | p50 ms |\n" +
		"|:----------|-------:|\n" +
		"| a\\|b      |    1.5 |\n" +
		"| two lines |     10 |\n" +
		"| short     |        |\n" +
		"\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if tbl.Len() != 3 {
		t.Errorf("Len = %d", tbl.Len())
	}
	if strings.Contains(Escape("x\r\ny"), "\n") {
		t.Error("Escape kept a line break")
	}
}
