package layout

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseAttr reads one attribute: an entry of seq (id ""), or the instance id.
func (b *builder) parseAttr(n *yaml.Node, path string, instance bool, id string) *attr {
	a := &attr{id: id, path: path, line: lineOf(n), instance: instance, terminator: -1, padRight: -1, consume: true, eosError: true}
	pairs := b.mapping(n, path)
	b.attrKeys(pairs, path, instance)
	var repeat string
	var repeatNode *yaml.Node
	for _, kv := range pairs {
		k, v, p := kv[0].Value, kv[1], path+"/"+kv[0].Value
		if k == "repeat" {
			repeat, _ = b.scalar(v, p)
			repeatNode = v
			continue
		}
		b.attrKey(a, k, v, p)
	}
	b.parseRepeat(a, pairs, n, path, repeat, repeatNode)
	b.checkAttr(a, n, path, instance)
	return a
}

// attrKeys refuses the keys an attribute does not take: a seq attribute's, an instance's, a value
// instance's.
func (b *builder) attrKeys(pairs [][2]*yaml.Node, path string, instance bool) {
	hasValue := false
	for _, kv := range pairs {
		if kv[0].Value == "value" {
			hasValue = true
		}
	}
	switch {
	case !instance:
		b.keys(pairs, path, attrKeys...)
	case hasValue:
		for _, kv := range pairs {
			if k := kv[0].Value; !strings.HasPrefix(k, "-") && !slices.Contains(valueInstanceKeys, k) {
				b.fail(kv[0], path+"/"+k, "a value instance takes only: %s", strings.Join(valueInstanceKeys, ", "))
			}
		}
	default:
		b.keys(pairs, path, instanceKeys...)
	}
}

// attrKey reads the key k (but repeat) of an attribute into a.
func (b *builder) attrKey(a *attr, k string, v *yaml.Node, p string) {
	switch k {
	case "id":
		if s, ok := b.scalar(v, p); ok {
			if !validID.MatchString(s) {
				b.fail(v, p, "invalid attribute ID %q, expected /^[a-z][a-z0-9_]*$/", s)
			}
			a.id = s
		}
	case "value":
		a.value = b.expression(v, p)
	case "pos":
		a.pos = b.expression(v, p)
	case "io":
		a.io = b.expression(v, p)
	case "type":
		a.kind = b.parseTypeField(v, p)
		a.kindLine = lineOf(v)
	case "size":
		a.size = b.expression(v, p)
	case "size-eos":
		a.sizeEOS = b.boolean(v, p)
	case "repeat-expr", "repeat-until":
		a.rexpr = b.expression(v, p)
	case "if":
		a.cond = b.expression(v, p)
	case "contents":
		a.contents = b.parseContents(v, p)
	case "valid":
		a.valid = b.parseValid(v, p)
	case "enum":
		a.enumName, _ = b.scalar(v, p)
	case "terminator":
		a.terminator = b.byteValue(v, p)
	case "pad-right":
		a.padRight = b.byteValue(v, p)
	case "include":
		a.include = b.boolean(v, p)
	case "consume":
		a.consume = b.boolean(v, p)
	case "eos-error":
		a.eosError = b.boolean(v, p)
	case "encoding":
		a.encoding = b.encoding(v, p)
	case "process":
		a.process = b.parseProcess(v, p)
	case "parent":
		a.parent = b.expression(v, p)
	}
}

// byteValue reads a terminator or a padding byte: an integer from 0 to 255.
func (b *builder) byteValue(v *yaml.Node, p string) int {
	s, _ := b.scalar(v, p)
	x, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil || x < 0 || x > 255 {
		b.fail(v, p, "expected an integer from 0 to 255, got %s", describe(v))
	}
	return int(x)
}

