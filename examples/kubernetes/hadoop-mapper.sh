#!/bin/sh
# errtag over whole files in a Hadoop Streaming job, one file per map task
# (the streaming guide's "How do I process files, one per map?"): the input
# is a list of HDFS paths, one per line, split one line per map with
# NLineInputFormat; this mapper fetches its file, runs errtag on it, which
# keeps every byte and the file's compression, and puts the result beside
# the others under the same name. The job's own output stays empty.
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
# NLineInputFormat's key (the line's offset) comes first, before a tab.
while IFS= read -r line; do
  path=${line#*"	"}
  name=$(basename "$path")
  hdfs dfs -get "$path" "$work/$name"
  ./errtag --out-dir "$work/out" --format json --fields system,code,name,category "$work/$name"
  hdfs dfs -put -f "$work/out/$name" "$ERRTAG_OUT/$name"
  rm -f "$work/$name" "$work/out/$name"
done
