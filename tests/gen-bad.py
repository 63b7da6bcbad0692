#!/usr/bin/env python3
"""Write the hostile-input cases that are too large or too binary to keep in
the tree, in the form tests/bad-input.sh reads: NAME.json plus NAME.expect.

usage: gen-bad.py DIR [SAMPLES [all|fields|others]]

With SAMPLES (the samples/ directory), also one case per field of
opus-full.json (field-*).  The third argument keeps only the field cases or
only the others, for the test scripts that each run a part of them.
"""
import json
import os
import sys

out = sys.argv[1]
what = sys.argv[3] if len(sys.argv) > 3 else "all"
if what not in ("all", "fields", "others"):
    raise SystemExit("gen-bad.py: the third argument is all, fields or others")
ID = "1000000000000000002"


def envelope(paragraphs, extra_modules=()):
    mods = [
        {"module_type": "MODULE_TYPE_TITLE", "module_title": {"text": "生成的测试"}},
        {"module_type": "MODULE_TYPE_AUTHOR", "module_author": {"name": "测试者", "mid": 2, "pub_ts": 1700000000}},
        {"module_type": "MODULE_TYPE_CONTENT", "module_content": {"paragraphs": paragraphs}},
    ]
    mods.extend(extra_modules)
    return {"code": 0, "message": "0", "ttl": 1, "data": {"item": {"id_str": ID, "type": 1, "modules": mods}}}


def para(words):
    return {"para_type": 1, "text": {"nodes": [{"type": "TEXT_NODE_TYPE_WORD",
                                                "word": {"words": words, "font_size": 17, "style": {}}}]}}


def case(name, data, *expect):
    if (what == "fields") != name.startswith("field-") and what != "all":
        return
    with open(os.path.join(out, name + ".json"), "wb") as f:
        f.write(data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8"))
    with open(os.path.join(out, name + ".expect"), "w") as f:
        f.write("\n".join(expect) + "\n")


# Invalid UTF-8 inside a string: replaced with U+FFFD, reported, exit 3.
doc = json.dumps(envelope([para("MARKER")]), ensure_ascii=False).encode("utf-8")
case("invalid-utf8", doc.replace(b"MARKER", b"ok \xff\xfe \xc0\xaf \xed\xa0\x80 end"),
     "status 3", "message invalid UTF-8 in the response, replaced with U+FFFD", "output yes", "epubcheck yes")

# A UTF-8 byte order mark before the document is tolerated.
case("bom", b"\xef\xbb\xbf" + json.dumps(envelope([para("有 BOM")]), ensure_ascii=False).encode("utf-8"),
     "status 0", "output yes")

# A raw NUL byte inside the document.
case("raw-nul", doc.replace(b"MARKER", b"a\x00b"), "status 1", "message invalid JSON", "output no")

# A 5 MB single word.
case("huge-word", envelope([para("字" * (5 * 1024 * 1024 // 3))]), "status 0", "output yes")

# 10,000-deep nesting.
case("deep-nesting", b'{"code":0,"data":' + b"[" * 10000 + b"]" * 10000 + b"}",
     "status 1", "message JSON nested deeper than", "output no")

# A 50 MB response (the bulk in a module nobody shows).
big = envelope([para("小正文")], [{"module_type": "MODULE_TYPE_BOTTOM",
                                   "module_bottom": {"share_info": {"summary": "x" * (50 * 1024 * 1024)}}}])
case("big-response", big, "status 0", "output yes")

# Every field of a paragraph of the wrong type, one case each.
for field, value, msg in [
    ("align", "centre", "align: expected a number, got string"),
    ("text", [1], "text: expected an object, got array"),
]:
    p = para("x")
    p[field] = value
    case("wrong-" + field, envelope([p]), "status 1", "message " + msg, "output no")

# Every field of a full response, of the wrong type and null, one case each.
# Fields are taken from samples/opus-full.json and deduplicated by their path
# without array indices, so each kind of field is tried once (at its first
# place).  The parser may ignore a field it does not use or refuse one it
# needs; either way it must not crash, and a refusal names the field.
samples = sys.argv[2] if len(sys.argv) > 2 else None
if what != "others" and samples and os.path.exists(os.path.join(samples, "opus-full.json")):
    with open(os.path.join(samples, "opus-full.json"), encoding="utf-8") as f:
        full = json.load(f)

    def walk(v, path, out):
        yield path, v
        if isinstance(v, dict):
            for k, x in v.items():
                yield from walk(x, path + [k], out)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                yield from walk(x, path + [i], out)

    def wrong(v):
        if isinstance(v, bool):
            return "yes"
        if isinstance(v, (int, float)):
            return "12"
        if isinstance(v, str):
            return 12
        if isinstance(v, list):
            return {"0": 1}
        if isinstance(v, dict):
            return [1]
        return {"x": []}        # null stays: an object instead

    def replaced(doc, path, value):
        doc = json.loads(json.dumps(doc))
        if not path:
            return value
        p = doc
        for k in path[:-1]:
            p = p[k]
        p[path[-1]] = value
        return doc

    def name(path):
        s = ""
        for k in path:
            s += "[%d]" % k if isinstance(k, int) else ("." if s else "") + k
        return s

    seen = set()
    n = 0
    for path, v in walk(full, [], None):
        if not path:
            continue
        key = tuple("[]" if isinstance(k, int) else k for k in path)
        if key in seen:
            continue
        seen.add(key)
        # below data.item a refusal names the field by its whole path
        named = ["message-if-1 " + name(path) + ":"] if len(path) > 2 else []
        for kind, value in (("type", wrong(v)), ("null", None)):
            n += 1
            case("field-%04d-%s" % (n, kind), replaced(full, path, value),
                 "status 0|1|3", "field %s %s" % (name(path), kind), *named)