// parseRepeat reads an attribute's repeat (written repeat, at repeatNode) and checks it against the
// repeat-expr and repeat-until keys.
func (b *builder) parseRepeat(a *attr, pairs [][2]*yaml.Node, n *yaml.Node, path, repeat string, repeatNode *yaml.Node) {
	hasKey := func(k string) bool {
		return slices.ContainsFunc(pairs, func(kv [2]*yaml.Node) bool { return kv[0].Value == k })
	}
	switch repeat {
	case "":
	case "expr":
		a.repeat = repeatExpr
		if !hasKey("repeat-expr") {
			b.fail(repeatNode, path+"/repeat", "repeat: expr needs repeat-expr")
		}
	case "eos":
		a.repeat = repeatEOS
	case "until":
		a.repeat = repeatUntil
		if !hasKey("repeat-until") {
			b.fail(repeatNode, path+"/repeat", "repeat: until needs repeat-until")
		}
	default:
		b.fail(repeatNode, path+"/repeat", "expected expr, eos or until, got %q", repeat)
	}
	if hasKey("repeat-expr") && repeat != "expr" {
		b.fail(n, path+"/repeat-expr", "repeat-expr needs repeat: expr")
	}
	if hasKey("repeat-until") && repeat != "until" {
		b.fail(n, path+"/repeat-until", "repeat-until needs repeat: until")
	}
}

// checkAttr refuses an attribute whose keys do not go together: one it cannot know the extent of.
func (b *builder) checkAttr(a *attr, n *yaml.Node, path string, instance bool) {
	if a.process != nil && a.size == nil && !a.sizeEOS && a.terminator < 0 && a.kind.prim != "strz" {
		b.fail(n, path+"/process", "process works on bytes of a known extent: give size, size-eos or terminator")
	}
	if a.valid != nil && a.valid.inEnum && a.enumName == "" {
		b.fail(n, path+"/valid/in-enum", "valid/in-enum requires the enum key")
	}
	if a.kind.prim == "str" && a.size == nil && !a.sizeEOS && a.terminator < 0 {
		b.fail(n, path, "a str needs size, size-eos or terminator")
	}
	if a.kind.prim == "" && a.contents == nil && a.size == nil && !a.sizeEOS && a.terminator < 0 && a.value == nil && !instance {
		b.fail(n, path, "raw bytes need size, size-eos, terminator or contents")
	}
}

var primitive = regexp.MustCompile(`^(?:([us])([1248])|(f)([48])|b([1-9][0-9]*))(le|be)?$`)

// parseTypeName reads a type's name: a primitive (u4le, b3, str…) or a user type (a::b, with arguments t(1,
// x)).
func (b *builder) parseTypeName(s string, n *yaml.Node, path string) typeRef {
	s = strings.TrimSpace(s) // a YAML block scalar (type: |) ends in a newline
	if m := primitive.FindStringSubmatch(s); m != nil {
		switch {
		case m[1] != "":
			size, _ := strconv.Atoi(m[2])
			if size == 1 && m[6] != "" {
				b.fail(n, path, "%s: a one-byte integer has no endianness", s)
			}
			return typeRef{prim: m[1], size: size, le: m[6]}
		case m[3] != "":
			size, _ := strconv.Atoi(m[4])
			return typeRef{prim: "f", size: size, le: m[6]}
		default:
			bits, _ := strconv.Atoi(m[5])
			if bits > 64 {
				b.fail(n, path, "%s: bit fields are at most 64 bits", s)
			}
			return typeRef{prim: "b", size: bits, le: m[6]}
		}
	}
	switch s {
	case "str", "strz":
		return typeRef{prim: s}
	case "bytes":
		return typeRef{prim: "bytes"}
	}
	name, args, hasArgs := strings.Cut(s, "(")
	r := typeRef{prim: "user", user: name}
	for _, part := range strings.Split(name, "::") {
		if !validID.MatchString(part) {
			b.fail(n, path, "invalid type name %q", s)
			return typeRef{}
		}
	}
	if hasArgs {
		if !strings.HasSuffix(args, ")") {
			b.fail(n, path, "%q: the arguments end with )", s)
			return r
		}
		x, err := b.parse("[" + strings.TrimSuffix(args, ")") + "]")
		if err != nil || x.op != opArray {
			b.fail(n, path, "%q: bad arguments: %v", s, err)
			return r
		}
		for _, k := range x.kids {
			r.args = append(r.args, &expr{src: s, n: k, path: path, line: deref(n).Line})
		}
	}
	return r
}

