package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The reference values written by testdata/gen_fixtures.py from scipy.
type pairedFixture struct {
	Name             string
	Treated, Control []float64
	Mean, SD, SE     float64
	CI               map[string][2]float64
	T                float64
	TP               float64 `json:"t_p"`
	WStat            float64 `json:"w_stat"`
	WP               float64 `json:"w_p"`
	WExact           bool    `json:"w_exact"`
}

type mcnemarFixture struct {
	Name     string
	B01, B10 int
	P        float64
	MidP     float64 `json:"mid_p"`
}

type fixtures struct {
	Paired  []pairedFixture
	McNemar []mcnemarFixture
}

func loadFixtures(t *testing.T) fixtures {
	t.Helper()
	raw, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Paired) == 0 || len(f.McNemar) == 0 {
		t.Fatal("fixtures are empty")
	}
	return f
}

// near reports whether got matches want to a relative tolerance rel,
// with an absolute floor of rel for values near zero.
func near(got, want, rel float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= rel*math.Max(1, math.Abs(want))
}
