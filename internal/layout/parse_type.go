package layout

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseFile reads one document's top level.
func (b *builder) parseFile(doc *yaml.Node) *typeSpec {
	root := &typeSpec{path: "", file: b.file}
	pairs := b.mapping(doc, "/")
	var meta *yaml.Node
	for _, kv := range pairs {
		if kv[0].Value == "meta" {
			meta = kv[1]
		}
	}
	if meta == nil {
		b.fail(deref(doc), "/meta", "no meta/id: a layout names itself in meta/id")
	}
	b.parseType(root, pairs, "", true)
	if b.file.id == "" && meta != nil {
		b.fail(meta, "/meta", "no meta/id: a layout names itself in meta/id")
	}
	root.name = b.file.id
	return root
}

// parseMeta reads a type's meta (the file's own when top).
func (b *builder) parseMeta(t *typeSpec, n *yaml.Node, path string, top bool) {
	pairs := b.mapping(n, path)
	b.keys(pairs, path, metaKeys...)
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		switch k {
		case "id":
			if s, ok := b.scalar(v, p); ok {
				if !validID.MatchString(s) {
					b.fail(v, p, "invalid meta ID %q, expected /^[a-z][a-z0-9_]*$/", s)
				} else if top {
					b.file.id = s
				}
			}
		case "endian":
			t.endian = b.parseEndian(v, p)
		case "bit-endian":
			if s, ok := b.scalar(v, p); ok {
				if s != "le" && s != "be" {
					b.fail(v, p, "expected be or le, got %q", s)
				}
				t.bitEndian = s
			}
		case "encoding":
			t.encoding = b.encoding(v, p)
		case "imports":
			if !top {
				b.fail(v, p, "imports belong in the top-level meta")
			}
			v = deref(v)
			if v == nil || v.Kind != yaml.SequenceNode {
				b.fail(v, p, "expected a list of layout ids, got %s", describe(v))
				continue
			}
			for i, item := range v.Content {
				ip := fmt.Sprintf("%s/%d", p, i)
				if s, ok := b.scalar(item, ip); ok {
					if id, ok := importID(s); ok {
						b.imports = append(b.imports, pendingImport{name: id, node: item, path: ip})
					} else {
						b.fail(item, ip, "%q is not a Kaitai path: an import is a layout's id (lower-case letters, digits and _), or a path ending in one (/common/vlq_base128_le, ../foo), and names the saved layout of that id", clip(s))
					}
				}
			}
		case "title":
			if d := deref(v); top && d != nil && d.Kind == yaml.ScalarNode {
				b.file.title = d.Value // what lists the layout; anything else is let be, as Kaitai does
			}
		case "ks-version":
			if s, ok := b.scalar(v, p); ok && versionAbove(s, "0.11") {
				b.fail(v, p, "this layout requires Kaitai Struct %s; the interpreter speaks 0.11", s)
			}
		case "-shmbridge":
			// read by parseExtension
		}
	}
	if top {
		for _, kv := range pairs {
			if kv[0].Value == "-shmbridge" {
				b.parseExtension(kv[1], path+"/-shmbridge")
			}
		}
	}
}

// versionAbove says whether the version v (1.2.3) is above have.
func versionAbove(v, have string) bool {
	a, c := strings.Split(v, "."), strings.Split(have, ".")
	for i := 0; i < len(a) && i < len(c); i++ {
		x, _ := strconv.Atoi(a[i])
		y, _ := strconv.Atoi(c[i])
		if x != y {
			return x > y
		}
	}
	return len(a) > len(c)
}

// parseEndian reads meta/endian: le, be, or a switch-on/cases map of them.
func (b *builder) parseEndian(n *yaml.Node, path string) *endianSpec {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		if n.Value != "le" && n.Value != "be" {
			b.fail(n, path, "expected be or le, got %q", n.Value)
			return nil
		}
		return &endianSpec{fixed: n.Value}
	}
	if n == nil || n.Kind != yaml.MappingNode {
		b.fail(n, path, "expected le, be or a switch-on/cases map")
		return nil
	}
	e := &endianSpec{}
	e.switchOn = b.parseSwitch(n, path, func(key *expr, v *yaml.Node, cp string) {
		if s, ok := b.scalar(v, cp); ok {
			if s != "le" && s != "be" {
				b.fail(v, cp, "expected be or le, got %q", s)
			}
			e.cases = append(e.cases, endianCase{key: key, endian: s})
		}
	})
	return e
}

