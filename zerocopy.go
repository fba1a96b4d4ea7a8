package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Zero-copy (-zero-copy acc,iracing): the daemon, started in a game's Wine prefix before the game, creates the
// game's named mappings itself, backed by files of -files-root (Z:\dev\shm under Wine: Linux's /dev/shm), at
// the sizes the catalogue knows. The game's CreateFileMapping then opens those objects, and its writes land in
// the files: a native Linux program reads them from /dev/shm with no copy at all. A game started first has
// made its mappings already: then the daemon says so, and a mirror is the way (docs/proton.md).

// zeroCopyPlan is the mappings -zero-copy makes: the catalogue's, of each family named, and their sizes.
func zeroCopyPlan(games []string) ([]registry.Options, error) {
	var plan []registry.Options
	srcs := catalogue.Sources()
	for _, g := range games {
		found := false
		for _, p := range catalogue.Producers {
			if catalogue.Game(p.Layout) != g {
				continue
			}
			found = true
			l, err := layout.Compile(srcs[p.Layout], nil, layout.DefaultLimits)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.Layout, err)
			}
			if l.Fixed <= 0 {
				return nil, fmt.Errorf("%s: the catalogue does not know the size of %s (its layout's size depends on the data): mirror it instead", g, p.Mapping)
			}
			file, _ := strings.CutPrefix(strings.TrimPrefix(p.Mapping, `Global\`), `Local\`)
			plan = append(plan, registry.Options{Name: p.Mapping, Size: int64(l.Fixed), Mode: registry.OpenOrCreate, File: file})
		}
		if !found {
			return nil, fmt.Errorf("no producer family %q in the catalogue (%s)", g, strings.Join(catalogue.Games(), ", "))
		}
	}
	return plan, nil
}

// makeZeroCopy creates -zero-copy's mappings, file-backed, and holds them. A name the prefix has already (the
// game started first) is said in the log, and left to a mirror.
func (d *daemon) makeZeroCopy() error {
	if len(d.c.zeroCopy) == 0 {
		return nil
	}
	if d.root == nil {
		return errors.New("-zero-copy creates file-backed mappings: give -files-root (under Wine: Z:\\dev\\shm)")
	}
	plan, err := zeroCopyPlan(d.c.zeroCopy)
	if err != nil {
		return fmt.Errorf("-zero-copy: %w", err)
	}
	for _, o := range plan {
		m, _, err := d.reg.OpenMapping(o)
		switch {
		case errors.Is(err, registry.ErrExists):
			d.log.Warn("zero-copy: the mapping exists already (the game started before the daemon): start the daemon first, or mirror it", "name", o.Name)
		case err != nil:
			return fmt.Errorf("-zero-copy: %s: %w", o.Name, err)
		default:
			d.log.Info("zero-copy: the game's mapping, backed by a file of -files-root", "name", m.Name(), "file", o.File, "size", o.Size)
		}
	}
	return nil
}
