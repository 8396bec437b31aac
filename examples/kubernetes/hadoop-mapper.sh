#!/bin/sh
# errtag over whole files in a Hadoop Streaming job, one file per map task
# (the streaming guide's "How do I process files, one per map?"): the input
# is a list of HDFS paths, one per line, split one line per map with
# NLineInputFormat; this mapper fetches its file, runs errtag on it, which
# keeps every byte and the file's compression, and puts the result under
# $ERRTAG_OUT at the input's own path (/archive/2024/05/h1/app.log.gz goes
# to $ERRTAG_OUT/archive/2024/05/h1/app.log.gz). Each map sees one path, so
# errtag cannot refuse two inputs with one output: naming the output after
# the file's name alone would let h1/app.log.gz and h2/app.log.gz overwrite
# each other (put -f) and lose one. With the whole path, put -f only ever
# replaces the output of the same input (a retried or speculative map).
# The job's own output stays empty.
#
#   hdfs dfs -ls -C '/archive/2024/05/*.gz' > paths.txt && hdfs dfs -put paths.txt /tmp/paths.txt
#   mapred streaming \
#     -D mapreduce.job.reduces=0 \
#     -D mapreduce.input.lineinputformat.linespermap=1 \
#     -files /usr/local/bin/errtag,hadoop-mapper.sh \
#     -cmdenv ERRTAG_OUT=/enriched/2024-05 \
#     -inputformat org.apache.hadoop.mapred.lib.NLineInputFormat \
#     -input /tmp/paths.txt -output /tmp/errtag-job \
#     -mapper hadoop-mapper.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hdfs dfs -mkdir -p "$ERRTAG_OUT"
PATH=$PWD:$PATH # errtag, shipped with -files, is in the task's directory
# NLineInputFormat's key (the line's offset) comes first, before a tab.
while IFS= read -r line; do
  path=${line#*"	"}
  # The path without its scheme and authority (hdfs://nn:8020/) or its
  # leading /: where the output goes under $ERRTAG_OUT.
  case $path in
    *://*) rel=${path#*://*/} ;;
    *) rel=${path#/} ;;
  esac
  mkdir -p "$work/in/$(dirname "$rel")"
  hdfs dfs -get "$path" "$work/in/$rel"
  (cd "$work/in" && errtag --out-dir "$work/out" --parents --format json --fields system,code,name,category "$rel")
  hdfs dfs -mkdir -p "$ERRTAG_OUT/$(dirname "$rel")"
  hdfs dfs -put -f "$work/out/$rel" "$ERRTAG_OUT/$rel"
  rm -rf "$work/in" "$work/out"
done
