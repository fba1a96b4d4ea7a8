package view

import (
	"fmt"
	"os"
	"runtime"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Warnings are what a read of m by l likely gets wrong, in this order: the layout's own (layout.Lint: numbers
// where a C compiler would not put them), then a fixed size other than the mapping's. Larger, a decoded read
// is refused (New's *LargerError): the warning is for the reads that are not decoded, the mapping's raw bytes.
// Smaller is compared only for a layout that reads just its fixed size (one that looks at its whole stream,
// an instance at a pos, expects more), and, where the OS gives the size of a mapping opened without one only
// to the page (Windows), only when the layout leaves a page or more undescribed.
func Warnings(m *registry.Mapping, l *layout.Layout) []layout.Warning {
	w := layout.Lint(l)
	size := m.Size()
	if l.Fixed > 0 && int64(l.Fixed) > size {
		return append(w, layout.Warning{Detail: fmt.Sprintf("the layout's fixed size is %d bytes but the mapping is %d bytes: "+
			"a read by it would end %d bytes past the mapping's end, and is refused", l.Fixed, size, int64(l.Fixed)-size)})
	}
	if l.Prefix <= 0 || int64(l.Prefix) >= size {
		return w
	}
	if pageRounded(m) && roundUp(int64(l.Prefix), int64(os.Getpagesize())) >= size {
		return w
	}
	n := size - int64(l.Prefix)
	return append(w, layout.Warning{Detail: fmt.Sprintf("the layout's fixed size is %d bytes but the mapping is %d bytes: %d %s not described "+
		"(padding a C compiler adds, or fields the layout leaves out)", l.Prefix, size, n, plural(n, "byte is", "bytes are"))})
}

// pageRounded says whether m's size is the OS's, a whole number of pages: on Windows, a mapping another
// program made, opened without a size.
func pageRounded(m *registry.Mapping) bool {
	return runtime.GOOS == "windows" && m.RequestedSize() == 0
}

func roundUp(n, to int64) int64 { return (n + to - 1) / to * to }

func plural(n int64, one, more string) string {
	if n == 1 {
		return one
	}
	return more
}
