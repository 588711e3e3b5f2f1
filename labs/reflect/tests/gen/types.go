// types.go — the Go twins of the C types in ../zoo.h, field for field, and
// the seeded generator of ../corpus.c, draw for draw: the same seed gives
// the same value on both sides, so Go's json.Marshal of it is what the C
// encoder must write.
package main

import "math"

type Base struct {
	ID      int64  `json:"id"`
	Created string `json:"created,omitempty"`
}

type Extra struct {
	Note  string `json:"note"`
	Level int8   `json:"level"`
}

type Child struct {
	Label  string  `json:"label"`
	Weight float64 `json:"w,string"`
	Ok     *bool   `json:"ok,omitempty"`
}

type Record struct {
	Base
	*Extra
	Name   string  `json:"name"`
	Alias  string  `json:"alias,omitempty"`
	Secret string  `json:"-"`
	Dash   int32   `json:"-,"`
	Count  int32   `json:"count,string"`
	Ratio  float64 `json:"ratio"`
	Small  float32 `json:"small,omitempty"`
	Flag   bool    `json:"flag,omitempty"`
	U8     uint8   `json:"u8"`
	I16    int16
	Big    uint64            `json:",omitempty"`
	Tags   []string          `json:"tags"`
	Scores []int64           `json:"scores,omitempty"`
	Blob   []byte            `json:"blob"`
	Attrs  map[string]string `json:"attrs"`
	Ranks  map[int64]float64 `json:"ranks,omitempty"`
	Next   *Child            `json:"next"`
	Any    interface{}       `json:"any"`
	Kids   []Child           `json:"kids"`
	hidden int64
}

// Embedding and Go's dominance rules.
type PA struct {
	X int64 `json:"x"`
	Y int64
}

type PB struct {
	X int64 `json:"x"`
	Z int64
}

type PC struct {
	Y int64 `json:"Y"`
	V int64
}

type PD struct {
	W int64
	Q int64
}

type pe struct {
	E1 int64 `json:"e1"`
}

type pf struct {
	F1 int64
}

type Promo struct {
	PA
	PB
	*PC
	PD `json:"pd"`
	pe
	*pf
	W int64
}

// ",string" on every kind it applies to, and on one it does not.
type Quoted struct {
	B  bool    `json:"b,string"`
	I  int64   `json:"i,string"`
	U  uint16  `json:"u,string"`
	F  float64 `json:"f,string"`
	S  string  `json:"s,string"`
	P  *int64  `json:"p,string"`
	N  *int64  `json:"n,string"`
	L  []int64 `json:"l,string"`
	F4 float32 `json:"f4,string,omitempty"`
}

type Node struct {
	Val  int64 `json:"val"`
	Next *Node `json:"next,omitempty"`
}

// The seeded generator: splitmix64, as corpus.c has it.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) below(n uint64) uint64 { return r.next() % n }

var pieces = []string{
	"a", "Z", "7", " ", "<", ">", "&", "\"", "\\", "\n", "\t", "\r", "\x01", "\x1f",
	"\x7f", "é", "世", "\u2028", "\u2029", "😀", "\xff", "\xc3", "\xed\xa0\x80", "/",
	"'", "%", "\x00", "\xf4\x90\x80\x80", "\xc0\xaf", "key", "<script>",
}

func (r *rng) str() string {
	n := r.below(8)
	s := ""
	for i := uint64(0); i < n; i++ {
		s += pieces[r.below(uint64(len(pieces)))]
	}
	return s
}

var special64 = []float64{
	0, 1, -1, 0.1, 1e21, 1e20, 1e-6, 1e-7, 123456.789, 5e-324, math.MaxFloat64, 100, 0.5,
	3.141592653589793, -2.5e-8, 999999999999999900000, 1e-5, 2.2250738585072014e-308,
	9007199254740993, 0.000001234,
}

var special32 = []float32{
	0, 1, -1, 0.1, 1e21, 1e20, 1e-6, 1e-7, 16777217, math.MaxFloat32, 1.4e-45, 3.4e38,
	0.3, 2.5e-7, 123.456,
}

