package config

import _ "embed"

// Example is the commented configuration 'earshot init' writes. A test
// keeps it equal to Default.
//
//go:embed example.yaml
var Example []byte
