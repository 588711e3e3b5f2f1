// main.go — prints ../go_fixtures.h: what Go's encoding/json and reflect say
// about the values, strings, floats, tags and inputs the C tests use. The
// tests never run Go; this program is run by hand (./run beside it) when a
// case is added, and its output is committed.
//
// Sections: the seeded corpus of Records (Marshal, and a check that Go's own
// round trip gives it back), floats, strings, struct tags, hand-built encode
// cases, decode cases (input → error and the value re-marshalled), syntax
// errors.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
)

// cstr is a C string literal for any bytes: octal escapes (three digits,
// so a following digit cannot join them) for everything but plain ASCII.
func cstr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	chunk := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		n := b.Len()
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f && c != '?':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
		if chunk += b.Len() - n; chunk > 90 && i+1 < len(s) {
			b.WriteString("\"\n    \"")
			chunk = 0
		}
	}
	b.WriteByte('"')
	return b.String()
}

func mustMarshal(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

func array(name string, n int, item func(i int) string) {
	fmt.Printf("static const char *const %s[%d] __attribute__((unused)) = {\n", name, n)
	for i := 0; i < n; i++ {
		v := item(i)
		if strings.Contains(v, "\n") {
			v = "(" + v + ")" // one element, not two literals a comma forgot
		}
		fmt.Printf("    %s,\n", v)
	}
	fmt.Printf("};\n\n")
}

const ncorpus = 96

func corpus() {
	fmt.Printf("/* json.Marshal(record(seed)) for seed = 1 .. %d (corpus.c builds the same);\n"+
		" * go_corpus_rt: json.Marshal of what json.Unmarshal made of it, when that\n"+
		" * differs (a \\ufffd comes back as the character itself), else NULL. */\n", ncorpus)
	fmt.Printf("#define GO_NCORPUS %d\n", ncorpus)
	out := make([]string, ncorpus)
	back := make([]string, ncorpus)
	for i := range out {
		out[i] = mustMarshal(record(uint64(i + 1)))
		var v Record
		if err := json.Unmarshal([]byte(out[i]), &v); err != nil {
			panic(err)
		}
		back[i] = mustMarshal(v)
	}
	array("go_corpus", ncorpus, func(i int) string { return cstr(out[i]) })
	array("go_corpus_rt", ncorpus, func(i int) string {
		if back[i] == out[i] {
			return "NULL"
		}
		return cstr(back[i])
	})
}

func floats() {
	r := &rng{0xF64}
	const n64, n32 = 240, 160
	bits := make([]uint64, n64)
	for i := range bits {
		bits[i] = math.Float64bits(r.f64())
		if r.below(5) == 0 {
			bits[i] ^= 1 << 63
		}
	}
	fmt.Printf("/* Go's encoding of float64 values given by their bits. */\n#define GO_NF64 %d\n", n64)
	fmt.Printf("static const uint64_t go_f64_bits[%d] __attribute__((unused)) = {\n", n64)
	for _, b := range bits {
		fmt.Printf("    0x%016xull,\n", b)
	}
	fmt.Printf("};\n")
	array("go_f64_json", n64, func(i int) string { return cstr(mustMarshal(math.Float64frombits(bits[i]))) })

	bits32 := make([]uint32, n32)
	for i := range bits32 {
		bits32[i] = math.Float32bits(r.f32())
		if r.below(5) == 0 {
			bits32[i] ^= 1 << 31
		}
	}
	fmt.Printf("/* Go's encoding of float32 values given by their bits. */\n#define GO_NF32 %d\n", n32)
	fmt.Printf("static const uint32_t go_f32_bits[%d] __attribute__((unused)) = {\n", n32)
	for _, b := range bits32 {
		fmt.Printf("    0x%08xu,\n", b)
	}
	fmt.Printf("};\n")
	array("go_f32_json", n32, func(i int) string { return cstr(mustMarshal(math.Float32frombits(bits32[i]))) })
}

func stringsCase() {
	r := &rng{0x57}
	const n = 200
	in := make([]string, n)
	for i := range in {
		in[i] = r.str() + r.str()
	}
	fmt.Printf("/* Go's encoding of strings (bytes in go_str_in, lengths in go_str_len). */\n#define GO_NSTR %d\n", n)
	array("go_str_in", n, func(i int) string { return cstr(in[i]) })
	fmt.Printf("static const size_t go_str_len[%d] __attribute__((unused)) = {", n)
	for i := range in {
		if i%16 == 0 {
			fmt.Printf("\n   ")
		}
		fmt.Printf(" %d,", len(in[i]))
	}
	fmt.Printf("\n};\n")
	array("go_str_json", n, func(i int) string { return cstr(mustMarshal(in[i])) })
}

func tags() {
	r := &rng{0x7A6}
	keys := []string{"json", "xml", "config", "default", "yaml"}
	vals := []string{`"id"`, `"name,omitempty"`, `"a b"`, `"with \"q\""`, `""`, `"\u00e9"`,
		`"x\ny"`, `"-"`, `"tab\there"`, `"\x41\102"`, `"bad\q"`}
	broken := []string{"bad", `key:noquote`, `k :"v"`, `k:"open`, `:"v"`}
	const n = 160
	tagv := make([]string, n)
	key := make([]string, n)
	for i := 0; i < n; i++ {
		parts := []string{}
		for k := r.below(4); k > 0; k-- {
			if r.below(8) == 0 {
				parts = append(parts, broken[r.below(uint64(len(broken)))])
			} else {
				parts = append(parts, keys[r.below(uint64(len(keys)))]+":"+vals[r.below(uint64(len(vals)))])
			}
		}
		sep := " "
		if r.below(4) == 0 {
			sep = "  "
		}
		tagv[i] = strings.Join(parts, sep)
		key[i] = keys[r.below(uint64(len(keys)))]
	}
	fmt.Printf("/* reflect.StructTag(go_tag_in[i]).Lookup(go_tag_key[i]): \"1\" + value, or \"0\". */\n#define GO_NTAG %d\n", n)
	array("go_tag_in", n, func(i int) string { return cstr(tagv[i]) })
	array("go_tag_key", n, func(i int) string { return cstr(key[i]) })
	array("go_tag_out", n, func(i int) string {
		v, ok := reflect.StructTag(tagv[i]).Lookup(key[i])
		if !ok {
			return cstr("0")
		}
		return cstr("1" + v)
	})
}

func define(name, value string) {
	lit := strings.ReplaceAll(cstr(value), "\"\n    \"", "\" \\\n    \"")
	fmt.Printf("#define GO_%s %s\n", name, lit)
}

func ptrI(v int64) *int64 { return &v }

func encodeCases() {
	fmt.Printf("/* Hand-built values (the tests build the same ones) and Go's Marshal of them. */\n")
	define("E_RECORD_ZERO", mustMarshal(Record{}))
	promo := Promo{PA{1, 2}, PB{3, 4}, &PC{5, 6}, PD{7, 8}, pe{9}, &pf{10}, 11}
	define("E_PROMO_FULL", mustMarshal(promo))
	promo.PC, promo.pf = nil, nil
	define("E_PROMO_NIL", mustMarshal(promo))
	q := Quoted{B: true, I: -42, U: 7, F: 1.5e-7, S: "a\"<b>", P: ptrI(12), L: []int64{1, 2}}
	define("E_QUOTED", mustMarshal(q))
	q.F4 = 0.1
	define("E_QUOTED_F4", mustMarshal(q))
	n := &Node{Val: 1}
	n.Next = n
	define("E_CYCLE", mustMarshal(n))
	chain := &Node{Val: 0}
	for i := 1; i < 1500; i++ {
		chain = &Node{Val: int64(i), Next: chain}
	}
	out := mustMarshal(chain)
	define("E_CHAIN_PREFIX", out[:40])
	fmt.Printf("#define GO_E_CHAIN_LEN %d\n", len(out))
	define("E_NAN", mustMarshal(Record{Base: Base{}, Ratio: math.NaN()}))
	define("E_POSINF", mustMarshal(Record{Ratio: math.Inf(1)}))
	define("E_NEGINF", mustMarshal(Record{Small: float32(math.Inf(-1))}))
	define("E_MAP_BOOL", mustMarshal(map[bool]string{true: "x"}))
	define("E_MAP_INT_KEYS", mustMarshal(map[int64]string{10: "a", 9: "b", -1: "c", 100: "d", 0: "e"}))
	define("E_MAP_UINT8_KEYS", mustMarshal(map[uint8]bool{255: true, 3: false, 20: true}))
	define("E_BYTES_NIL", mustMarshal([]byte(nil)))
	define("E_BYTES_EMPTY", mustMarshal([]byte{}))
	define("E_BYTES", mustMarshal([]byte{0, 1, 2, 250, 251, 252, 253}))
	define("E_ANY_NESTED", mustMarshal([]interface{}{nil, 1.5, "x<", true,
		map[string]interface{}{"b": 1.0, "a": []interface{}{}, "": nil}}))
	define("E_EMPTY_MAP", mustMarshal(map[string]int64{}))
	define("E_NIL_MAP", mustMarshal(map[string]int64(nil)))
	define("E_NIL_PTR", mustMarshal((*Record)(nil)))
}

// A decode case: into a fresh value of the type, or into one built first.
type decodeCase struct {
	name  string
	start string // "zero", "rec7", "reuse", "anyptr"
	typ   string // "Record", "Promo", "Quoted"
	in    string
}

var decodeCases = []decodeCase{
	{"D_FOLD", "zero", "Record", `{"NAME":"upper","Name":"mixed","ID":5,"COUNT":"9","rAtIo":2}`},
	{"D_UNKNOWN", "zero", "Record", `{"nope":1,"name":"a","hidden":5,"Secret":"s","Extra":{"x":1},"-":4,"Base":{"id":2}}`},
	{"D_MISMATCH", "zero", "Record", `{"name":5,"u8":"x","id":7,"tags":{"a":1},"I16":2}`},
	{"D_PATH", "zero", "Record", `{"kids":[{"label":"a"},{"label":3,"w":"1"}],"next":{"ok":"yes"}}`},
	{"D_PTR_ALLOC", "zero", "Record", `{"next":"str"}`},
	{"D_OVERFLOW", "zero", "Record", `{"u8":300,"ratio":1e400,"I16":-32769,"Big":-1,"small":1e39}`},
	{"D_FRACTION", "zero", "Record", `{"I16":1.5,"id":1e2,"Big":18446744073709551615,"ratio":1e-400}`},
	{"D_STRING_TAG_BAD", "zero", "Record", `{"id":1,"count":"abc","name":"after"}`},
	{"D_STRING_TAG_UNQUOTED", "zero", "Record", `{"count":12,"id":3}`},
	{"D_STRING_TAG_OK", "zero", "Record", `{"count":"-12","kids":[{"w":"2.5"},{"w":null}]}`},
	{"D_STRING_TAG_EMPTY", "zero", "Record", `{"count":"","id":4}`},
	{"D_NULL_CLEARS", "rec7", "Record", `{"tags":null,"name":null,"next":null,"any":null,"attrs":null,"u8":null,"blob":null}`},
	{"D_EMPTY_ARRAY", "zero", "Record", `{"tags":[],"scores":null,"kids":[],"blob":""}`},
	{"D_REUSE", "reuse", "Record", `{"tags":["a"],"kids":[{"w":"2"}]}`},
	{"D_ANY", "zero", "Record", `{"any":{"b":[1,"x",true,null,{"k":2.5}],"a":-0.0,"a":"dup"}}`},
	{"D_ANY_BIG", "zero", "Record", `{"any":1e400,"id":1}`},
	{"D_BLOB_OK", "zero", "Record", `{"blob":"AQID/w=="}`},
	{"D_BLOB_BAD", "zero", "Record", `{"blob":"AQ*D","id":9}`},
	{"D_MAP_KEYS", "zero", "Record", `{"ranks":{"10":1,"-3":2.5,"x":1,"99999999999999999999":2},"attrs":{"k":"v","k":"w"}}`},
	{"D_MAP_ELEM", "zero", "Record", `{"attrs":{"a":1,"b":"ok"}}`},
	{"D_EMBEDDED_PTR", "zero", "Record", `{"note":"n","level":3}`},
	{"D_PROMO", "zero", "Promo", `{"x":1,"Y":2,"Z":3,"V":4,"W":5,"pd":{"W":6,"Q":7},"e1":8}`},
	{"D_PROMO_UNEXPORTED_PTR", "zero", "Promo", `{"F1":1,"W":2}`},
	{"D_TOP_STRING", "zero", "Record", `"str"`},
	{"D_TOP_ARRAY", "zero", "Record", `[1]`},
	{"D_TOP_NULL", "rec7", "Record", `null`},
	{"D_INVALID_UTF8", "zero", "Record", "{\"name\":\"a\xffb\\ud800c\\ud83d\\ude00\xed\xa0\x80\"}"},
	{"D_ESCAPES", "zero", "Record", `{"name":"\u003c\/\b\f\"\\\u00e9\ud83d"}`},
	{"D_QUOTED", "zero", "Quoted", `{"b":"true","i":"-7","u":"65535","f":"1e3","s":"\"q\"","p":"5","n":null,"l":[1,2],"f4":"0.1"}`},
	{"D_QUOTED_BAD_BOOL", "zero", "Quoted", `{"i":"1","b":"yes","u":"2"}`},
	{"D_QUOTED_OVERFLOW", "zero", "Quoted", `{"u":"70000","i":"3"}`},
	{"D_QUOTED_STRING_UNQUOTED", "zero", "Quoted", `{"s":"plain"}`},
	{"D_ANY_PTR", "anyptr", "Record", `{"any":{"label":"L"}}`},
}

func decodeStart(c decodeCase) interface{} {
	switch c.typ {
	case "Promo":
		return &Promo{}
	case "Quoted":
		return &Quoted{}
	}
	v := &Record{}
	switch c.start {
	case "rec7":
		*v = record(7)
	case "reuse":
		v.Tags = []string{"x", "y", "z"}
		v.Kids = []Child{{Label: "k1", Weight: 1}}
	case "anyptr":
		v.Any = &Child{Label: "old", Weight: 1}
	}
	return v
}

func decode() {
	fmt.Printf("/* json.Unmarshal(GO_<case>_IN, &v) from the start the test names: the\n" +
		" * error (\"\" for none) and json.Marshal(v) afterwards. */\n")
	for _, c := range decodeCases {
		v := decodeStart(c)
		err := json.Unmarshal([]byte(c.in), v)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		define(c.name+"_IN", c.in)
		define(c.name+"_ERR", msg)
		define(c.name+"_OUT", mustMarshal(v))
	}
	fmt.Println()
}

var syntaxInputs = []string{
	``, ` `, `{`, `{"a"`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{1:2}`, `tru`,
	`trux`, `nul`, `fals3`, `01`, `1.`, `1.e5`, `-`, `-x`, `1e`, `1e+`, `"abc`, `"\x"`,
	`"\u12g4"`, "\"a\x01\"", `{"a":1}}`, `{"a":1} x`, `[}`, "\xff", `'a'`, "\"\t\"",
	`{"a":1 "b":2}`, `[1]]`, `1 2`, "\xc3\xa9", `}`, "[\x7f]", "[\xc2\xa0]", "[\xc2\xad]",
	"[\xa1]", "{\"a\":1,\n\"b\"\x00}", `nulL`, `[-01]`, `[1.5e]`, " \r\n\t 1 \r\n\t ", `{"":{"":[]}}`,
	strings.Repeat("[", 10001),
}

func syntax() {
	fmt.Printf("/* json.Unmarshal's SyntaxError text for invalid inputs (\"\" when valid). */\n")
	fmt.Printf("#define GO_NSYNTAX %d\n", len(syntaxInputs))
	array("go_syntax_in", len(syntaxInputs), func(i int) string {
		if len(syntaxInputs[i]) > 1000 {
			return "NULL /* 10001 × '[' */"
		}
		return cstr(syntaxInputs[i])
	})
	fmt.Printf("static const size_t go_syntax_len[%d] __attribute__((unused)) = {", len(syntaxInputs))
	for i, s := range syntaxInputs {
		if i%16 == 0 {
			fmt.Printf("\n   ")
		}
		fmt.Printf(" %d,", len(s))
	}
	fmt.Printf("\n};\n")
	array("go_syntax_err", len(syntaxInputs), func(i int) string {
		var v interface{}
		err := json.Unmarshal([]byte(syntaxInputs[i]), &v)
		if err == nil {
			return cstr("")
		}
		return cstr(err.Error())
	})
}

func main() {
	os.Stdout.WriteString("/*\n * go_fixtures.h — generated by tests/gen (" + runtime.Version() +
		"); do not edit.\n * What Go's encoding/json and reflect print for the cases the tests\n" +
		" * build; regenerate with tests/gen/run.\n */\n#include <stddef.h>\n#include <stdint.h>\n\n" +
		"/* The generator lays the data out; clang-format leaves it alone. */\n/* clang-format off */\n\n")
	corpus()
	floats()
	stringsCase()
	tags()
	encodeCases()
	decode()
	syntax()
	os.Stdout.WriteString("/* clang-format on */\n")
}
