// Command ferretdb runs an embedded FerretDB (SQLite backend) for tests and `npm run dev` on
// machines where mongodb-memory-server cannot get a mongod binary.
//
// Usage: ferretdb -listen 127.0.0.1:0 -data DIR|memory
// It prints "ready mongodb://HOST:PORT/" on stdout once it accepts connections, and exits when
// stdin closes or it receives SIGINT/SIGTERM, so a parent that dies never leaves it behind.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on")
	data := flag.String("data", "memory", `SQLite data folder, or "memory"`)
	flag.Parse()

	sqliteURL := "file:./?mode=memory"
	if *data != "memory" {
		dir, err := filepath.Abs(*data)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		sqliteURL = "file:" + dir + "/"
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
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

	// MongoDBURI is only valid once the listener is bound; Run binds it synchronously at start.
	for i := 0; i < 100; i++ {
		if uri := safeURI(f); uri != "" {
			fmt.Printf("ready %s\n", uri)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	<-done
}

func safeURI(f *ferretdb.FerretDB) (uri string) {
	defer func() {
		if recover() != nil {
			uri = ""
		}
	}()
	return f.MongoDBURI()
}
