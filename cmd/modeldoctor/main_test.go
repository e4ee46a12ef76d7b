package main

import (
	"strings"
	"testing"
)

// TestBadInputIsAnError: every bad flag value comes back as an error that
// names the flag, never a panic.
func TestBadInputIsAnError(t *testing.T) {
	cases := []struct {
		cmd  string
		args []string
		want string
	}{
		{"train", []string{"--model", "nope", "--limit", "10"}, "--model"},
		{"train", []string{"--dataset", "imagenet"}, "--dataset"},
		{"train", []string{"--batch", "0"}, "--batch"},
		{"train", []string{"--schedule", "linear", "--limit", "10", "--epochs", "1"}, "--schedule"},
		{"eval", []string{}, "--weights"},
		{"sift", []string{}, "--weights"},
		{"treat", []string{"--val", "1.5", "--weights", "x.safetensors"}, "x.safetensors"},
		{"study", []string{"--seeds", "one"}, "--seeds"},
	}
	for _, c := range cases {
		err := commands[c.cmd].run(c.args)
		if err == nil {
			t.Errorf("%s %v: no error", c.cmd, c.args)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: error %q does not mention %s", c.cmd, c.args, err, c.want)
		}
	}
}

func TestEveryCommandHasASummary(t *testing.T) {
	for name, c := range commands {
		if c.summary == "" || c.run == nil {
			t.Errorf("command %q has no summary or no function", name)
		}
	}
}