// parseSwitch reads a switch-on/cases map (a switched type, a switched endianness): each case's key (nil
// for `_`) and value go to each.
func (b *builder) parseSwitch(n *yaml.Node, path string, each func(key *expr, v *yaml.Node, path string)) *expr {
	var on *expr
	pairs := b.mapping(n, path)
	b.keys(pairs, path, "switch-on", "cases")
	for _, kv := range pairs {
		p := path + "/" + kv[0].Value
		switch kv[0].Value {
		case "switch-on":
			on = b.expression(kv[1], p)
		case "cases":
			for _, c := range b.mapping(kv[1], p) {
				cp := p + "/" + c[0].Value
				var key *expr
				if c[0].Value != "_" {
					key = b.expression(c[0], cp)
				}
				each(key, c[1], cp)
			}
		}
	}
	if on == nil {
		b.fail(n, path, "a switch needs switch-on")
	}
	return on
}

type pendingImport struct {
	name string
	node *yaml.Node
	path string
}

// parseType reads a type's keys (the top level's, or an entry of types) into t, and numbers its
// attributes' slots.
func (b *builder) parseType(t *typeSpec, pairs [][2]*yaml.Node, path string, top bool) {
	b.keys(pairs, pathOr(path), typeKeys...)
	t.types = map[string]*typeSpec{}
	t.enums = map[string]*enumSpec{}
	ids := map[string]string{} // attribute id → where it was defined
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		switch k {
		case "meta":
			b.parseMeta(t, v, p, top)
		case "params":
			b.parseParams(t, v, p, ids)
		case "seq":
			b.parseSeq(t, v, p, ids)
		case "instances":
			b.parseInstances(t, v, p, ids)
		case "types":
			b.parseTypes(t, v, p)
		case "enums":
			b.parseEnums(t, v, p)
		case "to-string":
			b.scalar(v, p)
		}
	}
	t.byID = map[string]*attr{}
	for i, a := range t.seq {
		a.slot, a.quoted = i, appendString(nil, a.id)
		t.byID[a.id] = a
	}
	for j, a := range t.instances {
		a.slot, a.quoted = len(t.seq)+j, appendString(nil, a.id)
		t.byID[a.id] = a
	}
}

// claim notes that the attribute id (a param, a seq attribute or an instance) is defined at at, refusing
// one defined twice in a type.
func (b *builder) claim(ids map[string]string, id string, n *yaml.Node, where, at string) {
	if prev, ok := ids[id]; ok {
		b.fail(n, where, "duplicate attribute ID %q, previously defined at %s", id, prev)
		return
	}
	ids[id] = at
}

// parseParams reads a type's params.
func (b *builder) parseParams(t *typeSpec, v *yaml.Node, p string, ids map[string]string) {
	v = deref(v)
	if v == nil || v.Kind != yaml.SequenceNode {
		b.fail(v, p, "expected a list")
		return
	}
	for i, item := range v.Content {
		ip := fmt.Sprintf("%s/%d", p, i)
		pm := &param{}
		ps := b.mapping(item, ip)
		b.keys(ps, ip, "id", "type", "enum", "doc", "doc-ref")
		for _, f := range ps {
			fp := ip + "/" + f[0].Value
			switch f[0].Value {
			case "id":
				if s, ok := b.scalar(f[1], fp); ok {
					if !validID.MatchString(s) {
						b.fail(f[1], fp, "invalid param ID %q, expected /^[a-z][a-z0-9_]*$/", s)
					}
					pm.id = s
					b.claim(ids, s, f[1], fp, fp)
				}
			case "type":
				if s, ok := b.scalar(f[1], fp); ok {
					pm.kind = b.parseParamType(s, f[1], fp)
				}
			case "enum":
				pm.enum, _ = b.scalar(f[1], fp)
			}
		}
		t.params = append(t.params, pm)
	}
}

// parseSeq reads a type's seq: an attribute without an id is named _unnamedN.
func (b *builder) parseSeq(t *typeSpec, v *yaml.Node, p string, ids map[string]string) {
	v = deref(v)
	if v == nil || v.Kind != yaml.SequenceNode {
		b.fail(v, p, "expected a list of attributes, got %s", describe(v))
		return
	}
	for i, item := range v.Content {
		ip := fmt.Sprintf("%s/%d", p, i)
		a := b.parseAttr(item, ip, false, "")
		if a.id == "" {
			a.id = fmt.Sprintf("_unnamed%d", i)
		} else {
			b.claim(ids, a.id, item, ip+"/id", ip+"/id")
		}
		t.seq = append(t.seq, a)
	}
}

