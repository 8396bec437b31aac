"""errtag as a Spark RDD.pipe stage over an archive of gzip logs.

Two ways, both one task per file (gzip is not splittable):

lines   Spark reads the archive (any Hadoop file system: hdfs://, s3a://),
        each .gz whole in one partition, and pipes its lines through
        `errtag --format json`. The records come back as an RDD of JSON
        strings, saved gzip-compressed. Spark's line reader drops each
        line's end (LF, CRLF or a lone CR) and decodes the text as UTF-8,
        so CRs and invalid bytes are not kept, and errtag does not know
        which file a line came from.

files   The archive is on a file system every executor mounts (NFS, a FUSE
        mount of the bucket). The RDD holds the paths, one per partition,
        and each task runs `errtag --files-from - --out-dir DIR --parents`:
        errtag reads the file itself, byte for byte, and writes DIR/PATH
        (the input's path, its leading / dropped) in the input's
        compression. Nothing comes back through the pipe. Each task sees
        one path, so errtag cannot refuse two inputs with one output: the
        output is named after the whole path (--parents), not the file's
        name alone, or /archive/h1/app.log.gz and /archive/h2/app.log.gz
        would race to write DIR/app.log.gz and one would be lost. The list
        is made unique here; a task run twice (a retry, speculation)
        writes the same output again, whole (it is renamed into place).

errtag must be on every executor's PATH (an image, or --files with a
static build). checkCode=True makes a task whose errtag exits non-zero
fail and be retried; PySpark does not check by default.

    spark-submit spark_pipe.py lines s3a://logs/archive/2024/05/*.gz s3a://logs/enriched/2024-05
    find /mnt/archive -type f -name '*.gz' > /mnt/archive/paths.txt
    spark-submit spark_pipe.py files /mnt/archive/paths.txt /mnt/enriched
"""

import sys

from pyspark.sql import SparkSession


def lines(sc, src, dst):
    # minPartitions is a floor: a .gz file is never split, so each file is
    # one partition whatever it says.
    rdd = sc.textFile(src)
    enriched = rdd.pipe("errtag --format json --fields system,code,name,category", checkCode=True)
    enriched.saveAsTextFile(dst, compressionCodecClass="org.apache.hadoop.io.compress.GzipCodec")


def files(sc, listing, dst):
    # The list of paths (what find prints), read on the driver: one
    # partition per path, so that each task is one errtag over one file.
    # Absolute paths: a relative one is relative to each executor's
    # working directory.
    with open(listing, encoding="utf-8") as f:
        paths = [p.rstrip("\r\n") for p in f if p.strip()]
    paths = list(dict.fromkeys(paths))  # each path once: one task per output
    rdd = sc.parallelize(paths, len(paths))
    # Each partition's elements reach errtag's standard input one per
    # line: the list --files-from - reads. --parents writes each output at
    # its input's path under dst, so that inputs of the same name in
    # different directories do not overwrite each other.
    out = rdd.pipe("errtag --files-from - --out-dir " + dst + " --parents", checkCode=True)
    out.count()  # runs the tasks; errtag writes nothing to the pipe


if __name__ == "__main__":
    mode, src, dst = sys.argv[1:4]
    spark = SparkSession.builder.appName("errtag-" + mode).getOrCreate()
    {"lines": lines, "files": files}[mode](spark.sparkContext, src, dst)
    spark.stop()
