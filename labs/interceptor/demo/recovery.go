// recovery.go — the Go original of recovery.c: logging, recovery and
// bearer-token auth on the server (as grpc-ecosystem's middlewares do
// them), retry with backoff on the client, on grpc-go 1.33 over bufconn.
//
// Build offline: GO111MODULE=off GOPATH=/usr/share/gocode go run recovery.go
package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

type raw struct{}

func (raw) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (raw) Unmarshal(b []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (raw) Name() string { return "raw" }

func logging(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
	t := time.Now()
	resp, err := h(ctx, req)
	fmt.Printf("  log: grpc: %s %s %dns\n", info.FullMethod, status.Code(err), time.Since(t).Nanoseconds())
	return resp, err
}

func recovery(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp interface{}, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = status.Errorf(codes.Internal, "%v", p)
		}
	}()
	return h(ctx, req)
}

func auth(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	v := md.Get("authorization")
	if len(v) == 0 || len(v[0]) < 7 || !strings.EqualFold(v[0][:7], "bearer ") {
		return nil, status.Error(codes.Unauthenticated, "missing bearer token")
	}
	if v[0][7:] != "s3cret" {
		return nil, status.Error(codes.Unauthenticated, "invalid token")
	}
	return h(ctx, req)
}

func retry(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, inv grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	wait := 100 * time.Millisecond
	for k := 1; ; k++ {
		err := inv(ctx, method, req, reply, cc, opts...)
		if status.Code(err) != codes.Unavailable || k >= 4 {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
		wait *= 2
	}
}

var start = time.Now()
var attempts int

func work(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
	var in []byte
	if err := dec(&in); err != nil {
		return nil, err
	}
	return ic(ctx, &in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/demo.Svc/Work"},
		func(ctx context.Context, req interface{}) (interface{}, error) {
			if string(*req.(*[]byte)) == "!" {
				var a []int
				_ = a[5] // index out of range
			}
			return req, nil
		})
}

func flaky(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
	var in []byte
	if err := dec(&in); err != nil {
		return nil, err
	}
	return ic(ctx, &in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/demo.Svc/Flaky"},
		func(ctx context.Context, req interface{}) (interface{}, error) {
			attempts++
			fmt.Printf("  server: flaky attempt %d at %d ms\n", attempts, time.Since(start).Milliseconds())
			if attempts < 3 {
				return nil, status.Error(codes.Unavailable, "try later")
			}
			return req, nil
		})
}

var desc = grpc.ServiceDesc{
	ServiceName: "demo.Svc",
	HandlerType: (*interface{})(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Work", Handler: work}, {MethodName: "Flaky", Handler: flaky}},
}

func serve(opts ...grpc.ServerOption) *bufconn.Listener {
	l := bufconn.Listen(1 << 16)
	s := grpc.NewServer(opts...)
	s.RegisterService(&desc, struct{}{})
	go s.Serve(l)
	return l
}

func main() {
	encoding.RegisterCodec(raw{})
	fmt.Println("ChainUnaryInterceptor(logging, recovery, auth)")
	l := serve(grpc.ChainUnaryInterceptor(logging, recovery, auth))
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return l.Dial() }
	cc, err := grpc.Dial("bufnet", grpc.WithContextDialer(dial), grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("raw")))
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	call := func(method, token, body string, withRetry bool) {
		ctx := context.Background()
		if token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", token)
		}
		in, out := []byte(body), []byte(nil)
		var err error
		if withRetry {
			inv := func(ctx context.Context, m string, req, reply interface{}, cc *grpc.ClientConn, opts ...grpc.CallOption) error {
				return cc.Invoke(ctx, m, req, reply, opts...)
			}
			err = retry(ctx, method, &in, &out, cc, inv)
		} else {
			err = cc.Invoke(ctx, method, &in, &out)
		}
		st, _ := status.FromError(err)
		msg := ""
		if st.Message() != "" {
			msg = fmt.Sprintf(" %q", st.Message())
		}
		fmt.Printf("  client: %s %s%s\n", method, st.Code(), msg)
	}
	fmt.Println("\n▸ a panicking handler, then the next call")
	call("/demo.Svc/Work", "Bearer s3cret", "!", false)
	call("/demo.Svc/Work", "Bearer s3cret", "ok", false)
	fmt.Println("\n▸ no token, a wrong one")
	call("/demo.Svc/Work", "", "ok", false)
	call("/demo.Svc/Work", "Bearer guess", "ok", false)
	fmt.Println("\n▸ UNAVAILABLE twice, retried after 100 ms and 200 ms")
	start = time.Now()
	call("/demo.Svc/Flaky", "Bearer s3cret", "ok", true)
}
