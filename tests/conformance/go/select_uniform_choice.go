package main

import "fmt"

// Among ready cases select picks uniformly at random: over 40000 selects on
// four always-ready channels each case wins 10000 ± 1000 times (the
// standard deviation is 87; a fixed or biased order falls far outside).
func init() {
	cases["select_uniform_choice"] = func() {
		var chs [4]chan int
		for i := range chs {
			chs[i] = make(chan int, 1)
			chs[i] <- i
		}
		var counts [4]int
		for n := 0; n < 40000; n++ {
			select {
			case v := <-chs[0]:
				counts[v]++
				chs[0] <- v
			case v := <-chs[1]:
				counts[v]++
				chs[1] <- v
			case v := <-chs[2]:
				counts[v]++
				chs[2] <- v
			case v := <-chs[3]:
				counts[v]++
				chs[3] <- v
			}
		}
		for i, c := range counts {
			fmt.Printf("case %d within 10000±1000: %v\n", i, c >= 9000 && c <= 11000)
		}
	}
}
