//go:build linux

package e2e

// Pipeline tests drive the built binary the way log shippers do (see
// docs/PIPELINES.md): no terminal, standard output a pipe read record by
// record with a deadline for each, every record parsed as JSON. Fluent Bit's
// exec input (read with fgets into a buf_size buffer, SIGPIPE ignored in
// the child, no SIGTERM at shutdown), Vector's exec source and Logstash's
// pipe input (a long-running command whose stdout is a pipe), and Fluentd's
// exec_filter (JSON records on stdin, JSON records on stdout) cannot be
// installed here, so their behaviour is emulated from their sources.
// Deadlines are generous (seconds) and nothing asserts on speed.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// recordDeadline is how long one record may take to come out.
var recordDeadline = patience(10 * time.Second)

// compactFields is the --fields value the shipper configs recommend.
const compactFields = "system,code,name,category"

// pipedChild is errtag (or a wrapper around it) with its stdout on a pipe.
type pipedChild struct {
	t       *testing.T
	cmd     *exec.Cmd
	stdin   *os.File // the write end of its stdin pipe; nil when given a file
	outR    *os.File // the read end of its stdout pipe
	stderr  *syncBuffer
	once    sync.Once
	lines   chan []byte // output lines, once lineChan has been called
	done    chan struct{}
	waitErr error
}

// syncBuffer is a bytes.Buffer safe to read while exec writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncBuffer) Len() int { return len(l.String()) }

// startPiped runs argv with stdout a pipe and stdin a pipe of ours (or the given
// file). The pipes are plain os.Pipes, not exec's, so that they stay open
// however long the process they were given to lives.
func startPiped(t *testing.T, stdin *os.File, env []string, argv ...string) *pipedChild {
	t.Helper()
	c := &pipedChild{t: t, stderr: &syncBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(argv[0], argv[1:]...)
	c.cmd.Env = append(os.Environ(), env...)
	// A wrapper's orphaned child may hold the stderr pipe: do not wait for it.
	c.cmd.WaitDelay = 2 * time.Second
	var inR *os.File
	if stdin != nil {
		c.cmd.Stdin = stdin
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		inR, c.stdin = r, w
		c.cmd.Stdin = r
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.outR = r
	c.cmd.Stdout = w
	c.cmd.Stderr = c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if inR != nil {
		inR.Close()
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.wait(recordDeadline)
		r.Close()
		if c.stdin != nil {
			c.stdin.Close()
		}
	})
	return c
}

// errtagArgv is the command line of the binary under test.
func errtagArgv(args ...string) []string { return append([]string{binary}, args...) }

// lineChan starts reading the output line by line.
func (c *pipedChild) lineChan() chan []byte {
	c.once.Do(func() {
		c.lines = make(chan []byte, 4096)
		go func() {
			br := bufio.NewReaderSize(c.outR, 64<<10)
			for {
				b, err := br.ReadBytes('\n')
				if len(b) > 0 {
					c.lines <- b
				}
				if err != nil {
					close(c.lines)
					return
				}
			}
		}()
	})
	return c.lines
}

// record returns the next output line, failing the test if none comes
// within recordDeadline or the output ends.
func (c *pipedChild) record() []byte {
	c.t.Helper()
	select {
	case b, ok := <-c.lineChan():
		if !ok {
			c.t.Fatalf("output ended; stderr %q", c.stderr.String())
		}
		return b
	case <-time.After(recordDeadline):
		c.t.Fatalf("no record within %v", recordDeadline)
	}
	return nil
}

// rest returns what is left of the output once it ends.
func (c *pipedChild) rest() [][]byte {
	c.t.Helper()
	var out [][]byte
	deadline := time.After(recordDeadline)
	for {
		select {
		case b, ok := <-c.lineChan():
			if !ok {
				return out
			}
			out = append(out, b)
		case <-deadline:
			c.t.Fatalf("output did not end within %v", recordDeadline)
		}
	}
}

// wait waits up to d for the process to exit and returns its exit code
// (128+N when killed by signal N), or -1 if it is still running.
func (c *pipedChild) wait(d time.Duration) int {
	select {
	case <-c.done:
	case <-time.After(d):
		return -1
	}
	ps := c.cmd.ProcessState
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// mustExit waits for exit (the test fails if errtag runs on) and returns
// the code.
func (c *pipedChild) mustExit() int {
	c.t.Helper()
	code := c.wait(recordDeadline)
	if code == -1 {
		c.t.Fatalf("still running %v later; stderr %q", recordDeadline, c.stderr.String())
	}
	return code
}

// errtagEntries returns the annotations of a record: its "errtag" value, an
// array of objects, one per error.
func errtagEntries(t *testing.T, rec map[string]any) []map[string]any {
	t.Helper()
	switch v := rec["errtag"].(type) {
	case nil:
		return nil
	case []any:
		var out []map[string]any
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				t.Fatalf("errtag array holds %T", e)
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("errtag is %T", rec["errtag"])
	return nil
}

// parseJSONRecord parses one output line as a shipper's JSON parser would: one
// JSON object, then the line end, nothing else.
func parseJSONRecord(t *testing.T, line []byte) map[string]any {
	t.Helper()
	if !bytes.HasSuffix(line, []byte("\n")) {
		t.Fatalf("record without line end: %.200q", line)
	}
	body := line[:len(line)-1]
	if bytes.IndexByte(body, '\n') >= 0 {
		t.Fatalf("raw newline inside a record: %.200q", line)
	}
	var rec map[string]any
	if err := json.Unmarshal(body, &rec); err != nil {
		t.Fatalf("record is not one JSON object (%v): %.300q", err, line)
	}
	return rec
}

// shipperInput is what a pipeline carries, one record each, with the
// annotation each must come out with ("" for none).
var shipperInput = []struct{ line, want string }{
	{"05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401", "knox-efota -1401 DOWNLOAD_REJECTED_BY_USER cancelled"},
	{"2024-05-14 09:00:00 INFO GET /health 200 3ms", ""},
	{"2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012", "voltmx-sync -1012 ERROR_HOST_NOT_AVAILABLE connectivity"},
	{`{"level":"warn","response":{"status":400,"body":{"errorCode":201,"message":"A user with the same username already exists."}}}`, "backend-services 201 USERNAME_ALREADY_EXISTS conflict"},
	// Fluentd's exec_filter and Docker/Kubernetes hand over JSON records
	// whose "message" or "log" field holds the log text.
	{`{"message":"05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401","host":"dev-7"}`, "knox-efota -1401 DOWNLOAD_REJECTED_BY_USER cancelled"},
	{`{"log":"2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012\n","stream":"stderr","time":"2024-05-14T08:00:01.415Z"}`, "voltmx-sync -1012 ERROR_HOST_NOT_AVAILABLE connectivity"},
	{`10.20.1.7 - - [14/May/2024:08:40:12 +0000] "GET /v1/Books HTTP/1.1" 403 52 {"message":"Invalid access token.","errorCode":301}`, "backend-services 301 INVALID_ACCESS_TOKEN auth"},
	{"2024-05-14 09:02:12 web-7 storefront: DrupalError(209): Invalid session token", "drupal-sdk 209 INVALID_SESSION_TOKEN auth"},
	{`{"message":"all good","level":"info"}`, ""},
}

// checkShipperRecord checks one record against its shipperInput entry: the
// input's own fields or text kept, the annotation as expected, and with
// compact fields nothing else in it.
func checkShipperRecord(t *testing.T, i int, line []byte) {
	t.Helper()
	in := shipperInput[i]
	rec := parseJSONRecord(t, line)
	if strings.HasPrefix(in.line, "{") {
		var orig map[string]any
		json.Unmarshal([]byte(in.line), &orig)
		for k, v := range orig {
			if fmt.Sprint(rec[k]) != fmt.Sprint(v) {
				t.Errorf("record %d: field %q = %v, want %v kept", i, k, rec[k], v)
			}
		}
	} else if rec["log"] != in.line {
		t.Errorf("record %d: log = %q, want %q", i, rec["log"], in.line)
	}
	entries := errtagEntries(t, rec)
	if in.want == "" {
		if entries != nil {
			t.Errorf("record %d: unexpected errtag %v", i, entries)
		}
		return
	}
	if len(entries) != 1 {
		t.Fatalf("record %d: %d annotations, want 1: %s", i, len(entries), line)
	}
	e := entries[0]
	got := fmt.Sprintf("%v %v %v %v", e["system"], e["code"], e["name"], e["category"])
	if got != in.want {
		t.Errorf("record %d: errtag %s, want %s", i, got, in.want)
	}
	for k := range e {
		if !strings.Contains(","+compactFields+",", ","+k+",") {
			t.Errorf("record %d: field %q not asked for with --fields %s", i, k, compactFields)
		}
	}
}

// TestPipelineRecordAtOnce: under a pipe, each record comes out as soon as
// its line is read, before the next line is written, with its errtag
// fields; the end of input ends errtag with status 0.
func TestPipelineRecordAtOnce(t *testing.T) {
	t.Parallel()
	c := startPiped(t, nil, nil, errtagArgv("--format", "json", "--fields", compactFields)...)
	for i, in := range shipperInput {
		if _, err := io.WriteString(c.stdin, in.line+"\n"); err != nil {
			t.Fatal(err)
		}
		checkShipperRecord(t, i, c.record())
	}
	c.stdin.Close()
	if rest := c.rest(); len(rest) != 0 {
		t.Errorf("more output after the last record: %q", rest)
	}
	if code := c.mustExit(); code != 0 || c.stderr.Len() != 0 {
		t.Errorf("end of input: exit %d, stderr %q; want 0 and quiet", code, c.stderr.String())
	}
}

// TestPipelineOneLinePerRecord: every input line becomes exactly one JSON
// record on one line, whatever the line holds: CR, CRLF, NUL, invalid
// UTF-8, U+2028, JSON with odd whitespace, and lines longer than --max-line.
func TestPipelineOneLinePerRecord(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 3<<20) + " errorCode=-1012 [VMXSync]"  // over --max-line: streamed
	big := strings.Repeat("y", 300<<10) + " [VMXSync] errorCode=-1012" // under it: matched
	inputs := []string{
		"plain",
		"",
		"carriage\rreturn inside",
		"ends in CR\r", // followed by LF: a CRLF line
		"\r",
		"nul \x00 byte",
		"\xff\xfe invalid \xc3 utf8 resultCode=-1401 EFOTA",
		"line\u2028separator\u2029paragraph",
		"tab\tand \x1b[31mescape\x1b[0m",
		`{"a":1,` + "\r" + `"b":"cr as JSON whitespace"}`,
		`  {"indented":true}  `,
		`{"nul":"` + "\x00" + `"}`,
		`{"bad":"` + "\xff" + `"}`,
		`{"unterminated":`,
		huge,
		big,
		"last",
	}
	var in bytes.Buffer
	for _, l := range inputs {
		in.WriteString(l + "\n")
	}
	in.WriteString("no final newline")
	inputs = append(inputs, "no final newline")

	cmd := exec.Command(binary, "--format", "json")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("errtag: %v", err)
	}
	lines := bytes.SplitAfter(out, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) != len(inputs) {
		t.Fatalf("%d input lines gave %d output lines", len(inputs), len(lines))
	}
	for i, line := range lines {
		rec := parseJSONRecord(t, line)
		// A CR before the LF is part of the line end.
		l := strings.TrimSuffix(inputs[i], "\r")
		if strings.HasPrefix(strings.TrimSpace(l), "{") && json.Valid([]byte(l)) && utf8.ValidString(l) {
			// JSON-object lines keep their fields.
			var orig map[string]any
			json.Unmarshal([]byte(l), &orig)
			for k, v := range orig {
				if fmt.Sprint(rec[k]) != fmt.Sprint(v) {
					t.Errorf("line %d: field %q = %v, want %v", i, k, rec[k], v)
				}
			}
			if bytes.Contains(line, []byte("\r")) {
				t.Logf("line %d: a CR that was JSON whitespace stays raw in the record (LF-splitting readers are not affected): %q", i, line)
			}
			continue
		}
		switch {
		case l == huge:
			if rec["errtag_long_line"] != true || rec["log"] != l || rec["errtag"] != nil {
				t.Errorf("line %d (over --max-line): long-line record wrong (errtag %v)", i, rec["errtag"])
			}
		case !utf8.ValidString(l):
			raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(rec["log_base64"]))
			if err != nil || string(raw) != l {
				t.Errorf("line %d: log_base64 does not give back the bytes: %q", i, raw)
			}
		default:
			if rec["log"] != l {
				t.Errorf("line %d: log = %.100q, want %.100q", i, rec["log"], l)
			}
		}
		if bytes.ContainsAny(line[:len(line)-1], "\r\x00") {
			t.Errorf("line %d: raw control byte in a {\"log\"} record: %.100q", i, line)
		}
	}
	// The 300 KiB line is matched and annotated.
	if e := errtagEntries(t, parseJSONRecord(t, lines[15])); len(e) != 1 || e[0]["code"] != "-1012" {
		t.Errorf("big line not annotated: %v", e)
	}
}

// fgets reads from r the way C's fgets(buf, size, f) does, as Fluent Bit's
// exec input reads its command's output: at most size-1 bytes, stopping
// after a newline. It returns nil at the end of input.
func fgets(r *bufio.Reader, size int) []byte {
	var b []byte
	for len(b) < size-1 {
		c, err := r.ReadByte()
		if err != nil {
			return b
		}
		b = append(b, c)
		if c == '\n' {
			break
		}
	}
	return b
}

// TestPipelineFluentBitBufSize emulates Fluent Bit's exec input with its
// default Buf_Size of 4096 and "Parser json": every chunk fgets returns
// must be a whole record (ending in its newline) that parses as JSON. With
// --fields system,code,name,category every record of the sample logs fits;
// a record that does not is split into pieces that are not JSON, which is
// what Buf_Size must be raised for.
func TestPipelineFluentBitBufSize(t *testing.T) {
	t.Parallel()
	logs, err := filepath.Glob(filepath.Join("..", "testdata", "logs", "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	const bufSize = 4096
	for _, fields := range []string{compactFields, ""} {
		args := []string{"--format", "json"}
		if fields != "" {
			args = append(args, "--fields", fields)
		}
		c := startPiped(t, nil, nil, errtagArgv(append(args, logs...)...)...)
		c.stdin.Close()
		// fgets reads the live pipe, the bytes as they come.
		br := bufio.NewReaderSize(c.outR, bufSize)
		records, annotated, longest := 0, 0, 0
		for {
			chunk := fgets(br, bufSize)
			if len(chunk) == 0 {
				break
			}
			if chunk[len(chunk)-1] != '\n' {
				t.Fatalf("--fields %q: a record longer than Buf_Size-2 = %d bytes: Fluent Bit would split it: %.120q...", fields, bufSize-2, chunk)
			}
			rec := parseJSONRecord(t, chunk)
			records++
			longest = max(longest, len(chunk)-1)
			if rec["errtag"] != nil {
				annotated++
			}
		}
		if code := c.mustExit(); code != 0 {
			t.Fatalf("exit %d: %s", code, c.stderr.String())
		}
		if records < 100 || annotated < 20 {
			t.Errorf("--fields %q: %d records, %d annotated: too few to mean anything", fields, records, annotated)
		}
		t.Logf("--fields %q: %d records, %d annotated, longest %d bytes (limit %d)", fields, records, annotated, longest, bufSize-2)
	}

	// One record over the limit: fgets cuts it, and neither piece is JSON.
	long := `{"message":"` + strings.Repeat("z", 5000) + ` [VMXSync] errorCode=-1012"}`
	cmd := exec.Command(binary, "--format", "json", "--fields", compactFields)
	cmd.Stdin = strings.NewReader(long + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(bytes.NewReader(out), bufSize)
	first, second := fgets(br, bufSize), fgets(br, bufSize)
	if len(first) != bufSize-1 || json.Valid(first) || json.Valid(bytes.TrimSuffix(second, []byte("\n"))) {
		t.Errorf("a %d-byte record should come out of fgets as two invalid pieces, got %d and %d bytes", len(out), len(first), len(second))
	}
}

// TestPipelineSIGTERM: stopped with SIGTERM, errtag has delivered every
// record read so far and exits 143, also when no input has arrived yet.
func TestPipelineSIGTERM(t *testing.T) {
	t.Parallel()
	t.Run("after records", func(t *testing.T) {
		c := startPiped(t, nil, nil, errtagArgv("--format", "json", "--fields", compactFields)...)
		for i := 0; i < 3; i++ {
			io.WriteString(c.stdin, shipperInput[i].line+"\n")
			checkShipperRecord(t, i, c.record())
		}
		c.cmd.Process.Signal(syscall.SIGTERM)
		if code := c.mustExit(); code != 143 {
			t.Errorf("exit %d, want 143", code)
		}
		if rest := c.rest(); len(rest) != 0 || c.stderr.Len() != 0 {
			t.Errorf("after SIGTERM: out %q, stderr %q", rest, c.stderr.String())
		}
	})
	t.Run("before any input", func(t *testing.T) {
		c := startPiped(t, nil, nil, errtagArgv("--format", "json")...)
		waitBlockedIn(t, c.cmd.Process.Pid, pipeReadWaits...) // its first read
		c.cmd.Process.Signal(syscall.SIGTERM)
		if code := c.mustExit(); code != 143 {
			t.Errorf("exit %d, want 143; stderr %q", code, c.stderr.String())
		}
		if c.stderr.Len() != 0 {
			t.Errorf("stderr %q", c.stderr.String())
		}
	})
}

// sigpipeIgnored runs the rest of its arguments with SIGPIPE ignored, as
// Fluent Bit's children are: an ignored signal stays ignored across exec.
func sigpipeIgnored(argv ...string) []string {
	return append([]string{"/bin/sh", "-c", `trap "" PIPE; exec "$0" "$@"`}, argv...)
}

// TestPipelineSIGPIPEIgnored: with SIGPIPE ignored, as under Fluent Bit, a
// reader that closes the pipe ends errtag promptly and quietly with status
// 0: while output is flowing (the write fails with EPIPE), and while errtag
// waits for input with nothing to write (it sees the reader gone).
func TestPipelineSIGPIPEIgnored(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	// The wrapper does ignore SIGPIPE in what it runs.
	status, err := exec.Command("/bin/sh", sigpipeIgnored("/bin/grep", "^SigIgn", "/proc/self/status")[1:]...).Output()
	if err != nil {
		t.Fatal(err)
	}
	mask, err := strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(string(status), "SigIgn:")), 16, 64)
	if err != nil || mask&(1<<(int(syscall.SIGPIPE)-1)) == 0 {
		t.Fatalf("wrapper does not ignore SIGPIPE: %q", status)
	}

	t.Run("output flowing", func(t *testing.T) {
		big := filepath.Join(t.TempDir(), "big.log")
		f, _ := os.Create(big)
		bw := bufio.NewWriter(f)
		for i := 0; i < 300000; i++ {
			fmt.Fprintf(bw, "%d %s\n", i, errLine)
		}
		bw.Flush()
		f.Close()
		c := startPiped(t, nil, nil, sigpipeIgnored(errtagArgv("--format", "json", big)...)...)
		parseJSONRecord(t, c.record())
		c.outR.Close()
		if code := c.mustExit(); code != 0 || c.stderr.Len() != 0 {
			t.Errorf("exit %d, stderr %q; want 0 and quiet", code, c.stderr.String())
		}
		t.Logf("cpu after the reader left: user %v sys %v", c.cmd.ProcessState.UserTime(), c.cmd.ProcessState.SystemTime())
	})
	t.Run("idle", func(t *testing.T) {
		c := startPiped(t, nil, nil, sigpipeIgnored(errtagArgv("--format", "json", "--fields", compactFields)...)...)
		io.WriteString(c.stdin, shipperInput[0].line+"\n")
		checkShipperRecord(t, 0, c.record())
		c.outR.Close() // the reader goes; errtag has nothing to write
		if code := c.mustExit(); code != 0 || c.stderr.Len() != 0 {
			t.Errorf("exit %d, stderr %q; want 0 and quiet", code, c.stderr.String())
		}
		t.Logf("cpu: user %v sys %v", c.cmd.ProcessState.UserTime(), c.cmd.ProcessState.SystemTime())
	})
}

// subreaper makes the test process a child subreaper, once.
var (
	subreaper    sync.Once
	subreaperErr error
)

// orphanedErrtag starts errtag through an intermediate shell that puts it
// in the background, as a shipper's shell or a wrapper would, and returns
// the shell and errtag's pid. errtag's stdin and stdout are the child's
// pipes. The test process is made a child subreaper first, so that errtag,
// orphaned when the shell dies, is reparented to it and can be reaped with
// its exit status.
func orphanedErrtag(t *testing.T, env []string, stdout *os.File, args ...string) (*pipedChild, int) {
	t.Helper()
	// The test process stays a subreaper once it is one, so that tests
	// running in parallel do not take it from each other.
	subreaper.Do(func() { subreaperErr = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) })
	if subreaperErr != nil {
		t.Skipf("cannot become a subreaper: %v", subreaperErr)
	}
	// fd 3 carries stdin past the shell's /dev/null for background jobs.
	// errtag's stderr is a file, so that the shell's stderr pipe closes
	// when the shell dies.
	env = append(env, "ERRTAG_TEST_ERR="+filepath.Join(t.TempDir(), "stderr"))
	script := `exec 3<&0; "$0" "$@" <&3 3<&- 2>"$ERRTAG_TEST_ERR" & echo $! >&2; exec 3<&-; wait`
	if stdout != nil {
		script = `exec 3<&0; "$0" "$@" <&3 3<&- >"$ERRTAG_TEST_OUT" 2>"$ERRTAG_TEST_ERR" & echo $! >&2; exec 3<&-; wait`
		env = append(env, "ERRTAG_TEST_OUT="+stdout.Name())
	}
	c := startPiped(t, nil, env, append([]string{"/bin/sh", "-c", script}, errtagArgv(args...)...)...)
	var pid int
	deadline := time.Now().Add(recordDeadline)
	for pid == 0 && time.Now().Before(deadline) {
		pid, _ = strconv.Atoi(strings.TrimSpace(c.stderr.String()))
		time.Sleep(20 * time.Millisecond)
	}
	if pid == 0 {
		t.Fatalf("no pid from the shell: %q", c.stderr.String())
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL); reapPid(pid, time.Second) })
	return c, pid
}

// reapPid waits for pid, a child of ours once orphaned, and returns its exit
// code (128+N for signal N), or -1 if it is still running after d.
func reapPid(pid int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		switch {
		case got == pid && ws.Signaled():
			return 128 + int(ws.Signal())
		case got == pid:
			return ws.ExitStatus()
		case err != nil && !errors.Is(err, syscall.EINTR):
			return -2 // not our child (yet): the shell may not be dead
		}
		if time.Now().After(deadline) {
			return -1
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reapOrphan waits until pid is our child (reparented) and has exited.
func reapOrphan(t *testing.T, pid int, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if code := reapPid(pid, 100*time.Millisecond); code != -1 && code != -2 {
			return code
		}
	}
	return -1
}

// TestPipelineParentDeath: when the process that started errtag dies
// (SIGKILL: no chance to pass anything on), errtag notices and exits
// within seconds with 143, having delivered every record, even though its
// input pipe is still open and its reader still there.
func TestPipelineParentDeath(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("uses a Linux subreaper to collect the orphan's exit status")
	}
	c, pid := orphanedErrtag(t, nil, nil, "--format", "json", "--fields", compactFields)
	io.WriteString(c.stdin, shipperInput[0].line+"\n")
	checkShipperRecord(t, 0, c.record())
	io.WriteString(c.stdin, shipperInput[2].line+"\n")
	checkShipperRecord(t, 2, c.record())

	c.cmd.Process.Kill() // the shell: errtag's parent
	if code := c.mustExit(); code != 128+int(syscall.SIGKILL) {
		t.Fatalf("shell exit %d", code)
	}
	if code := reapOrphan(t, pid, recordDeadline); code != 143 {
		t.Fatalf("errtag after its parent died: exit %d, want 143 (-1: still running)", code)
	}
	if rest := c.rest(); len(rest) != 0 {
		t.Errorf("unexpected output after parent death: %q", rest)
	}
	c.stdin.Close()
}

// TestPipelineParentDeathOptOut: with standard output a file (nohup errtag
// -f app.log > out &) or ERRTAG_PARENT_WATCH=off, errtag outlives its
// parent and ends with its input as usual.
func TestPipelineParentDeathOptOut(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("uses a Linux subreaper to collect the orphan's exit status")
	}
	cases := []struct {
		name   string
		env    []string
		toFile bool
	}{
		{"stdout a file", nil, true},
		{"ERRTAG_PARENT_WATCH=off", []string{"ERRTAG_PARENT_WATCH=off"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var outFile *os.File
			if tc.toFile {
				outFile, _ = os.Create(filepath.Join(t.TempDir(), "out.json"))
				defer outFile.Close()
			}
			c, pid := orphanedErrtag(t, tc.env, outFile, "--format", "json")
			c.cmd.Process.Kill()
			c.mustExit()
			// Once errtag is ours, the kernel has sent it any parent-death
			// signal; the exit status at the end says whether it got one.
			waitUntil(t, "errtag to be reparented to the test", func() bool { return parentOf(pid) == os.Getpid() })
			io.WriteString(c.stdin, errLine+"\n")
			c.stdin.Close()
			if code := reapOrphan(t, pid, recordDeadline); code != 0 {
				t.Errorf("exit %d at the end of input, want 0", code)
			}
			if outFile != nil {
				b, _ := os.ReadFile(outFile.Name())
				if !bytes.Contains(b, []byte(`"code":"-1401"`)) {
					t.Errorf("output file: %q", b)
				}
			}
		})
	}
}

// TestPipelineFollow drives follow mode (-f) as the shipper configs run it,
// stdin /dev/null as Vector gives it. Lines appended to the file come out
// as records; SIGTERM ends it with 143.
func TestPipelineFollow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	if err := os.WriteFile(logPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	devnull, _ := os.Open(os.DevNull)
	defer devnull.Close()
	c := startPiped(t, devnull, nil, errtagArgv("--format", "json", "--fields", compactFields, "-f", logPath)...)
	f, _ := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	defer f.Close()
	// Append probe lines until one comes out, whether -f starts at the
	// file's start or its end.
	deadline := time.Now().Add(recordDeadline)
	for got := false; !got; {
		if time.Now().After(deadline) {
			t.Fatalf("no record from -f within %v; stderr %q", recordDeadline, c.stderr.String())
		}
		fmt.Fprintln(f, "probe")
		select {
		case b, ok := <-c.lineChan():
			if !ok {
				t.Fatalf("output ended; stderr %q", c.stderr.String())
			}
			got = parseJSONRecord(t, b)["log"] == "probe"
		case <-time.After(300 * time.Millisecond):
		}
	}
	fmt.Fprintln(f, "SENTINEL")
	for parseJSONRecord(t, c.record())["log"] != "SENTINEL" {
	}
	for i, in := range shipperInput {
		fmt.Fprintln(f, in.line)
		checkShipperRecord(t, i, c.record())
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.mustExit(); code != 143 {
		t.Errorf("exit %d, want 143; stderr %q", code, c.stderr.String())
	}
}

// TestPipelineShellBetween: Fluent Bit runs its Command through popen, so
// without "exec" in front a shell sits between it and errtag, and that
// shell does not die with Fluent Bit. When the shipper (here a cat holding
// the only read end of errtag's output) is killed, errtag, still the
// shell's child and idle, sees its output has no reader and exits 0, and
// the shell with it.
func TestPipelineShellBetween(t *testing.T) {
	t.Parallel()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inW.Close()
	shipper := exec.Command("cat")
	shipper.Stdin = outR
	if err := shipper.Start(); err != nil {
		t.Fatal(err)
	}
	outR.Close()
	defer shipper.Process.Kill()
	// No exec: the shell stays as errtag's parent, SIGPIPE ignored as
	// Fluent Bit leaves it.
	sh := exec.Command("/bin/sh", "-c", `trap "" PIPE; "$0" "$@"; echo "errtag exit $?" >&2`,
		binary, "--format", "json", "--fields", compactFields)
	sh.Stdin, sh.Stdout = inR, outW
	var stderr syncBuffer
	sh.Stderr = &stderr
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	defer sh.Process.Kill()
	io.WriteString(inW, errLine+"\n")
	waitConsumed(t, inW)

	shipper.Process.Kill()
	shipper.Wait()
	done := make(chan error, 1)
	go func() { done <- sh.Wait() }()
	select {
	case err := <-done:
		if err != nil || strings.TrimSpace(stderr.String()) != "errtag exit 0" {
			t.Errorf("shell: %v, stderr %q; want errtag to exit 0", err, stderr.String())
		}
	case <-time.After(recordDeadline):
		t.Fatalf("errtag still running %v after its reader died", recordDeadline)
	}
}

// TestPipelineFluentBitExec runs errtag exactly as the Fluent Bit example
// does: the Command string under /bin/sh -c (popen) with SIGPIPE ignored,
// following a file, its output read with fgets into Buf_Size 4096 and each
// chunk parsed as JSON. Lines appended to the file arrive as records; when
// Fluent Bit's end of the pipe closes, errtag exits 0.
func TestPipelineFluentBitExec(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(logPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("exec %s --format json --fields %s -f --from-start %s", binary, compactFields, logPath)
	devnull, _ := os.Open(os.DevNull)
	defer devnull.Close()
	c := startPiped(t, devnull, nil, "/bin/sh", "-c", `trap "" PIPE; `+command)
	f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunks := make(chan []byte, 64)
	go func() {
		br := bufio.NewReaderSize(c.outR, 4096)
		for {
			chunk := fgets(br, 4096)
			if len(chunk) == 0 {
				close(chunks)
				return
			}
			chunks <- chunk
		}
	}()
	for i, in := range shipperInput {
		fmt.Fprintln(f, in.line)
		select {
		case chunk, ok := <-chunks:
			if !ok {
				t.Fatalf("output ended; stderr %q", c.stderr.String())
			}
			checkShipperRecord(t, i, chunk)
		case <-time.After(recordDeadline):
			t.Fatalf("record %d: nothing within %v", i, recordDeadline)
		}
	}
	c.outR.Close() // Fluent Bit exits: its end of the pipe closes
	if code := c.mustExit(); code != 0 || c.stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 0 and quiet", code, c.stderr.String())
	}
}

// TestPipelineParentDeathFollow: the same as TestPipelineParentDeath in
// follow mode, idle on its file, as the shipper configs run errtag.
func TestPipelineParentDeathFollow(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("uses a Linux subreaper to collect the orphan's exit status")
	}
	logPath := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(logPath, []byte(errLine+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, pid := orphanedErrtag(t, nil, nil, "--format", "json", "--fields", compactFields, "-f", "--from-start", logPath)
	rec := parseJSONRecord(t, c.record())
	if e := errtagEntries(t, rec); len(e) != 1 || e[0]["code"] != "-1401" {
		t.Fatalf("record %v", rec)
	}
	c.cmd.Process.Kill()
	c.mustExit()
	if code := reapOrphan(t, pid, recordDeadline); code != 143 {
		t.Fatalf("errtag -f after its parent died: exit %d, want 143 (-1: still running)", code)
	}
}

// TestPipelineShortFirstLine: a first line shorter than a compression magic
// number (4 bytes) comes out at once too, not when more input arrives.
func TestPipelineShortFirstLine(t *testing.T) {
	t.Parallel()
	for _, first := range []string{"ok", "1", ""} {
		c := startPiped(t, nil, nil, errtagArgv("--format", "json")...)
		io.WriteString(c.stdin, first+"\n")
		if rec := parseJSONRecord(t, c.record()); rec["log"] != first {
			t.Errorf("first line %q: record %v", first, rec)
		}
		io.WriteString(c.stdin, "second\n")
		if rec := parseJSONRecord(t, c.record()); rec["log"] != "second" {
			t.Errorf("second line: record %v", rec)
		}
		c.stdin.Close()
		if code := c.mustExit(); code != 0 {
			t.Errorf("exit %d", code)
		}
	}
	// Compressed input on a pipe is still recognised.
	c := startPiped(t, nil, nil, errtagArgv("--format", "json", "--fields", compactFields)...)
	c.stdin.Write(gzipBytes(t, errLine+"\n"))
	c.stdin.Close()
	if e := errtagEntries(t, parseJSONRecord(t, c.record())); len(e) != 1 || e[0]["code"] != "-1401" {
		t.Errorf("gzip on stdin: %v", e)
	}
	if code := c.mustExit(); code != 0 {
		t.Errorf("exit %d", code)
	}
}
