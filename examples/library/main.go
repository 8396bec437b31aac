// Command errtag-http embeds errtag in a small HTTP service: a program that
// has log lines (a collector, a support tool, a CI step) POSTs them and gets
// them back annotated, as the errtag command would write them.
//
//	errtag-http [-addr localhost:8080] [-catalog FILE]... [-rules FILE]... [-system NAME]
//
//	curl --data-binary @app.log 'http://localhost:8080/annotate'
//	curl --data-binary @app.log 'http://localhost:8080/annotate?format=json&fields=system,code,name'
//	curl --data-binary 'EFOTA download failed resultCode=-1401' 'http://localhost:8080/match'
//
// /annotate streams the body through errtag.Tagger.Filter: every line comes
// back, in order, annotated where a code was found; a client that hangs up
// ends the request's context, which stops the filter. /match returns the
// annotations of one line as a JSON array (errtag.Annotation marshals to
// the shape errtag writes). One Tagger serves every request at once: it is
// safe for concurrent use.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/errtag/errtag"
)

// files is a repeatable flag.
type files []string

func (f *files) String() string     { return fmt.Sprint(*f) }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var cfg errtag.Config
	addr := flag.String("addr", "localhost:8080", "listen on `ADDRESS`")
	flag.Var((*files)(&cfg.Catalogs), "catalog", "add the catalog `FILE` (repeatable)")
	flag.Var((*files)(&cfg.Rules), "rules", "add the rules in `FILE` (repeatable)")
	flag.StringVar(&cfg.System, "system", "", "the `NAME` of the system the lines come from")
	flag.Parse()
	log.SetPrefix("errtag-http: ")
	log.SetFlags(0)

	// Catalogs and rules are read once, before serving: a bad file is
	// reported with its file and line, and nothing is served.
	t, err := errtag.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range t.Warnings() {
		log.Printf("warning: %v", w)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: newHandler(t)}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// maxMatchLine is the longest line /match takes.
const maxMatchLine = 1 << 20

func newHandler(t *errtag.Tagger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /annotate", func(w http.ResponseWriter, r *http.Request) {
		o, err := outputOf(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// Lines go back while the body still comes in: without full
		// duplex, HTTP/1 closes the body once the response starts.
		if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
			log.Printf("%s %s: %v", r.Method, r.URL, err)
		}
		if o.Format == errtag.JSON {
			w.Header().Set("Content-Type", "application/x-ndjson")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		st, err := t.Filter(r.Context(), w, r.Body, o)
		if err != nil {
			// The status is sent: all that is left is to say so here.
			log.Printf("%s %s: after %d lines: %v", r.Method, r.URL, st.Lines, err)
		}
	})
	mux.HandleFunc("POST /match", func(w http.ResponseWriter, r *http.Request) {
		line, err := io.ReadAll(io.LimitReader(r.Body, maxMatchLine+1))
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case len(line) > maxMatchLine:
			http.Error(w, "line too long", http.StatusRequestEntityTooLarge)
			return
		}
		anns := t.Match(line)
		if anns == nil {
			anns = []errtag.Annotation{} // [] rather than null
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false) // errtag's bytes: & stays &
		enc.Encode(anns)
	})
	return mux
}

// outputOf reads the output a request asks for: ?format=auto|json and
// ?fields=LIST, as errtag's --format and --fields.
func outputOf(r *http.Request) (errtag.Output, error) {
	var o errtag.Output
	q := r.URL.Query()
	if f := q.Get("format"); f != "" {
		format, err := errtag.ParseFormat(f)
		if err != nil {
			return o, fmt.Errorf("format: %w", err)
		}
		o.Format = format
	}
	if f := q.Get("fields"); f != "" {
		fields, err := errtag.ParseFields(f)
		if err != nil {
			return o, fmt.Errorf("fields: %w", err)
		}
		o.Fields = fields
	}
	return o, nil
}