// parseParamType reads a param's type: a type name, bool, struct, io or any, an array of one with [].
func (b *builder) parseParamType(s string, n *yaml.Node, path string) typeRef {
	array := strings.HasSuffix(s, "[]")
	s = strings.TrimSuffix(s, "[]")
	var r typeRef
	switch s {
	case "bool", "struct", "io", "any":
		r = typeRef{prim: s}
	default:
		r = b.parseTypeName(s, n, path)
		if r.prim == "user" && len(r.args) > 0 {
			b.fail(n, path, "a parameter's type takes no arguments")
		}
	}
	r.array = array
	return r
}

// parseTypeField reads an attribute's type: a name, or a switch-on/cases map.
func (b *builder) parseTypeField(n *yaml.Node, path string) typeRef {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		return b.parseTypeName(n.Value, n, path)
	}
	r := typeRef{prim: "switch"}
	r.switchOn = b.parseSwitch(n, path, func(key *expr, v *yaml.Node, cp string) {
		if s, ok := b.scalar(v, cp); ok {
			r.cases = append(r.cases, switchCase{key: key, kind: b.parseTypeName(s, v, cp)})
		}
	})
	return r
}

// parseContents reads contents: a string, or a list of bytes and strings.
func (b *builder) parseContents(n *yaml.Node, path string) []byte {
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		return []byte(n.Value)
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		b.fail(n, path, "expected a string or a list of bytes and strings")
		return nil
	}
	var out []byte
	for i, item := range n.Content {
		item = deref(item)
		p := fmt.Sprintf("%s/%d", path, i)
		if item.Tag == "!!int" {
			v, err := strconv.ParseInt(strings.ReplaceAll(item.Value, "_", ""), 0, 64)
			if err != nil || v < 0 || v > 255 {
				b.fail(item, p, "a byte is 0 to 255, got %s", item.Value)
			}
			out = append(out, byte(v))
		} else if s, ok := b.scalar(item, p); ok {
			out = append(out, s...)
		}
	}
	return out
}

// parseValid reads valid: an expression to equal, or a map of eq, min, max, any-of, expr and in-enum.
func (b *builder) parseValid(n *yaml.Node, path string) *validSpec {
	v := &validSpec{path: path}
	n = deref(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		v.eq = b.expression(n, path)
		return v
	}
	pairs := b.mapping(n, path)
	b.keys(pairs, path, "eq", "min", "max", "any-of", "expr", "in-enum")
	for _, kv := range pairs {
		p := path + "/" + kv[0].Value
		switch kv[0].Value {
		case "eq":
			v.eq = b.expression(kv[1], p)
		case "min":
			v.min = b.expression(kv[1], p)
		case "max":
			v.max = b.expression(kv[1], p)
		case "expr":
			v.expr = b.expression(kv[1], p)
		case "in-enum":
			v.inEnum = b.boolean(kv[1], p)
		case "any-of":
			list := deref(kv[1])
			if list == nil || list.Kind != yaml.SequenceNode {
				b.fail(list, p, "expected a list")
				continue
			}
			for i, item := range list.Content {
				v.anyOf = append(v.anyOf, b.expression(item, fmt.Sprintf("%s/%d", p, i)))
			}
		}
	}
	return v
}

// parseProcess reads process: xor(key), rol(n), ror(n) or zlib.
func (b *builder) parseProcess(n *yaml.Node, path string) *processSpec {
	s, ok := b.scalar(n, path)
	if !ok {
		return nil
	}
	name, args, hasArgs := strings.Cut(strings.TrimSpace(s), "(")
	p := &processSpec{name: name}
	if hasArgs {
		x, err := b.parse("[" + strings.TrimSuffix(args, ")") + "]")
		if err != nil || !strings.HasSuffix(args, ")") {
			b.fail(n, path, "%q: bad arguments", s)
			return nil
		}
		for _, k := range x.kids {
			p.args = append(p.args, &expr{src: s, n: k, path: path, line: lineOf(n)})
		}
	}
	switch {
	case name == "zlib" && len(p.args) == 0:
	case (name == "xor" || name == "rol" || name == "ror") && len(p.args) == 1:
	default:
		b.fail(n, path, "process %q is not supported: xor(key), rol(n), ror(n) and zlib are", s)
		return nil
	}
	return p
}