// parseInstances reads a type's instances.
func (b *builder) parseInstances(t *typeSpec, v *yaml.Node, p string, ids map[string]string) {
	for _, kv := range b.mapping(v, p) {
		ip := p + "/" + kv[0].Value
		if !validID.MatchString(kv[0].Value) {
			b.fail(kv[0], ip, "invalid instance ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
			continue
		}
		b.claim(ids, kv[0].Value, kv[0], ip, ip)
		t.instances = append(t.instances, b.parseAttr(kv[1], ip, true, kv[0].Value))
	}
}

// parseTypes reads the types declared inside t.
func (b *builder) parseTypes(t *typeSpec, v *yaml.Node, p string) {
	for _, kv := range b.mapping(v, p) {
		tp := p + "/" + kv[0].Value
		if !validID.MatchString(kv[0].Value) {
			b.fail(kv[0], tp, "invalid type ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
			continue
		}
		sub := &typeSpec{name: kv[0].Value, path: tp, parent: t, file: t.file}
		b.parseType(sub, b.mapping(kv[1], tp), tp, false)
		t.types[kv[0].Value] = sub
	}
}

// parseEnums reads the enums declared in t.
func (b *builder) parseEnums(t *typeSpec, v *yaml.Node, p string) {
	for _, kv := range b.mapping(v, p) {
		ep := p + "/" + kv[0].Value
		if !validID.MatchString(kv[0].Value) {
			b.fail(kv[0], ep, "invalid enum ID %q, expected /^[a-z][a-z0-9_]*$/", kv[0].Value)
			continue
		}
		t.enums[kv[0].Value] = b.parseEnum(kv[1], ep, kv[0].Value, t)
	}
}

// parseEnum reads an enum: its members by value (64-bit integers) and by id.
func (b *builder) parseEnum(n *yaml.Node, path, name string, owner *typeSpec) *enumSpec {
	e := &enumSpec{name: name, owner: owner, byVal: map[string]string{}, byName: map[string]*enumMember{}}
	where := map[string]string{}
	for _, kv := range b.mapping(n, path) {
		mp := path + "/" + kv[0].Value
		key := strings.ReplaceAll(kv[0].Value, "_", "")
		v, ok := new(bigInt), len(key) <= maxLiteralDigits+3 // a sign, 0x: a 64-bit integer's digits, no more
		if ok {
			_, ok = v.SetString(key, 0)
		}
		if !ok {
			b.fail(kv[0], mp, "an enum key is a 64-bit integer, got %q", clip(kv[0].Value))
			continue
		}
		val := deref(kv[1])
		id := ""
		if val != nil && val.Kind == yaml.MappingNode {
			for _, f := range b.mapping(val, mp) {
				if f[0].Value == "id" {
					id, _ = b.scalar(f[1], mp+"/id")
				}
			}
		} else if val != nil && val.Kind == yaml.ScalarNode && val.Tag == "!!bool" {
			id = val.Value // YAML 1.1 tools read `yes`/`no` as booleans: Kaitai keeps the text
		} else {
			id, _ = b.scalar(val, mp)
		}
		if !validID.MatchString(id) {
			b.fail(kv[1], mp, "invalid enum member ID %q, expected /^[a-z][a-z0-9_]*$/", id)
			continue
		}
		if prev, dup := where[id]; dup {
			b.fail(kv[1], mp, "duplicate enum member ID %q, previously defined at %s", id, prev)
			continue
		}
		where[id] = mp
		m := &enumMember{id: id}
		if v.IsInt64() {
			m.value = v.Int64()
		} else if v.IsUint64() {
			m.uval, m.big = v.Uint64(), true
		} else {
			b.fail(kv[0], mp, "enum value out of the 64-bit range")
			continue
		}
		e.byVal[v.String()] = id
		e.byName[id] = m
	}
	return e
}

// importID is the id of the layout an import names: a Kaitai path, absolute (/common/vlq_base128_le) or
// relative (../foo, a/foo, foo), names the layout whose id is its last part (the store keeps layouts by id,
// not in directories). False for what is no such path.
func importID(path string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, p := range parts[:len(parts)-1] {
		if p != "." && p != ".." && !validID.MatchString(p) {
			return "", false
		}
	}
	id := parts[len(parts)-1]
	return id, len(id) <= MaxID && validID.MatchString(id)
}
