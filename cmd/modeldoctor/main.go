// Command modeldoctor trains, evaluates, diagnoses and treats CNN
// classifiers with Model Doctor. Run "modeldoctor help" for the commands.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

type command struct {
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		return
	}
	name := os.Args[1]
	if name == "bench" && len(os.Args) > 2 {
		name = "bench " + os.Args[2]
		os.Args = os.Args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "modeldoctor: unknown command %q (run \"modeldoctor help\")\n", os.Args[1])
		os.Exit(2)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "modeldoctor %s: %v\n", name, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Println("modeldoctor: diagnose and treat CNN classifiers (Model Doctor, AAAI 2022)")
	fmt.Println("\nUsage: modeldoctor COMMAND [flags]   (COMMAND -h lists its flags)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("  %-15s %s\n", n, commands[n].summary)
	}
}

// oneLine keeps error messages on a single line.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }
