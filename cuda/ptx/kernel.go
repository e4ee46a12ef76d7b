package ptx

// Kernel is a finished kernel: render it with PTX, run it with Run.
type Kernel struct {
	name   string
	params []Param
	shared []SharedArray
	regs   []typ
	regIdx []int
	nClass [5]int
	instrs []instr
	target []int // label -> instruction index
}

// Name is the kernel's entry name, the one cuModuleGetFunction looks up.
func (k *Kernel) Name() string { return k.name }

// Params lists the parameters in launch order.
func (k *Kernel) Params() []Param { return append([]Param(nil), k.params...) }

// SharedBytes is the static shared memory one block uses.
func (k *Kernel) SharedBytes() int {
	n := 0
	for _, s := range k.shared {
		n += 4 * s.Words
	}
	return n
}

// Len is the number of instructions, labels included.
func (k *Kernel) Len() int { return len(k.instrs) }
