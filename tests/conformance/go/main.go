// The Go side of the conformance suite: runs one case by name.
//
// Every case is one file, <name>.go, that registers itself in cases; its
// C twin is ../c/<name>.c. Usage: conf_go --list | conf_go <case>.
package main

import (
	"fmt"
	"os"
	"sort"
)

var cases = map[string]func(){}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--list" {
		names := make([]string, 0, len(cases))
		for n := range cases {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Println(n)
		}
		return
	}
	if len(os.Args) != 2 || cases[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: conf_go --list | conf_go <case>")
		os.Exit(1)
	}
	cases[os.Args[1]]()
}
