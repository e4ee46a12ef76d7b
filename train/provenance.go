package train

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"github.com/modeldoctor/modeldoctor/nn"
)

// Provenance records what produced an output — the command, every setting
// that decides its result (by flag name, as given or defaulted), the
// identity of the data it read and the program's version — so a later
// stage can check it is continuing the same work rather than trust that
// the user retyped the same flags.
type Provenance struct {
	Command string `json:"command"`
	// Settings maps a flag name (without dashes) to its value.
	Settings map[string]string `json:"settings"`
	// Data identifies the data read: the data set's name, fingerprints and
	// sizes of the splits (see data.Dataset.Fingerprint).
	Data    map[string]string `json:"data,omitempty"`
	Version map[string]string `json:"version,omitempty"`
	Created string            `json:"created,omitempty"`
}

// NewProvenance stamps settings and data with the version and time.
func NewProvenance(command string, settings, data map[string]string) *Provenance {
	return &Provenance{Command: command, Settings: settings, Data: data, Version: Versions(),
		Created: time.Now().UTC().Format(time.RFC3339)}
}

// Changed lists, sorted, every setting and data identity in which p
// differs from was, one phrase each: "--lr 0.01 (was 0.05)". A key that
// only one side has counts as a change, except that version and time never
// do (a rebuilt binary may continue a run).
func (p *Provenance) Changed(was *Provenance) []string {
	var out []string
	diff := func(prefix string, now, then map[string]string) {
		keys := map[string]bool{}
		for k := range now {
			keys[k] = true
		}
		for k := range then {
			keys[k] = true
		}
		for k := range keys {
			a, okA := now[k]
			b, okB := then[k]
			switch {
			case okA && okB && a == b:
			case !okB:
				out = append(out, fmt.Sprintf("%s%s %s (unset before)", prefix, k, a))
			case !okA:
				out = append(out, fmt.Sprintf("%s%s unset (was %s)", prefix, k, b))
			default:
				out = append(out, fmt.Sprintf("%s%s %s (was %s)", prefix, k, a, b))
			}
		}
	}
	diff("--", p.Settings, was.Settings)
	diff("data ", p.Data, was.Data)
	sort.Strings(out)
	return out
}

// Setting returns the value of a flag, or "" when it was not recorded.
func (p *Provenance) Setting(name string) string {
	if p == nil {
		return ""
	}
	return p.Settings[name]
}

// Versions names the Go toolchain and, when the binary carries build
// information, the module version and VCS revision it was built from.
func Versions() map[string]string {
	v := map[string]string{"go": runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v["modeldoctor"] = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				v[s.Key] = s.Value
			}
		}
	}
	return v
}

// WriteProvenance writes p to path as indented JSON, atomically.
func WriteProvenance(path string, p *Provenance) error {
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, append(b, '\n'))
}

// ReadProvenance reads a file written by WriteProvenance.
func ReadProvenance(path string) (*Provenance, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil || p.Settings == nil {
		return nil, fmt.Errorf("%s: not a provenance record (want JSON with \"command\" and \"settings\")", path)
	}
	return &p, nil
}
