# lookup.jq: the jq baseline for errtag's benchmark on the JSON-lines
# variant. It does "the same lookup" as errtag the way one would in jq: build
# the code table once from bench/out/codes.tsv, then for each line walk every
# object (also inside strings holding JSON, such as escaped response bodies)
# for errorCode / resultCode / code keys, decide the system from the line's
# cues (marker words, key sets; shared/logformats.md), look the code up and
# add an "errtag" array to the line.
#
#   jq -c -n --rawfile tsv bench/out/codes.tsv -f bench/lookup.jq bench/out/mixed.json

def table:
  $tsv | split("\n") | map(select(length > 0) | split("\t")
    | {key: (.[0] + "\t" + .[1]), value: {name: .[2], message: .[3]}})
  | from_entries;

# every object in a value, descending into strings that hold JSON objects
def objs:
  .. | if type == "object" then .
       elif type == "string" and startswith("{") then (fromjson? // empty | objs)
       else empty end;

def codestr: if type == "number" or type == "string" then tostring else empty end;

# the (system, code) pairs one object carries, given the line's marker
def finds($mark):
  if has("errorCode") and (has("errrorMessage") or has("errorInfo")) then
    {system: "voltmx-sync", code: (.errorCode | codestr)}
  elif $mark == "voltmx-sync" and has("errorCode") then
    {system: "voltmx-sync", code: (.errorCode | codestr)}
  elif $mark == null and has("errorCode") and (.message | type) == "string" then
    {system: "backend-services", code: (.errorCode | codestr)}
  elif $mark == "drupal-sdk" and has("code") and ((.error // .message) | type) == "string" then
    {system: "drupal-sdk", code: (.code | codestr)}
  elif $mark == "knox-efota" and (has("resultCode") or has("result_code") or has("errorCode")) then
    {system: "knox-efota", code: ((.resultCode // .result_code // .errorCode) | codestr)}
  else empty end;

table as $T
| inputs
| . as $line
| (tostring | [match("vmxsync|voltmx|volt mx|drupal|knox|e-?fota"; "gi").string | ascii_downcase]) as $m
| (if $m == [] then null
   elif ($m | any(. == "vmxsync" or . == "voltmx" or . == "volt mx")) then "voltmx-sync"
   elif ($m | index(["drupal"])) then "drupal-sdk"
   else "knox-efota" end) as $mark
| [ $line | objs | finds($mark)
    | . + ($T[.system + "\t" + .code] // {known: false}) ] as $anns
| if ($anns | length) > 0 then $line + {errtag: $anns} else $line end
