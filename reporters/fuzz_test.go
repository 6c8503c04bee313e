package reporters

import (
	"bytes"
	"testing"

	"github.com/scenebench/runner/runner/results"
)

const smallResults = `{"schema_version":1,"title":"t","report":{"baseline":"a"},
"datasets":[{"name":"d","prims":10,"files":[{"format":"a","bytes":100},{"format":"b","bytes":50}]},
{"name":"e","prims":100,"files":[{"format":"a","bytes":1000}]}],
"cells":[
{"id":"d/a/s","dataset":"d","format":"a","format_name":"p","variant":{"compression":"none"},"scenario":"s","status":"ok",
 "steps":[{"name":"open","op":"open","samples_ns":[5,6,7],"stats":{"median_ns":6,"ci95_low_ns":5,"ci95_high_ns":7}},
 {"name":"traverse","op":"traverse","ops":10,"samples_ns":[50,60],"stats":{"median_ns":55},"probes":[{"prims":5,"rss_bytes":1000},{"prims":10,"rss_bytes":2000}]}]},
{"id":"d/b/s","dataset":"d","format":"b","format_name":"p","variant":{"compression":"zstd"},"scenario":"s","status":"mismatch",
 "steps":[{"name":"open","op":"open","samples_ns":[1],"stats":{"median_ns":1}},{"name":"traverse","op":"traverse","ops":10,"digest":"x","samples_ns":[9],"stats":{"median_ns":9}}]},
{"id":"e/a/s","dataset":"e","format":"a","scenario":"s","status":"timeout","error":"slow"}]}`

// FuzzRender feeds arbitrary bytes through Read and every renderer: bad
// input must give an error, never a panic.
func FuzzRender(f *testing.F) {
	f.Add([]byte(smallResults))
	f.Add([]byte(`{"schema_version":1}`))
	f.Add([]byte(`{"schema_version":1,"cells":[{"id":"x","status":"ok","steps":[{"name":"s","op":"get","samples_ns":[0],"probes":[{"prims":-1,"rss_bytes":-5}]}]}]}`))
	f.Add([]byte(`{"schema_version":1,"datasets":[{"name":"d","prims":1},{"name":"d","prims":2}],"cells":[{"dataset":"d","scenario":"s","status":"ok","steps":[{"name":"a","op":"traverse","samples_ns":[1e300],"stats":{"median_ns":1e300,"ci95_high_ns":1.7e308}}]}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := results.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, format := range Formats() {
			var buf bytes.Buffer
			_ = Render(&buf, file, format, Options{Color: true})
		}
		_, _ = Compare(&bytes.Buffer{}, file, file, CompareOptions{Format: "md"})
	})
}
