// Command ferretdb runs an embedded FerretDB (SQLite backend) for tests and `npm run dev` on
// machines where mongodb-memory-server cannot get a mongod binary.
//
// Usage: ferretdb -listen 127.0.0.1:0 -data DIR
// It prints "ready mongodb://HOST:PORT/" on stdout once it accepts connections, and exits when
// stdin closes or it receives SIGINT/SIGTERM, so a parent that dies never leaves it behind.
//
// FerretDB v1 applies an update by reading the matching document, changing it in memory and
// writing it back by _id, outside any transaction: two concurrent conditional updates of one
// document can both match, and the later write replaces the earlier one (a lost update).
// MongoDB makes every single-document write atomic, and the API relies on that (capacity, name
// uniqueness, state transitions, bingo squares). So clients talk to a small proxy in front of
// FerretDB that runs one command at a time, which gives the tests MongoDB's guarantee. SQLite
// serializes writes anyway, so little concurrency is lost.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on")
	data := flag.String("data", "", "SQLite data folder (created if missing)")
	flag.Parse()
	if *data == "" {
		// FerretDB's in-memory SQLite mode stalls after a duplicate-key error; always use a folder.
		log.Fatal("-data is required")
	}

	dir, err := filepath.Abs(*data)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    logger,
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		// The parent holds our stdin open; EOF means it is gone.
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	upstream, err := waitForURI(f)
	if err != nil {
		log.Fatal(err)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		<-ctx.Done()
		_ = ln.Close()
	}()
	go serve(ln, upstream)

	fmt.Printf("ready mongodb://%s/\n", ln.Addr().String())
	<-done
}

// waitForURI returns FerretDB's own address once its listener is bound.
func waitForURI(f *ferretdb.FerretDB) (string, error) {
	for i := 0; i < 500; i++ {
		if addr := boundAddr(f); addr != "" {
			return addr, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "", errors.New("FerretDB did not start listening")
}

func boundAddr(f *ferretdb.FerretDB) (addr string) {
	defer func() {
		if recover() != nil {
			addr = ""
		}
	}()
	uri := f.MongoDBURI() // mongodb://127.0.0.1:PORT/
	host := uri[len("mongodb://"):]
	return host[:len(host)-1]
}

// serve proxies each client connection to its own FerretDB connection, one command at a time
// across all of them (the handshake and heartbeat commands excepted).
func serve(ln net.Listener, upstream string) {
	var mu sync.Mutex
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		go proxy(client, upstream, &mu)
	}
}

func proxy(client net.Conn, upstream string, mu *sync.Mutex) {
	defer client.Close()
	server, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer server.Close()

	for {
		request, err := readMessage(client)
		if err != nil {
			return
		}
		exclusive := !isHandshake(request)
		if exclusive {
			mu.Lock()
		}
		var reply []byte
		if _, err = server.Write(request); err == nil {
			reply, err = readMessage(server)
		}
		if exclusive {
			mu.Unlock()
		}
		if err != nil {
			return
		}
		if _, err := client.Write(reply); err != nil {
			return
		}
	}
}

const maxMessageSize = 48 * 1024 * 1024

// readMessage reads one wire-protocol message: a 16-byte header whose first int32 is the length.
func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, 16)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	size := int(binary.LittleEndian.Uint32(header[0:4]))
	if size < 16 || size > maxMessageSize {
		return nil, fmt.Errorf("bad message size %d", size)
	}
	msg := make([]byte, size)
	copy(msg, header)
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

const opMsg = 2013

// isHandshake tells hello/isMaster apart: drivers send them on new connections and as
// heartbeats, and they change nothing.
func isHandshake(msg []byte) bool {
	if binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return true // legacy OP_QUERY: only used for the first handshake
	}
	// header(16) flagBits(4) kind(1) documentLength(4) elementType(1) then the command name.
	const nameStart = 26
	if len(msg) <= nameStart || msg[20] != 0 {
		return false
	}
	end := nameStart
	for end < len(msg) && msg[end] != 0 {
		end++
	}
	switch string(msg[nameStart:end]) {
	case "hello", "isMaster", "ismaster":
		return true
	}
	return false
}
