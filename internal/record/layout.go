package record

import (
	"errors"
	"fmt"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/view"
)

// ErrNoLayout: a recording of a range of bytes, not of a layout's frames, has no layout of its own to be
// decoded by: one must be named.
var ErrNoLayout = errors.New("the recording is of a range of bytes, not a layout's frames: name a layout to decode it by with ?layout=ID")

// LayoutOf is the layout a recording of header h is decoded by: the saved layout id, or ("") its own (the
// source it was recorded with, compiled again, once, with the imports it keeps; ErrNoLayout for a range's
// recording). A saved layout that does not compile is a *view.NotCompiledError.
func LayoutOf(h Header, saved *layout.Store, id string) (*layout.Layout, error) {
	if id != "" {
		e, err := saved.Get(id)
		if err != nil {
			return nil, err
		}
		if e.Layout == nil {
			return nil, &view.NotCompiledError{ID: id, Problems: e.Problems}
		}
		return e.Layout, nil
	}
	if h.LayoutSource == "" {
		return nil, ErrNoLayout
	}
	var l *layout.Layout
	var err error
	if h.LayoutImports == nil { // it imports nothing, or was made before imports were kept: the saved ones
		l, err = saved.Compile([]byte(h.LayoutSource))
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
func layoutImports(saved *layout.Store, src []byte) (map[string]string, error) {
	var srcs map[string]string
	imp := func(_, name string) (string, []byte, error) {
		e, err := saved.Get(name)
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
