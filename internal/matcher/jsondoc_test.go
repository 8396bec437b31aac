package matcher

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

var jsonDocSeeds = []string{
	`{}`, `[]`, ` {"a":1} `, `{"a":{"b":{"c":"x"}},"a":{"b":{"d":2}}}`, `{"a":"\u00e9\ud83d\ude00\ud800x\\\"\/\b\f\n\r\t"}`,
	`{"k\u0065y":[1,-0.5e+3,true,false,null,"s",{"x":[]}]}`, `{"a":01}`, `[1,]`, `{"a" 1}`, `{"a":1,}`, `"str"`, `-`, `1.`, `1e`, `[-]`,
	`{"errorCode":-1012,"err":{"code":"7","message":"m"},"arr":[{"code":1}]}`, "{\"a\":\"\x01\"}", `{"a":tru}`, `nul`, `[1 2]`,
	`{"a":{"b":[{"c":1}]},"a":{"b":{"c":2}}}`, `{"a.b":1,"a":{"b":3}}`, `{"0":{"1":"x"}}`, "\t[\r\n1\n]\n",
}

// FuzzJSONDoc checks the one-pass JSON reader against gjson: the same
// documents are valid, every value has gjson's type, text, key and
// unescaped string, and a path finds what gjson.Get finds.
func FuzzJSONDoc(f *testing.F) {
	for _, s := range jsonDocSeeds {
		f.Add([]byte(s), "a.b")
	}
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		st := &lineState{}
		d, ok := st.parse(data)
		if want := gjson.ValidBytes(data); ok != want {
			t.Fatalf("parse(%q) = %v, gjson.ValidBytes %v", data, ok, want)
		}
		if !ok {
			return
		}
		root := gjson.ParseBytes(bytes.TrimLeft(data, " \t\r\n"))
		off := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
		checkNode(t, st, d, 0, root, off)
		if d.nodes[0].kind == jObject && simplePath(path) {
			got := st.get(d, 0, path)
			if amb := dupOnPath(string(d.raw(0)), path); got.ambiguous != amb {
				t.Fatalf("get(%q, %q) ambiguous %v, want %v", data, path, got.ambiguous, amb)
			}
			if got.ambiguous {
				return // gjson reads the first of the values, errtag none
			}
			want := gjson.GetBytes(d.raw(0), path)
			if got.exists != want.Exists() {
				t.Fatalf("get(%q, %q) exists %v, gjson %v", data, path, got.exists, want.Exists())
			}
			if got.exists && (string(got.raw) != want.Raw || got.index != int(d.nodes[0].start)+want.Index || got.kind == jString && string(st.valStr(got)) != want.Str) {
				t.Fatalf("get(%q, %q) = %q at %d, gjson %q at %d", data, path, got.raw, got.index, want.Raw, want.Index)
			}
		}
	})
}

// checkNode compares node n of d with gjson's v (whose Index counts from
// the document's first byte, off bytes into d.text).
func checkNode(t *testing.T, st *lineState, d *jdoc, n int32, v gjson.Result, off int) {
	t.Helper()
	nd := d.nodes[n]
	raw := string(d.raw(n))
	if n == 0 {
		// gjson's top-level value runs to the end of the text.
		if v.Raw = string(bytes.TrimRight([]byte(v.Raw), " \t\r\n")); v.Raw != raw {
			t.Fatalf("root %q, gjson %q", raw, v.Raw)
		}
	} else if raw != v.Raw || int(nd.start) != v.Index+off {
		t.Fatalf("node %d %q at %d, gjson %q at %d", n, raw, nd.start, v.Raw, v.Index+off)
	}
	want := map[gjson.Type]jkind{gjson.Null: jNull, gjson.False: jFalse, gjson.True: jTrue, gjson.Number: jNumber, gjson.String: jString}[v.Type]
	if v.IsObject() {
		want = jObject
	} else if v.IsArray() {
		want = jArray
	}
	if nd.kind != want {
		t.Fatalf("node %q kind %d, gjson type %v", raw, nd.kind, v.Type)
	}
	if nd.kind == jString && string(st.str(d, n)) != v.Str {
		t.Fatalf("string %q = %q, gjson %q", raw, st.str(d, n), v.Str)
	}
	if nd.kind != jObject && nd.kind != jArray {
		return
	}
	k := d.first(n)
	v.ForEach(func(key, val gjson.Result) bool {
		if k < 0 {
			t.Fatalf("%q: fewer values than gjson", raw)
		}
		if nd.kind == jObject && string(st.keyStr(d, k)) != key.Str {
			t.Fatalf("key %q, gjson %q", st.keyStr(d, k), key.Str)
		}
		checkNode(t, st, d, k, val, off)
		k = d.nodes[k].next
		return true
	})
	if k >= 0 {
		t.Fatalf("%q: more values than gjson", raw)
	}
}

// dupOnPath reports whether an object on path (keys only) in the JSON
// object obj has the path's key more than once with different values, by
// gjson.
func dupOnPath(obj, path string) bool {
	for _, part := range strings.Split(path, ".") {
		var vals []gjson.Result
		gjson.Parse(obj).ForEach(func(k, v gjson.Result) bool {
			if k.Str == part {
				vals = append(vals, v)
			}
			return true
		})
		if len(vals) == 0 || !vals[0].IsObject() && len(vals) == 1 {
			return false
		}
		for _, v := range vals[1:] {
			if v.Raw != vals[0].Raw {
				return true
			}
		}
		if !vals[0].IsObject() {
			return false
		}
		obj = vals[0].Raw
	}
	return false
}
