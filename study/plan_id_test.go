package study

import "testing"

func TestCellIDIsAFileName(t *testing.T) {
	for _, c := range []struct {
		cell Cell
		want string
	}{
		{Cell{Model: "lenet", Width: 1, Dataset: "fashion-mnist", Seed: 3}, "lenet-w1-fashion-mnist-s3"},
		{Cell{Model: "resnet18", Width: 0.25, Dataset: "folder:/data/x y", Seed: 1}, "resnet18-w0.25-folder__data_x_y-s1"},
	} {
		if got := c.cell.ID(); got != c.want {
			t.Errorf("%+v: ID %q, want %q", c.cell, got, c.want)
		}
	}
}
