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
