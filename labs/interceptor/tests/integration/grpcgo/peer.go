// peer.go — a grpc-go 1.33 server for the interceptor lab's interop test
// (grpcgo.c). Messages are raw bytes: a codec registered under the name
// "proto" replaces the default one, so plain application/grpc requests use
// it. The server listens on 127.0.0.1:0, prints "ADDR host:port", and
// serves until killed. A server chain of two interceptors tags the response
// so the client can see that grpc-go's own chain ran.
//
// With the arguments "client ADDR" it is a grpc-go client of the lab's C
// server instead (grpcgo.c's second half) and checks what it answers.
//
// Methods: /interop.Svc/Echo echoes, returns x-bin in the header and the
// authorization value in the trailer "seen-auth"; /interop.Svc/Fail fails
// with the code in the request's first byte and the message "échec N";
// /interop.Svc/Deadline answers the milliseconds left on its context
// (rounded), as ASCII; /interop.Svc/Slow waits for its context to end.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

type raw struct{}

func (raw) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (raw) Unmarshal(b []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (raw) Name() string { return "proto" }

func tag(t byte) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
		resp, err := h(ctx, req)
		if b, ok := resp.(*[]byte); ok && err == nil {
			*b = append(*b, t)
		}
		return resp, err
	}
}

func method(name string, fn func(ctx context.Context, in []byte) ([]byte, error)) grpc.MethodDesc {
	return grpc.MethodDesc{MethodName: name, Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
		var in []byte
		if err := dec(&in); err != nil {
			return nil, err
		}
		h := func(ctx context.Context, req interface{}) (interface{}, error) {
			out, err := fn(ctx, *req.(*[]byte))
			if err != nil {
				return nil, err
			}
			return &out, nil
		}
		info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/interop.Svc/" + name}
		return ic(ctx, &in, info, h)
	}}
}

func echo(ctx context.Context, in []byte) ([]byte, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("x-bin"); len(v) > 0 {
		grpc.SetHeader(ctx, metadata.Pairs("x-bin", v[0]))
	}
	if v := md.Get("authorization"); len(v) > 0 {
		grpc.SetTrailer(ctx, metadata.Pairs("seen-auth", v[0]))
	}
	return in, nil
}

func fail(ctx context.Context, in []byte) ([]byte, error) {
	return nil, status.Errorf(codes.Code(in[0]), "échec %d", in[0])
}

func deadline(ctx context.Context, in []byte) ([]byte, error) {
	d, ok := ctx.Deadline()
	if !ok {
		return []byte("none"), nil
	}
	return []byte(fmt.Sprint(time.Until(d).Round(100 * time.Millisecond).Milliseconds())), nil
}

func slow(ctx context.Context, in []byte) ([]byte, error) {
	<-ctx.Done()
	return nil, status.FromContextError(ctx.Err()).Err()
}

// client calls the C server at addr and exits 0 when every answer was the
// expected one, 1 otherwise (naming what differed on stderr).
func client(addr string) {
	bad := 0
	check := func(ok bool, format string, args ...interface{}) {
		if !ok {
			bad++
			fmt.Fprintf(os.Stderr, "peer client: "+format+"\n", args...)
		}
	}
	order := ""
	tagc := func(t string) grpc.UnaryClientInterceptor {
		return func(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, inv grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			order += t
			return inv(ctx, method, req, reply, cc, opts...)
		}
	}
	cc, err := grpc.Dial(addr, grpc.WithInsecure(), grpc.WithChainUnaryInterceptor(tagc("1"), tagc("2")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin := string([]byte{0, 0xff, 'x', 0x80, 7})
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-bin", bin, "authorization", "Bearer c")
	var header, trailer metadata.MD
	in, out := []byte("hello"), []byte(nil)
	err = cc.Invoke(ctx, "/interop.Svc/Echo", &in, &out, grpc.Header(&header), grpc.Trailer(&trailer))
	check(err == nil && string(out) == "helloC", "echo: %v %q", err, out)
	check(order == "12", "echo: client chain ran %q", order)
	check(len(header.Get("x-bin")) == 1 && header.Get("x-bin")[0] == bin, "echo: x-bin header %q", header.Get("x-bin"))
	check(len(trailer.Get("seen-auth")) == 1 && trailer.Get("seen-auth")[0] == "Bearer c", "echo: trailer %q", trailer)
	for c := 1; c < 17; c++ {
		in = []byte{byte(c)}
		err = cc.Invoke(context.Background(), "/interop.Svc/Fail", &in, &out)
		st, _ := status.FromError(err)
		check(int(st.Code()) == c && st.Message() == fmt.Sprintf("échec %d", c), "fail %d: %v", c, err)
	}
	dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	err = cc.Invoke(dctx, "/interop.Svc/Deadline", &in, &out)
	cancel()
	check(err == nil && string(out) == "5000C", "deadline: %v %q", err, out)
	in = []byte("!")
	err = cc.Invoke(context.Background(), "/interop.Svc/Echo", &in, &out)
	st, _ := status.FromError(err)
	check(st.Code() == codes.Internal && st.Message() == "handler panicked", "panic: %v", err)
	err = cc.Invoke(context.Background(), "/interop.Svc/Nope", &in, &out)
	check(status.Code(err) == codes.Unimplemented, "unknown method: %v", err)
	cc.Close()
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Println("peer client: passed")
}

func main() {
	encoding.RegisterCodec(raw{})
	if len(os.Args) == 3 && os.Args[1] == "client" {
		client(os.Args[2])
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := grpc.NewServer(grpc.ChainUnaryInterceptor(tag('A'), tag('B')))
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: "interop.Svc",
		HandlerType: (*interface{})(nil),
		Methods: []grpc.MethodDesc{method("Echo", echo), method("Fail", fail),
			method("Deadline", deadline), method("Slow", slow)},
	}, struct{}{})
	fmt.Printf("ADDR %s\n", l.Addr())
	os.Stdout.Sync()
	s.Serve(l)
}
