package train

import (
	"encoding/base64"
	"fmt"
)

// EncodeCorrect packs per-sample correctness into a bitmap (sample i is
// bit i%8 of byte i/8), base64: 1,668 characters for 10,000 samples, small
// enough to keep per epoch in a metrics log.
func EncodeCorrect(correct []bool) string {
	b := make([]byte, (len(correct)+7)/8)
	for i, c := range correct {
		if c {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}

// DecodeCorrect unpacks a bitmap written by EncodeCorrect for n samples.
func DecodeCorrect(s string, n int) ([]bool, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("correctness bitmap: %v", err)
	}
	if len(b) != (n+7)/8 {
		return nil, fmt.Errorf("correctness bitmap: %d bytes for %d samples", len(b), n)
	}
	out := make([]bool, n)
	for i := range out {
		out[i] = b[i/8]&(1<<(i%8)) != 0
	}
	return out, nil
}