func (r *rng) f64() float64 {
	switch r.below(4) {
	case 0:
		return special64[r.below(uint64(len(special64)))]
	case 1:
		b := r.next()
		if (b>>52)&0x7ff == 0x7ff {
			b &^= 1 << 62
		}
		return math.Float64frombits(b)
	case 2:
		return float64(int64(r.below(2000000))-1000000) / float64(uint64(1)<<r.below(20))
	default:
		return float64(r.below(1000000)) / 1000
	}
}

func (r *rng) f32() float32 {
	switch r.below(3) {
	case 0:
		return special32[r.below(uint64(len(special32)))]
	case 1:
		b := uint32(r.next())
		if (b>>23)&0xff == 0xff {
			b &^= 1 << 30
		}
		return math.Float32frombits(b)
	default:
		return float32(int32(r.below(20000))-10000) / float32(uint32(1)<<r.below(12))
	}
}

// shape: 0 nil, 1 empty, else that many minus one elements (1..4).
func (r *rng) shape() uint64 {
	k := r.below(4)
	if k < 2 {
		return k
	}
	return 1 + 1 + r.below(4)
}

func (r *rng) child() Child {
	c := Child{Label: r.str(), Weight: r.f64()}
	switch r.below(3) {
	case 1:
		t := true
		c.Ok = &t
	case 2:
		f := false
		c.Ok = &f
	}
	return c
}

func (r *rng) any() interface{} {
	switch r.below(6) {
	case 0:
		return nil
	case 1:
		return r.f64()
	case 2:
		return r.str()
	case 3:
		return r.below(2) == 0
	case 4:
		return []interface{}{r.f64(), r.str(), nil}
	default:
		m := map[string]interface{}{}
		k1 := r.str()
		m[k1] = r.f64()
		k2 := r.str()
		m[k2] = r.below(2) == 1
		return m
	}
}

func record(seed uint64) Record {
	r := &rng{seed}
	var v Record
	v.ID = int64(r.next())
	if r.below(2) == 1 {
		v.Created = r.str()
	}
	if r.below(3) != 0 {
		v.Extra = &Extra{Note: r.str(), Level: int8(r.next())}
	}
	v.Name = r.str()
	if r.below(2) == 1 {
		v.Alias = r.str()
	}
	v.Secret = r.str()
	v.Dash = int32(r.next())
	v.Count = int32(r.next())
	v.Ratio = r.f64()
	if r.below(3) != 0 {
		v.Small = r.f32()
	}
	v.Flag = r.below(2) == 1
	v.U8 = uint8(r.next())
	v.I16 = int16(r.next())
	if r.below(2) == 1 {
		v.Big = r.next()
	}
	if k := r.shape(); k > 0 {
		v.Tags = []string{}
		for i := uint64(1); i < k; i++ {
			v.Tags = append(v.Tags, r.str())
		}
	}
	if k := r.shape(); k > 0 {
		v.Scores = []int64{}
		for i := uint64(1); i < k; i++ {
			v.Scores = append(v.Scores, int64(r.next()))
		}
	}
	if k := r.shape(); k > 0 {
		v.Blob = []byte{}
		for i := uint64(2); i < k*2; i++ {
			v.Blob = append(v.Blob, byte(r.next()))
		}
	}
	if k := r.shape(); k > 0 {
		v.Attrs = map[string]string{}
		for i := uint64(1); i < k; i++ {
			key := r.str()
			val := r.str()
			v.Attrs[key] = val
		}
	}
	if k := r.shape(); k > 0 {
		v.Ranks = map[int64]float64{}
		for i := uint64(1); i < k; i++ {
			key := int64(r.below(1000)) - 500
			val := r.f64()
			v.Ranks[key] = val
		}
	}
	if r.below(2) == 1 {
		c := r.child()
		v.Next = &c
	}
	v.Any = r.any()
	if k := r.shape(); k > 0 {
		v.Kids = []Child{}
		for i := uint64(1); i < k; i++ {
			v.Kids = append(v.Kids, r.child())
		}
	}
	v.hidden = int64(r.next())
	return v
}
