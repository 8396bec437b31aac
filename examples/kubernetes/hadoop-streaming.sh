#!/bin/sh
# errtag as a Hadoop Streaming mapper over an archive of gzip logs: a
# map-only job. Hadoop does not split a .gz file, so each file is one map
# task; the mapper reads its lines on standard input, decompressed, and
# errtag writes one JSON record per line. The output parts are
# gzip-compressed.
#
# Hadoop's line reader drops each line's end (LF, CRLF or a lone CR), and
# the output is split at its first tab into key and value and joined again
# with a tab: --format json keeps every record one line of JSON whatever
# the line held (a tab inside a string is written \t). Where each line
# came from is not kept: for that, and for byte-exact output under the
# input's name, run errtag on whole files (hadoop-mapper.sh below).
#
#   ./hadoop-streaming.sh /archive/2024/05 /enriched/2024-05
set -eu
src=$1
dst=$2
mapred streaming \
  -D mapreduce.job.reduces=0 \
  -D mapreduce.output.fileoutputformat.compress=true \
  -D mapreduce.output.fileoutputformat.compress.codec=org.apache.hadoop.io.compress.GzipCodec \
  -files /usr/local/bin/errtag \
  -input "$src/*.gz" \
  -output "$dst" \
  -mapper "errtag --format json --fields system,code,name,category"
