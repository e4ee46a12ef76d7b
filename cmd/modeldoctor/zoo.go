package main

import (
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/zoo"
)

func init() {
	commands["zoo"] = command{"list the models (parameters, doctor layer); \"zoo NAME\" prints one model's layers", runZoo}
}

func runZoo(args []string) error {
	fs := flag.NewFlagSet("zoo", flag.ContinueOnError)
	classes := fs.Int("classes", 10, "number of classes")
	in := fs.Int("in-channels", 3, "input channels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	defer w.Flush()
	if fs.NArg() == 0 {
		fmt.Fprintln(w, "model\tparameters\tdoctor layer\tpaper")
		for _, name := range zoo.Names() {
			m, spec, err := zoo.New(name, zoo.Config{Classes: *classes, InChannels: *in})
			if err != nil {
				return err
			}
			paper := ""
			if spec.Paper {
				paper = "yes"
			}
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", name, nn.CountParameters(m), spec.DoctorLayer, paper)
		}
		return nil
	}
	m, spec, err := zoo.New(fs.Arg(0), zoo.Config{Classes: *classes, InChannels: *in})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %d parameters, doctor layer %s\n\n", spec.Name, nn.CountParameters(m), spec.DoctorLayer)
	fmt.Fprintln(w, "layer\tparameters")
	nn.Walk(m, func(name string, sub nn.Module) {
		if name == "" {
			return
		}
		n := 0
		for _, p := range nn.Parameters(sub) {
			n += p.Value.Tensor().Len()
		}
		fmt.Fprintf(w, "%s\t%d\n", name, n)
	})
	return nil
}
