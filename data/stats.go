package data

import "math"

// Stats returns the per-channel mean and (population) standard deviation of
// all pixels of ds, ready for Normalize. Sums are kept in float64: a float32
// running sum over MNIST's 47M pixels loses several digits. Pixels are
// summed in sample order, whatever the storage, so the result is the same
// bits for 8-bit and float32 copies of one data set.
func Stats(ds *Dataset) (mean, std []float32) {
	mean, std = make([]float32, ds.C), make([]float32, ds.C)
	plane := ds.H * ds.W
	count := float64(ds.N * plane)
	if count == 0 {
		return mean, std
	}
	img := make([]float32, ds.ImageSize())
	for c := range ds.C {
		var sum float64
		for i := range ds.N {
			ds.CopyImage(img, i)
			for _, v := range img[c*plane : (c+1)*plane] {
				sum += float64(v)
			}
		}
		m := sum / count
		// Second pass on deviations: avoids the cancellation of E[x²]-m².
		var ss float64
		for i := range ds.N {
			ds.CopyImage(img, i)
			for _, v := range img[c*plane : (c+1)*plane] {
				d := float64(v) - m
				ss += d * d
			}
		}
		mean[c], std[c] = float32(m), float32(math.Sqrt(ss/count))
	}
	return mean, std
}
