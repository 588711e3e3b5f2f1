// main.go — the interceptor lab's anchor: grpc-go 1.33's own unary server
// chain, timed as the lab's bench/ic_bench.c times the lab's: one call
// through 0 and 5 pass-through interceptors to a handler that copies a
// 16-byte request.
//
// grpc-go keeps its chained interceptor unexported; a method handler is
// handed it on every call, so one real call over bufconn captures it, and
// the benchmark then calls it directly, without the transport — exactly
// the closure chain grpc.ChainUnaryInterceptor built.
//
// Usage: anchor_go [-benchtime 1s]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/test/bufconn"
)

type raw struct{}

func (raw) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (raw) Unmarshal(b []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (raw) Name() string { return "proto" }

var captured chan grpc.UnaryServerInterceptor

func handler(ctx context.Context, req interface{}) (interface{}, error) {
	in := req.(*[]byte)
	out := make([]byte, len(*in))
	copy(out, *in)
	return &out, nil
}

func method(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
	var in []byte
	if err := dec(&in); err != nil {
		return nil, err
	}
	captured <- ic
	return &in, nil
}

func pass(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
	return h(ctx, req)
}

// chain returns grpc-go's chained interceptor for n pass-throughs (nil for 0).
func chain(n int) grpc.UnaryServerInterceptor {
	ints := make([]grpc.UnaryServerInterceptor, n)
	for i := range ints {
		ints[i] = pass
	}
	l := bufconn.Listen(1 << 16)
	s := grpc.NewServer(grpc.ChainUnaryInterceptor(ints...))
	s.RegisterService(&grpc.ServiceDesc{ServiceName: "bench.Svc", HandlerType: (*interface{})(nil),
		Methods: []grpc.MethodDesc{{MethodName: "Echo", Handler: method}}}, struct{}{})
	go s.Serve(l)
	defer s.Stop()
	cc, err := grpc.Dial("bufnet", grpc.WithInsecure(),
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return l.Dial() }))
	if err != nil {
		fmt.Println("anchor:", err)
		os.Exit(1)
	}
	defer cc.Close()
	captured = make(chan grpc.UnaryServerInterceptor, 1)
	in, out := []byte("x"), []byte(nil)
	if err := cc.Invoke(context.Background(), "/bench.Svc/Echo", &in, &out); err != nil {
		fmt.Println("anchor:", err)
		os.Exit(1)
	}
	return <-captured
}

func report(name string, r testing.BenchmarkResult) {
	fmt.Printf("%s-%d\t%d\t%.1f ns/op\t%d B/op\t%d allocs/op\n", name, 2, r.N,
		float64(r.T.Nanoseconds())/float64(r.N), r.AllocedBytesPerOp(), r.AllocsPerOp())
}

func main() {
	testing.Init()
	benchtime := flag.String("benchtime", "1s", "time per benchmark")
	flag.Parse()
	flag.Set("test.benchtime", *benchtime)
	encoding.RegisterCodec(raw{})
	info := &grpc.UnaryServerInfo{FullMethod: "/bench.Svc/Echo"}
	req := []byte("0123456789abcdef")
	ctx := context.Background()
	fmt.Println("goos: linux\ngoarch: amd64\npkg: grpc-go 1.33 (Debian)")
	for _, n := range []int{0, 5} {
		ic := chain(n)
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if ic == nil {
					handler(ctx, &req)
				} else {
					ic(ctx, &req, info, handler)
				}
			}
		})
		report(fmt.Sprintf("BenchmarkUnaryChain%d/grpc-go", n), r)
	}
}
