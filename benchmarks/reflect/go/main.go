// main.go — Go's encoding/json on the reflect anchor's Order
// (labs/reflect/bench/order.h builds the same values): -json prints the
// encoding; otherwise Marshal and Unmarshal are timed with testing.Benchmark
// and printed in the benchmark format.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"
)

type Item struct {
	SKU   string  `json:"sku"`
	Qty   int64   `json:"qty"`
	Price float64 `json:"price"`
}

type Order struct {
	ID       int64    `json:"id"`
	Customer string   `json:"customer"`
	Email    string   `json:"email,omitempty"`
	Paid     bool     `json:"paid"`
	Total    float64  `json:"total"`
	Items    []Item   `json:"items"`
	Tags     []string `json:"tags"`
	Note     string   `json:"note,omitempty"`
}

func buildOrder() Order {
	o := Order{ID: 123456789, Customer: "Ada Lovelace", Email: "ada@example.com", Paid: true,
		Total: 61.5, Tags: []string{"priority", "gift <wrap>", "eu"}, Note: "leave at the door"}
	for i := 0; i < 8; i++ {
		o.Items = append(o.Items, Item{fmt.Sprintf("SKU-%04d", 17*i+3), int64(i + 1), 1.25*float64(i) + 0.5})
	}
	return o
}

func line(name string, r testing.BenchmarkResult) {
	fmt.Printf("%-32s %10d %12.1f ns/op\n", name, r.N, float64(r.T.Nanoseconds())/float64(r.N))
}

func main() {
	o := buildOrder()
	data, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	if len(os.Args) > 1 && os.Args[1] == "-json" {
		fmt.Println(string(data))
		return
	}
	testing.Init()
	if len(os.Args) > 2 && os.Args[1] == "-benchtime" {
		flag.Set("test.benchtime", os.Args[2])
	}
	run := func(f func()) testing.BenchmarkResult {
		return testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f()
			}
		})
	}
	line("BenchmarkMarshal/go", run(func() { json.Marshal(o) }))
	line("BenchmarkUnmarshal/go", run(func() {
		var back Order
		json.Unmarshal(data, &back)
	}))
}
