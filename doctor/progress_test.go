package doctor_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/doctor"
)

// TestSiftAndDiagnoseProgress: the forced bar counts sift's batches and
// diagnose's classes (naming the class just done) and is erased at the
// end; the options change nothing in the results.
func TestSiftAndDiagnoseProgress(t *testing.T) {
	ds := images(20)
	loader := func() *data.Loader { return data.NewLoader(ds, data.LoaderOptions{BatchSize: 8}) }
	var sb bytes.Buffer
	got := doctor.SiftWith(handmade(), loader(), 2, 3, 2, doctor.RunOptions{Progress: &sb, ForceProgress: true})
	if want := doctor.Sift(handmade(), loader(), 2, 3, 2); !reflect.DeepEqual(got, want) {
		t.Errorf("SiftWith %+v, Sift %+v", got, want)
	}
	for _, w := range []string{"\rsift [", "3/3", "batch", "ETA", "\r\033[K"} {
		if !strings.Contains(sb.String(), w) {
			t.Errorf("sift progress lacks %q:\n%q", w, sb.String())
		}
	}

	var db bytes.Buffer
	sifted := [][]int{{0, 2, 4}, {1, 3, 5}}
	d, err := doctor.DiagnoseWith(handmade(), "0", ds, nil, sifted, 0.2, doctor.RunOptions{Progress: &db, ForceProgress: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := doctor.Diagnose(handmade(), "0", ds, nil, sifted, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Raw, plain.Raw) || !reflect.DeepEqual(d.Mask, plain.Mask) {
		t.Errorf("DiagnoseWith differs from Diagnose: %v vs %v", d.Raw, plain.Raw)
	}
	for _, w := range []string{"\rdiagnose [", "2/2  one", "class", "\r\033[K"} {
		if !strings.Contains(db.String(), w) {
			t.Errorf("diagnose progress lacks %q:\n%q", w, db.String())
		}
	}

	var quiet bytes.Buffer
	doctor.SiftWith(handmade(), loader(), 2, 3, 2, doctor.RunOptions{Progress: &quiet})
	if quiet.Len() != 0 {
		t.Errorf("unforced bar drew on a non-terminal: %q", quiet.String())
	}
}
