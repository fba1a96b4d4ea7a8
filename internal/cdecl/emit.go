package cdecl

import (
	"bytes"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// emit writes the layout: meta, doc, the top level's seq and instances, then its types and enums, in the
// order the C declares them.
func (c *conv) emit(root *kType, id, doc string) ([]byte, error) {
	meta := mapping("id", str(id), "endian", str("le"))
	if c.bits {
		meta.Content = append(meta.Content, str("bit-endian"), str("le"))
	}
	top := mapping("meta", meta, "doc", str(doc))
	c.typeBody(top, root)
	if len(c.types) > 0 {
		types := mapping()
		for _, t := range c.types {
			body := mapping()
			if t.orig != "" {
				body.Content = append(body.Content, str("-orig-id"), str(t.orig))
			}
			if t.doc != "" {
				body.Content = append(body.Content, str("doc"), str(t.doc))
			}
			c.typeBody(body, t)
			types.Content = append(types.Content, str(t.id), body)
		}
		top.Content = append(top.Content, str("types"), types)
	}
	if len(c.enums) > 0 {
		top.Content = append(top.Content, str("enums"), c.enumsNode())
	}
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	e.SetIndent(2)
	if err := e.Encode(top); err != nil {
		return nil, err
	}
	e.Close()
	return b.Bytes(), nil
}

// typeBody appends t's seq and instances to m.
func (c *conv) typeBody(m *yaml.Node, t *kType) {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range t.seq {
		n := mapping()
		if a.id != "" {
			n.Content = append(n.Content, str("id"), str(a.id))
		}
		attrBody(n, a)
		seq.Content = append(seq.Content, n)
	}
	m.Content = append(m.Content, str("seq"), seq)
	if len(t.inst) > 0 {
		inst := mapping()
		for _, a := range t.inst {
			n := mapping()
			attrBody(n, a)
			// pos first: an instance is read there
			n.Content = append([]*yaml.Node{str("pos"), num(a.pos)}, n.Content...)
			inst.Content = append(inst.Content, str(a.id), n)
		}
		m.Content = append(m.Content, str("instances"), inst)
	}
}

// attrBody appends what an attribute says but its id.
func attrBody(n *yaml.Node, a *kAttr) {
	if a.orig != "" {
		n.Content = append(n.Content, str("-orig-id"), str(a.orig))
	}
	if a.typ != "" {
		n.Content = append(n.Content, str("type"), str(a.typ))
	}
	if a.size > 0 {
		n.Content = append(n.Content, str("size"), num(a.size))
	}
	if a.enc != "" {
		n.Content = append(n.Content, str("encoding"), str(a.enc))
	}
	if a.enum != "" {
		n.Content = append(n.Content, str("enum"), str(a.enum))
	}
	if a.count > 0 {
		n.Content = append(n.Content, str("repeat"), str("expr"), str("repeat-expr"), num(a.count))
	}
	if a.doc != "" {
		n.Content = append(n.Content, str("doc"), str(a.doc))
	}
}

func (c *conv) enumsNode() *yaml.Node {
	m := mapping()
	for _, e := range c.enums {
		vals := mapping()
		for _, v := range e.values {
			var n *yaml.Node
			if v.orig == "" {
				n = str(v.id)
			} else {
				n = mapping("id", str(v.id), "-orig-id", str(v.orig))
			}
			vals.Content = append(vals.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.value}, n)
		}
		m.Content = append(m.Content, str(e.id), vals)
	}
	return m
}

func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func num(v int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
}
