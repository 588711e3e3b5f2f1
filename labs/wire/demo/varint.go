// varint.go — the Go original of the wire lab's varint demo: the same
// values through encoding/binary's PutUvarint (the varint protobuf and
// Go share), zigzag as protowire does it, and -1 three ways.
package main

import (
	"encoding/binary"
	"fmt"
	"math"
)

func walk(v uint64) {
	b := make([]byte, binary.MaxVarintLen64)
	n := binary.PutUvarint(b, v)
	fmt.Printf("  %20d ->", v)
	for _, x := range b[:n] {
		fmt.Printf(" %02x", x)
	}
	s := "s"
	if n == 1 {
		s = ""
	}
	fmt.Printf("   (%d byte%s)\n", n, s)
}

func zigzag32(v int32) uint32 { return uint32(v<<1) ^ uint32(v>>31) }

func main() {
	fmt.Println("== Varints: 7 bits a byte, top bit = more follows")
	for _, v := range []uint64{0, 1, 127, 128, 150, 300, 16384, math.MaxUint32, math.MaxUint64} {
		walk(v)
	}
	fmt.Println("== Zigzag: small negatives stay small")
	for v := int32(-3); v <= 3; v++ {
		fmt.Printf("  zigzag(%2d) = %d\n", v, zigzag32(v))
	}
	fmt.Println("== -1 as int32, sint32, sfixed32")
	fmt.Printf("  int32    -1 (sign-extended):")
	minusOne := int64(-1)
	walk(uint64(minusOne))
	fmt.Printf("  sint32   -1 (zigzag):       ")
	walk(uint64(zigzag32(-1)))
	f := make([]byte, 4)
	binary.LittleEndian.PutUint32(f, math.MaxUint32)
	fmt.Printf("  sfixed32 -1: %02x %02x %02x %02x (always 4 bytes)\n", f[0], f[1], f[2], f[3])
}
