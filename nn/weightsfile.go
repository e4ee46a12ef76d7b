package nn

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// Weights files are recognised by their content, whatever their name: a
// zip archive is a torch.save .pth file; 8 bytes then '{' is safetensors.
// PyTorch's legacy format (before 1.6: a bare pickle stream, or a tar
// archive before 0.4) is recognised only to say how to convert it.

// legacyTorchMagic is the pickled magic number that opens a legacy
// torch.save file: PROTO 2, LONG1 of 10 bytes, 0x1950a86a20f9469cfc6c.
var legacyTorchMagic = []byte("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19")

// ReadWeightsFile reads a safetensors or .pth file into its tensors, in
// the file's order. Errors are one line naming the file.
func ReadWeightsFile(path string) ([]SafetensorsTensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		f, err := ParsePth(data)
		if err != nil {
			return nil, fmt.Errorf("pth file %s: %w", path, err)
		}
		return f.Tensors, nil
	case len(data) > 8 && data[8] == '{':
		f, err := ParseSafetensors(data)
		if err != nil {
			return nil, fmt.Errorf("safetensors file %s: %w", path, err)
		}
		return f.Tensors, nil
	}
	return nil, fmt.Errorf("weights file %s: %w", path, unknownWeightsFormat(data))
}

// unknownWeightsFormat says what a file that is neither format looks like.
func unknownWeightsFormat(data []byte) error {
	switch {
	case len(data) == 0:
		return errors.New("the file is empty")
	case bytes.HasPrefix(data, legacyTorchMagic),
		len(data) > 262 && string(data[257:262]) == "ustar":
		return errors.New("a PyTorch file in the legacy (pre-1.6) format; re-save it with torch.save in a current PyTorch")
	case len(data) > 1 && data[0] == 0x80 && data[1] >= 2 && data[1] <= 5:
		return errors.New("a bare Python pickle, not a torch.save zip archive; re-save the state dict with torch.save in a current PyTorch")
	}
	return fmt.Errorf("neither safetensors nor a PyTorch .pth zip archive (it starts with %q)", data[:min(len(data), 8)])
}
