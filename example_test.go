package errtag_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/errtag/errtag"
)

// A catalog and rules that a program ships with itself, for a payments
// gateway whose log lines carry decline_code=E42.
const (
	exampleCatalog = `system: payments
title: Payments gateway
entries:
  - code: "E42"
    name: CARD_DECLINED
    category: validation
    message: "The card was declined."
    remediation: "Ask the customer for another card."
`
	exampleRules = `markers:
  payments: [paygw]
rules:
  - id: payments.decline
    system: payments
    cue: marker
    code_type: name
    regex: 'decline_code=(?P<code>E\d+)'
`
)

// exampleTagger is what the examples share: errtag's built-in catalogs and
// rules, and the payments ones.
func exampleTagger() *errtag.Tagger {
	t, err := errtag.New(errtag.Config{
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(exampleCatalog)}},
		RuleData:    []errtag.Source{{Name: "payments-rules.yaml", Data: []byte(exampleRules)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	return t
}

func ExampleNew() {
	// Files are named as the errtag command names them: --catalog and
	// --rules. Catalogs and rules can also come as data (Config's
	// CatalogData and RuleData).
	_, err := errtag.New(errtag.Config{
		RuleData: []errtag.Source{{Name: "my-rules.yaml", Data: []byte("rules:\n  - id: mine\n    system: wusp\n    regex: 'code=(?P<code>\\d+'\n")}},
	})
	fmt.Println(err)
	// Output:
	// my-rules.yaml:4: rule "mine": bad regex: missing closing ): `code=(?P<code>\d+`
}

func ExampleTagger_Match() {
	t := exampleTagger()
	for _, a := range t.Match([]byte("paygw: charge 8812 failed decline_code=E42")) {
		fmt.Println(a.Entry.System, a.Entry.Code, a.Entry.Name, a.Cue, a.Offset)
	}
	// Output:
	// payments E42 CARD_DECLINED marker 39
}

func ExampleTagger_Annotate() {
	t := exampleTagger()
	var out []byte
	for _, line := range []string{
		"paygw: charge 8812 failed decline_code=E42\n",
		`{"svc":"paygw","msg":"charge failed decline_code=E42"}` + "\n",
		"paygw: charge 8813 accepted\n",
	} {
		out = t.Annotate(out, []byte(line), errtag.Output{})
	}
	os.Stdout.Write(out)
	// Output:
	// paygw: charge 8812 failed decline_code=E42 errtag.system=payments errtag.code=E42 errtag.name=CARD_DECLINED errtag.category=validation errtag.message="The card was declined." errtag.remediation="Ask the customer for another card."
	// {"svc":"paygw","msg":"charge failed decline_code=E42","errtag":[{"system":"payments","code":"E42","name":"CARD_DECLINED","category":"validation","message":"The card was declined.","remediation":"Ask the customer for another card."}]}
	// paygw: charge 8813 accepted
}

func ExampleTagger_Filter() {
	t := exampleTagger()
	in := strings.NewReader("paygw: charge 8812 failed decline_code=E42\npaygw: charge 8813 accepted\n")
	fields, err := errtag.ParseFields("system,code,name")
	if err != nil {
		log.Fatal(err)
	}
	st, err := t.Filter(context.Background(), os.Stdout, in, errtag.Output{Format: errtag.JSON, Fields: fields})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d lines, %d annotated\n", st.Lines, st.Annotated)
	// Output:
	// {"log":"paygw: charge 8812 failed decline_code=E42","errtag":[{"system":"payments","code":"E42","name":"CARD_DECLINED"}]}
	// {"log":"paygw: charge 8813 accepted"}
	// 2 lines, 1 annotated
}

func ExampleAppendLogfmt() {
	t := exampleTagger()
	anns := t.Match([]byte("paygw: charge 8812 failed decline_code=E42"))
	fields, _ := errtag.ParseFields("system,code,name,known,rule,cue")
	fmt.Printf("%s\n", errtag.AppendLogfmt(nil, anns, fields))
	// Output:
	//  errtag.system=payments errtag.code=E42 errtag.name=CARD_DECLINED errtag.known=true errtag.rule=payments.decline errtag.cue=marker
}

func ExampleAppendJSON() {
	t := exampleTagger()
	anns := t.Match([]byte("paygw: charge 8812 failed decline_code=E42"))
	fields, _ := errtag.ParseFields("system,code,name,known,rule,cue")
	fmt.Printf("%s\n", errtag.AppendJSON(nil, anns, fields))
	// Output:
	// [{"system":"payments","code":"E42","name":"CARD_DECLINED","known":true,"rule":"payments.decline","cue":"marker"}]
}

func ExampleAnnotation_MarshalJSON() {
	t := exampleTagger()
	anns := t.Match([]byte("paygw: charge 8812 failed decline_code=E99"))
	b, err := json.Marshal(anns)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
	// Output:
	// [{"system":"payments","code":"E99","known":false}]
}

func ExampleAnnotation_UnmarshalJSON() {
	// A record of errtag's JSON output, read back.
	line := `{"log":"paygw: charge failed decline_code=E42","errtag":[{"system":"payments","code":"E42","name":"CARD_DECLINED","category":"validation"}]}`
	var rec struct {
		Log    string              `json:"log"`
		Errtag []errtag.Annotation `json:"errtag"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		log.Fatal(err)
	}
	a := rec.Errtag[0]
	fmt.Println(a.Entry.System, a.Entry.Code, a.Entry.Name, a.Entry.Category, a.Known)
	// Output:
	// payments E42 CARD_DECLINED validation true
}

func ExampleTagger_For() {
	// The payments gateway's files hold its lines only: there its rules
	// run without the paygw marker, and no other system's rules run.
	t, err := errtag.New(errtag.Config{
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(exampleCatalog)}},
		RuleData:    []errtag.Source{{Name: "payments-rules.yaml", Data: []byte(exampleRules)}},
		Inputs:      []errtag.Input{{Path: "/var/log/paygw/", System: "payments", Only: true}},
	})
	if err != nil {
		log.Fatal(err)
	}
	line := []byte("charge failed decline_code=E42")
	fmt.Println(len(t.For("/var/log/app.log").Match(line)))
	for _, a := range t.For("/var/log/paygw/charges.log").Match(line) {
		fmt.Println(a.Entry.Name, a.Cue)
	}
	// Output:
	// 0
	// CARD_DECLINED system
}

func ExampleParseFields() {
	// The fields to write, in this order; the system comes first
	// whatever the list says, as every annotation's pairs start with it.
	fields, err := errtag.ParseFields("name,code,system")
	if err != nil {
		log.Fatal(err)
	}
	anns := exampleTagger().Match([]byte("paygw: charge 8812 failed decline_code=E42"))
	fmt.Printf("%s\n", errtag.AppendLogfmt(nil, anns, fields))
	_, err = errtag.ParseFields("code,colour")
	fmt.Println(err)
	// Output:
	//  errtag.system=payments errtag.name=CARD_DECLINED errtag.code=E42
	// unknown field "colour" (known: system, code, name, category, group, message, remediation, known, alternatives, rule, cue)
}

func ExampleParseFormat() {
	// A format named by a user, as errtag's --format takes it.
	f, err := errtag.ParseFormat("json")
	if err != nil {
		log.Fatal(err)
	}
	exampleTagger().Filter(context.Background(), os.Stdout, strings.NewReader("paygw: charge 8813 accepted\n"), errtag.Output{Format: f})
	_, err = errtag.ParseFormat("yaml")
	fmt.Println(f, err)
	// Output:
	// {"log":"paygw: charge 8813 accepted"}
	// json errtag: unknown format "yaml" (auto or json)
}

func ExampleTagger_Catalog() {
	t := exampleTagger()
	c := t.Catalog()
	fmt.Println(c.Systems())
	for _, e := range c.Lookup("payments", "E42") {
		fmt.Println(e.Name, e.Category, e.Remediation)
	}
	// The catalog is a copy: adding to it changes what it says, not what
	// the Tagger annotates.
	err := c.Add("more.yaml", []byte("system: payments\nentries:\n  - code: E43\n    name: CARD_EXPIRED\n    category: validation\n    message: The card has expired.\n"))
	fmt.Println(err, len(c.Entries("payments")), t.Match([]byte("paygw: decline_code=E43"))[0].Known)
	// Output:
	// [backend-services drupal-sdk knox-efota payments voltmx-sync wusp]
	// CARD_DECLINED validation Ask the customer for another card.
	// <nil> 2 false
}

func ExampleTagger_Warnings() {
	// A rule of the payments system that reads integers, while its
	// catalog lists names: it can never find a code the catalog knows.
	t, err := errtag.New(errtag.Config{
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(exampleCatalog)}},
		RuleData: []errtag.Source{{Name: "payments-rules.yaml", Data: []byte(`markers:
  payments: [paygw]
rules:
  - id: payments.numeric
    system: payments
    cue: marker
    regex: 'decline=(?P<code>\d+)'
`)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range t.Warnings() {
		fmt.Println("warning:", w)
	}
	// Output:
	// warning: payments-rules.yaml:4: rule "payments.numeric": code_type integer can never give any of the 1 codes of payments's catalog (such as E42): use code_type: name, which keeps codes as written
}

func ExampleCue() {
	// The cue tells how sure the tie to the system is: a program may keep
	// only the annotations whose carrier or marker names the system.
	t := exampleTagger()
	for _, line := range []string{
		"paygw: charge 8812 failed decline_code=E42",
		"EFOTA download failed resultCode=-1401",
	} {
		for _, a := range t.Match([]byte(line)) {
			if a.Cue == errtag.CueCarrier || a.Cue == errtag.CueMarker {
				fmt.Println(a.Entry.System, a.Entry.Code, a.Cue)
			}
		}
	}
	// A cue is written and read by its name.
	b, _ := json.Marshal(struct{ Cue errtag.Cue }{errtag.CueShape})
	fmt.Println(string(b))
	// Output:
	// payments E42 marker
	// knox-efota -1401 marker
	// {"Cue":"shape"}
}

func ExampleTagger_Filter_cancel() {
	// Filter stops when its context is done, here once the first record
	// is out; everything read is written first, an unfinished line too.
	// A read of an *os.File pipe that waits for input is given up at
	// once; to stop a read of any other reader that waits, close the
	// reader.
	pr, pw, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// One write: a line, and the start of another, which never ends.
	fmt.Fprint(pw, "paygw: charge 8812 failed decline_code=E42\npaygw: charge 8813 acc")
	out := writerFunc(func(b []byte) (int, error) {
		cancel()
		return os.Stdout.Write(b)
	})
	st, err := exampleTagger().Filter(ctx, out, pr, errtag.Output{Format: errtag.JSON})
	fmt.Println(st.Lines, err)
	// Output:
	// {"log":"paygw: charge 8812 failed decline_code=E42","errtag":[{"system":"payments","code":"E42","name":"CARD_DECLINED","category":"validation","message":"The card was declined.","remediation":"Ask the customer for another card."}]}
	// {"log":"paygw: charge 8813 acc"}
	// 2 context canceled
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
