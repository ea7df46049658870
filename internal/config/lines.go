package config

import (
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
)

// lineIndex maps a key path such as "brands[1].role" to its line in the
// YAML file, so errors can point at the line to edit.
type lineIndex map[string]int

func indexLines(raw []byte) lineIndex {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(raw, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	idx := lineIndex{}
	var walk func(prefix string, n *yamlv3.Node)
	walk = func(prefix string, n *yamlv3.Node) {
		switch n.Kind {
		case yamlv3.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				if prefix != "" {
					key = prefix + "." + key
				}
				idx[key] = n.Content[i].Line
				walk(key, n.Content[i+1])
			}
		case yamlv3.SequenceNode:
			for i, item := range n.Content {
				key := fmt.Sprintf("%s[%d]", prefix, i)
				idx[key] = item.Line
				walk(key, item)
			}
		}
	}
	walk("", doc.Content[0])
	return idx
}

func (l lineIndex) line(key string) int { return l[key] }

func (l lineIndex) has(key string) bool {
	_, ok := l[key]
	return ok
}
