// Command modeldoctor trains, evaluates, diagnoses and treats CNN
// classifiers with Model Doctor. Run "modeldoctor help" for the commands.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
)

type command struct {
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

func main() { os.Exit(run(os.Args[1:])) }

// run executes a command line and returns the exit status: 0 on success
// and for -h, 1 with one line on standard error otherwise.
func run(args []string) (status int) {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage("")
		return 0
	}
	name := args[0]
	rest := args[1:]
	if hasSubcommands(name) {
		if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" {
			usage(name + " ")
			if len(rest) == 0 {
				fmt.Fprintf(os.Stderr, "modeldoctor %s: name a subcommand (%s)\n", name, strings.Join(subcommands(name), ", "))
				return 1
			}
			return 0
		}
		name, rest = name+" "+rest[0], rest[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "modeldoctor: unknown command %q (run \"modeldoctor help\")\n", name)
		return 1
	}
	// A panic is a bug, but the user still gets one line; the stack is
	// there for whoever sets MODELDOCTOR_TRACEBACK.
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "modeldoctor %s: internal error: %s (please report it; MODELDOCTOR_TRACEBACK=1 prints the stack)\n", name, oneLine(fmt.Sprint(p)))
			if os.Getenv("MODELDOCTOR_TRACEBACK") != "" {
				os.Stderr.Write(debug.Stack())
			}
			status = 1
		}
	}()
	if err := cmd.run(rest); err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		fmt.Fprintf(os.Stderr, "modeldoctor %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
	return 0
}

// subcommands lists the commands named "name SUB".
func subcommands(name string) []string {
	var out []string
	for _, n := range sortedNames(commands) {
		if strings.HasPrefix(n, name+" ") {
			out = append(out, n)
		}
	}
	return out
}

func hasSubcommands(name string) bool { return len(subcommands(name)) > 0 }

// usage lists the commands whose names start with prefix.
func usage(prefix string) {
	fmt.Println("modeldoctor: diagnose and treat CNN classifiers (Model Doctor, AAAI 2022)")
	fmt.Println("\nUsage: modeldoctor COMMAND [flags]   (COMMAND -h lists its flags)\n\nCommands:")
	for _, n := range sortedNames(commands) {
		if strings.HasPrefix(n, prefix) {
			fmt.Printf("  %-15s %s\n", n, commands[n].summary)
		}
	}
}

// oneLine keeps error messages on a single line.
func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }
