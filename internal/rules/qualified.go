package rules

import "slices"

// defaultNotAfter are the words that name other kinds of code than a
// system's error codes: "HTTP error code: 503", "[LDAP: error code 49",
// "SQL error code: 1062", "exit code: 1", "grpc status code: 14". A regex
// rule that does not give not_after: uses them (see DefaultNotAfter).
var defaultNotAfter = []string{
	// protocols and their status codes
	"http", "https", "status", "response", "grpc", "rpc", "soap", "ldap", "smtp", "ftp", "dns",
	"tls", "ssl", "ssh", "kerberos", "oauth", "curl", "libcurl", "winhttp", "wininet",
	// databases
	"sql", "mysql", "sqlite", "postgres", "postgresql", "oracle", "ora", "db2", "jdbc", "odbc",
	"mongo", "mongodb", "redis",
	// processes and the operating system
	"exit", "return", "signal", "errno", "socket", "os", "win32", "hresult", "ntstatus",
	"zero", "nonzero", // "returned a non-zero code: 127": an exit status
	// other code spaces
	"reason",
}

// connectors are the words a qualified carrier may have between its
// qualifier and the carrier a rule matches: "curl error code: 7" is curl's
// even for a rule that matches "code: 7".
var connectors = []string{"error", "result"}

// DefaultNotAfter returns the words a regex rule's match may not follow
// when the rule does not list its own (not_after:): words that name
// another kind of code (HTTP, status, exit, gRPC, SQL, LDAP, curl, SOAP,
// errno, return, response...).
func DefaultNotAfter() []string { return slices.Clone(defaultNotAfter) }

// IsConnector reports whether w (lower case) is a word that may stand
// between a not_after word and the carrier: "error" in "SQL error code".
func IsConnector(w string) bool { return slices.Contains(connectors, w) }
