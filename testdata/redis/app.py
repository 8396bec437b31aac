"""app.py: a small application that uses Redis through redis-py and logs
what goes wrong, as applications do: a text log (Python's logging, with a
traceback for some errors) and a JSON log, one record per line.

Run by make-logs.sh, against its servers: app.py TEXTLOG JSONLOG.
Every error line comes from a real redis-py exception raised by a real
server's reply; the ordinary lines are what such an application logs too.
"""
import json
import logging
import sys
import time

import redis

text_path, json_path = sys.argv[1], sys.argv[2]
logging.Formatter.converter = time.gmtime


class JSONFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, the extra fields
    key, command, error and error_type, and the traceback when there is one."""

    def format(self, rec):
        d = {
            "ts": self.formatTime(rec, "%Y-%m-%dT%H:%M:%S") + ".%03dZ" % rec.msecs,
            "level": rec.levelname.lower(),
            "logger": rec.name,
            "msg": rec.getMessage(),
        }
        for k in ("key", "command", "error", "error_type"):
            if hasattr(rec, k):
                d[k] = getattr(rec, k)
        if rec.exc_info:
            d["exception"] = self.formatException(rec.exc_info)
        return json.dumps(d)


text = logging.FileHandler(text_path, mode="w")
text.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03dZ %(levelname)-5s [%(name)s] %(message)s", "%Y-%m-%dT%H:%M:%S"))
tlog = logging.getLogger("cache")
tlog.addHandler(text)
tlog.setLevel(logging.INFO)
jfile = logging.FileHandler(json_path, mode="w")
jfile.setFormatter(JSONFormatter())
jlog = logging.getLogger("sessions")
jlog.addHandler(jfile)
jlog.setLevel(logging.INFO)
jlog.propagate = tlog.propagate = False

main = redis.Redis(port=16379, password="s3cret")
steps = [
    # (client, command and arguments, the key it concerns, traceback?)
    (redis.Redis(port=16379), ("GET", "session:9f2c"), "session:9f2c", False),
    (redis.Redis(port=16379, password="wrong"), ("GET", "session:9f2c"), "session:9f2c", False),
    (main, ("LPUSH", "s", "x"), "s", False),
    (main, ("INCR", "s"), "s", True),
    (main, ("FOOBAR", "x", "y"), "", True),
    (main, ("GET",), "", False),
    (main, ("SET", "k", "v", "XX", "NX"), "k", False),
    (main, ("RENAME", "nokey", "other"), "nokey", False),
    (main, ("LSET", "l", "5", "b"), "l", False),
    (main, ("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"), "", True),
    (main, ("RESTORE", "s", "0", "x"), "s", False),
    (main, ("XGROUP", "CREATE", "st", "g", "$"), "st", False),
    (main, ("XREADGROUP", "GROUP", "nog", "c", "STREAMS", "st", ">"), "st", False),
    (main, ("HELLO", "4"), "", False),
    (redis.Redis(port=16379, username="ro", password="ropw"), ("SET", "a", "1"), "a", True),
    (redis.Redis(port=16380), ("SET", "a", "1"), "a", True),
    (redis.Redis(port=16381), ("GET", "foo"), "foo", False),
    (redis.Redis(port=16381), ("MSET", "a", "1", "b", "2"), "a", False),
    (redis.Redis(port=16383), ("SET", "a", "1"), "a", False),
]

tlog.info("connecting to redis at 127.0.0.1:16379 db=0 pool size=10")
jlog.info("session store ready", extra={"key": "", "command": "PING"})
for client, args, key, trace in steps:
    cmd = args[0]
    try:
        client.execute_command(*args)
        tlog.info("%s %s ok", cmd, key)
    except redis.exceptions.RedisError as e:
        if trace:
            tlog.exception("%s %s failed", cmd, key)
        else:
            tlog.error("%s %s failed: %s", cmd, key, e)
        jlog.error("%s failed", cmd, extra={"key": key, "command": cmd, "error": str(e), "error_type": type(e).__name__})
    finally:
        client.close()

# A transaction with a command the server does not know.
pipe = main.pipeline(transaction=True)
pipe.set("a", "1")
pipe.execute_command("BADCMD")
try:
    pipe.execute()
except redis.exceptions.RedisError as e:
    tlog.error("transaction failed: %s: %s", type(e).__name__, e)
    jlog.error("transaction failed", extra={"command": "EXEC", "error": str(e), "error_type": type(e).__name__})

# Limits set by the operator: replicas, memory.
for setting, value in (("min-replicas-to-write", "5"), ("maxmemory", "1")):
    main.config_set(setting, value)
    try:
        main.set("a", "1")
    except redis.exceptions.RedisError as e:
        tlog.warning("SET a refused (%s=%s): %s", setting, value, e)
        jlog.warning("SET refused", extra={"key": "a", "command": "SET", "error": str(e), "error_type": type(e).__name__})
    main.config_set(setting, "0")
tlog.info("cache warm: 3 keys, hit rate 0.00")
main.close()
