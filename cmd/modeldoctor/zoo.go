package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/zoo"
)

func init() {
	commands["zoo"] = command{"list the models (parameters, MACs, doctor layer); \"zoo NAME\" prints one model's layer table", runZoo}
}

func runZoo(args []string) error {
	fs := flag.NewFlagSet("zoo", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: modeldoctor zoo [flags] [NAME]\n\nWithout NAME: every model with its parameters, MACs per image, doctor layer\nand whether it is one of the paper's 16. With NAME: its layer table.\n\nFlags:")
		fs.PrintDefaults()
	}
	classes := fs.Int("classes", 10, "number of classes")
	in := fs.Int("in-channels", 3, "input channels")
	size := fs.Int("size", 32, "input height and width for output shapes and MACs")
	width := fs.Float64("width", 1, "width multiplier (models that have one; the list skips the others when ≠ 1)")
	depth := fs.Int("depth", 0, "with NAME: show modules down to this nesting depth (0: all)")
	if err := parseWith(fs, args, true); err != nil {
		return err
	}
	// Flags may also follow the model name.
	var names []string
	for fs.NArg() > 0 {
		names = append(names, fs.Arg(0))
		if err := parseWith(fs, fs.Args()[1:], true); err != nil {
			return err
		}
	}
	if err := firstError(
		checkRange("classes", float64(*classes), 1, 100000, "1 to 100000"),
		checkRange("in-channels", float64(*in), 1, 4096, "1 to 4096"),
		checkRange("size", float64(*size), 1, 1024, "a size in pixels from 1 to 1024"),
		checkRange("width", *width, math.SmallestNonzeroFloat64, 16, "a positive multiplier up to 16"),
		checkRange("depth", float64(*depth), 0, 1000, "0 (all) or a nesting depth"),
	); err != nil {
		return err
	}
	switch {
	case len(names) > 1:
		return fmt.Errorf("one model at a time (got %s)", strings.Join(names, ", "))
	}
	cfg := zoo.Config{Classes: *classes, InChannels: *in, Width: *width}
	inShape := []int{*in, *size, *size}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	defer w.Flush()
	if len(names) == 0 {
		return zooList(w, cfg, inShape)
	}
	return zooLayers(w, names[0], cfg, inShape, *depth)
}

// zooList prints one line per registered model.
func zooList(w io.Writer, cfg zoo.Config, inShape []int) error {
	fmt.Fprintf(w, "model\tparameters\tMACs/image (%d×%d)\tdoctor layer\tpaper\n", inShape[1], inShape[2])
	var skipped []string
	for _, name := range zoo.Names() {
		spec, err := zoo.Lookup(name)
		if err != nil {
			return err
		}
		if cfg.Width != 1 && !spec.HasWidth {
			skipped = append(skipped, name)
			continue
		}
		m, _, err := zoo.New(name, cfg)
		if err != nil {
			return err
		}
		s, err := zooSummarize(name, m, inShape)
		if err != nil {
			return err
		}
		paper := ""
		if spec.Paper {
			paper = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", name, zooCommas(int64(s.Parameters)), zooMega(s.MACs), doctorLayerLabel(spec), paper)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "\n(no width multiplier, not listed: %s)\n", strings.Join(skipped, ", "))
	}
	return nil
}

// doctorLayerLabel names the doctor layer and, where Model Doctor reads
// the gradient elsewhere by default, that module too.
func doctorLayerLabel(spec zoo.Spec) string {
	if c := spec.CaptureLayer(); c != spec.DoctorLayer {
		return fmt.Sprintf("%s (read at %s)", spec.DoctorLayer, c)
	}
	return spec.DoctorLayer
}

// zooLayers prints a model's layer table.
func zooLayers(w io.Writer, name string, cfg zoo.Config, inShape []int, depth int) error {
	m, spec, err := zoo.New(name, cfg)
	if err != nil {
		return err
	}
	s, err := zooSummarize(name, m, inShape)
	if err != nil {
		return err
	}
	paper := ""
	if spec.Paper {
		paper = ", one of the paper's 16"
	}
	fmt.Fprintf(w, "%s: %s parameters, %s MACs per %s image, output %s, doctor layer %s%s\n\n",
		spec.Name, zooCommas(int64(s.Parameters)), zooMega(s.MACs), zoo.FormatShape(inShape), zoo.FormatShape(s.Output), doctorLayerLabel(spec), paper)
	fmt.Fprintln(w, "layer\ttype\toutput\tparameters\tMACs\t")
	for _, r := range s.Rows {
		if depth > 0 && r.Depth > depth {
			continue
		}
		out := zoo.FormatShape(r.Output)
		if r.Calls > 1 {
			out += fmt.Sprintf(" (%d calls)", r.Calls)
		}
		mark := ""
		switch {
		case r.Name == spec.DoctorLayer && spec.CaptureLayer() != spec.DoctorLayer:
			mark = "← doctor layer"
		case r.Name == spec.CaptureLayer() && spec.CaptureLayer() != spec.DoctorLayer:
			mark = "← its gradient is read here (the authors' in-place activation)"
		case r.Name == spec.DoctorLayer:
			mark = "← doctor layer"
		}
		fmt.Fprintf(w, "%s%s\t%s\t%s\t%s\t%s\t%s\n", strings.Repeat("  ", r.Depth-1), r.Name, r.Type, out,
			zooCommas(int64(r.Parameters)), zooCommas(r.MACs), mark)
	}
	fmt.Fprintf(w, "total\t\t%s\t%s\t%s\t\n", zoo.FormatShape(s.Output), zooCommas(int64(s.Parameters)), zooCommas(s.MACs))
	return nil
}

// zooSummarize runs zoo.Summarize, turning a model's shape panic (an input
// size it cannot take) into an error.
func zooSummarize(name string, m nn.Module, inShape []int) (s zoo.Summary, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New(oneLine(fmt.Sprintf("model %s cannot take a %s input: %v", name, zoo.FormatShape(inShape), p)))
		}
	}()
	return zoo.Summarize(m, inShape), nil
}

// zooCommas writes n with thousands separators.
func zooCommas(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + zooCommas(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// zooMega writes a count in millions, rounded to one decimal ("62.7 M").
func zooMega(n int64) string {
	tenths := (n + 50_000) / 100_000
	return fmt.Sprintf("%s.%d M", zooCommas(tenths/10), tenths%10)
}
