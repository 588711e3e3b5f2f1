package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// TCP over loopback: a past deadline fails reads at once, even with data
// waiting, and only with a timeout error; a future one fails a read when
// it comes; clearing it makes reads work; a timed-out write reports what
// went out, and exactly that reaches the peer; close gives net.ErrClosed
// to the closer and end of stream to the peer.
func init() {
	cases["net_tcp_deadlines"] = func() {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		a, _ := net.Dial("tcp", l.Addr().String())
		b, _ := l.Accept()
		a.Write([]byte("xy"))
		buf := make([]byte, 1)
		b.Read(buf)
		b.SetReadDeadline(time.Unix(1, 0))
		_, err := b.Read(buf)
		var ne net.Error
		fmt.Println("past deadline, data waiting:", errors.Is(err, os.ErrDeadlineExceeded),
			errors.As(err, &ne) && ne.Timeout(), errors.Is(err, net.ErrClosed))
		b.SetReadDeadline(time.Time{})
		n, _ := b.Read(buf)
		fmt.Println("cleared: read", n, string(buf[:n]))
		start := time.Now()
		b.SetReadDeadline(start.Add(20 * time.Millisecond))
		_, err = b.Read(buf)
		fmt.Println("future deadline:", errors.Is(err, os.ErrDeadlineExceeded), "after >= 20ms:", time.Since(start) >= 20*time.Millisecond)
		b.SetReadDeadline(time.Time{})
		big := make([]byte, 32<<20)
		a.SetWriteDeadline(time.Now().Add(5 * time.Millisecond))
		wrote, err := a.Write(big)
		fmt.Println("timed-out write:", errors.Is(err, os.ErrDeadlineExceeded), "wrote some, not all:", wrote > 0 && wrote < len(big))
		got, err := io.ReadFull(b, make([]byte, wrote))
		b.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, err2 := b.Read(buf)
		fmt.Println("the peer got exactly that:", got == wrote && err == nil, errors.Is(err2, os.ErrDeadlineExceeded))
		b.SetReadDeadline(time.Time{})
		b.Close()
		_, err = b.Read(buf)
		fmt.Println("read after close:", errors.Is(err, net.ErrClosed))
		fmt.Println("deadline after close fails:", b.SetDeadline(time.Time{}) != nil)
		_, err = a.Read(buf)
		fmt.Println("peer reads end of stream:", err == io.EOF)
		a.Close()
		l.Close()
	}
}
