#!/usr/bin/env python3
"""Check a .warc.gz as opus-archive writes it (standard library only).

Usage: check-warc.py FILE.warc.gz [--index OUT.jsonl]

Checks: every gzip member holds exactly one WARC/1.1 record and nothing
else; the first record is warcinfo and every other record points to it;
record ids are unique urn:uuid ids; Content-Length matches the block; the
WARC-Block-Digest and WARC-Payload-Digest (sha1, base32) verify, the payload
of a chunked answer taken without its chunk framing; request and response
records pair up through WARC-Concurrent-To with the same target URI.

With --index, writes one JSON line per record: type, uri, status (HTTP, for
responses), payload_sha256 (hex, for responses), error, truncated, id,
concurrent.  Prints problems, one a line, and exits 1 when there are any.
"""
import base64
import hashlib
import json
import re
import sys
import zlib

UUID = re.compile(r"^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$")
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def sha1_label(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def members(data):
    """Yield (offset, bytes) for each gzip member."""
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(data[pos:])
        out += d.flush()
        if not d.eof:
            raise ValueError("offset %d: a gzip member that does not end" % pos)
        yield pos, out
        pos = len(data) - len(d.unused_data)


def parse_record(raw):
    """Return (headers dict of lists, block) of the one record in raw."""
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        raise ValueError("no end of the WARC header")
    lines = raw[:head_end].decode("utf-8").split("\r\n")
    if lines[0] != "WARC/1.1":
        raise ValueError("version line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError("header line without a colon: %r" % line)
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = int(headers["content-length"][0])
    block = raw[head_end + 4:head_end + 4 + length]
    rest = raw[head_end + 4 + length:]
    if len(block) != length:
        raise ValueError("block shorter than Content-Length %d" % length)
    if rest != b"\r\n\r\n":
        raise ValueError("%d bytes after the block instead of CRLF CRLF (two records in one member?)"
                         % len(rest))
    return headers, block


def dechunk(body):
    out = bytearray()
    pos = 0
    while True:
        eol = body.index(b"\n", pos)
        size = int(body[pos:eol].split(b";")[0].strip(), 16)
        pos = eol + 1
        if size == 0:
            return bytes(out)
        out += body[pos:pos + size]
        if len(body) < pos + size + 2:
            raise ValueError("cut chunk")
        pos += size
        if body[pos:pos + 2] == b"\r\n":
            pos += 2
        elif body[pos:pos + 1] == b"\n":
            pos += 1
        else:
            raise ValueError("no line end after a chunk")


def split_http(block):
    """Return (status or None, header text, payload) of an HTTP message block."""
    pos = 0
    while True:
        end = block.find(b"\r\n\r\n", pos)
        if end < 0:
            return None, block[pos:].decode("latin-1"), b""
        head = block[pos:end].decode("latin-1")
        m = re.match(r"HTTP/[0-9.]+ (\d{3})", head)
        status = int(m.group(1)) if m else None
        if status is not None and 100 <= status < 200:
            pos = end + 4
            continue
        return status, head, block[end + 4:]


def main():
    args = sys.argv[1:]
    index_path = None
    if "--index" in args:
        i = args.index("--index")
        index_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    data = open(args[0], "rb").read()
    problems = []
    records = []
    try:
        for off, raw in members(data):
            try:
                headers, block = parse_record(raw)
            except (ValueError, KeyError, UnicodeDecodeError) as e:
                problems.append("member at %d: %s" % (off, e))
                continue
            records.append((off, headers, block))
    except (ValueError, zlib.error) as e:
        problems.append(str(e))

    def one(h, name):
        v = h.get(name)
        return v[0] if v else None

    ids = {}
    index = []
    info_id = None
    for n, (off, h, block) in enumerate(records):
        where = "record %d (offset %d)" % (n, off)
        rid, rtype = one(h, "warc-record-id"), one(h, "warc-type")
        if rid is None or not UUID.match(rid):
            problems.append("%s: WARC-Record-ID %r is not a urn:uuid" % (where, rid))
        elif rid in ids:
            problems.append("%s: WARC-Record-ID %s used twice" % (where, rid))
        ids[rid] = (rtype, h)
        if not DATE.match(one(h, "warc-date") or ""):
            problems.append("%s: WARC-Date %r" % (where, one(h, "warc-date")))
        if n == 0:
            if rtype != "warcinfo":
                problems.append("the first record is %r, not warcinfo" % rtype)
            info_id = rid
        elif rtype == "warcinfo":
            problems.append("%s: a second warcinfo" % where)
        elif one(h, "warc-warcinfo-id") != info_id:
            problems.append("%s: WARC-Warcinfo-ID does not name the warcinfo record" % where)
        if one(h, "warc-block-digest") != sha1_label(block):
            problems.append("%s: WARC-Block-Digest does not match" % where)
        entry = {"type": rtype, "id": rid, "uri": one(h, "warc-target-uri"),
                 "concurrent": one(h, "warc-concurrent-to"), "error": one(h, "opus-archive-error"),
                 "truncated": one(h, "warc-truncated"), "ip": one(h, "warc-ip-address")}
        if rtype in ("request", "response"):
            want = "application/http;msgtype=" + rtype
            if one(h, "content-type") != want:
                problems.append("%s: Content-Type %r" % (where, one(h, "content-type")))
            if not entry["uri"]:
                problems.append("%s: no WARC-Target-URI" % where)
        if rtype == "response":
            status, head, payload = split_http(block)
            entry["status"] = status
            if re.search(r"(?im)^transfer-encoding:.*chunked\s*$", head):
                try:
                    payload = dechunk(payload)
                except ValueError:
                    payload = None
            pd = one(h, "warc-payload-digest")
            if payload is not None:
                entry["payload_sha256"] = hashlib.sha256(payload).hexdigest()
                entry["payload_len"] = len(payload)
                if pd is None and not entry["truncated"]:
                    problems.append("%s: no WARC-Payload-Digest" % where)
            if pd is not None and (payload is None or pd != sha1_label(payload)):
                problems.append("%s: WARC-Payload-Digest does not match" % where)
        if rtype == "warcinfo":
            entry["fields"] = block.decode("utf-8", "replace")
        index.append(entry)

    # pairing: a response points to its request, and that request back to it
    for rid, (rtype, h) in ids.items():
        conc = h.get("warc-concurrent-to", [])
        if rtype == "response":
            if len(conc) != 1 or conc[0] not in ids or ids[conc[0]][0] != "request":
                problems.append("response %s: WARC-Concurrent-To names no request" % rid)
                continue
            req = ids[conc[0]][1]
            if rid not in req.get("warc-concurrent-to", []):
                problems.append("response %s: its request does not point back" % rid)
            if one(req, "warc-target-uri") != one(h, "warc-target-uri"):
                problems.append("response %s: its request has another target URI" % rid)
        elif rtype == "request":
            for c in conc:
                if c not in ids or ids[c][0] != "response":
                    problems.append("request %s: WARC-Concurrent-To %s is not a response" % (rid, c))
            if not conc and not one(h, "opus-archive-error"):
                problems.append("request %s: no response and no error" % rid)

    if index_path:
        with open(index_path, "w") as f:
            for entry in index:
                f.write(json.dumps(entry) + "\n")
    for p in problems:
        print(p)
    print("%d records, %d problems" % (len(records), len(problems)), file=sys.stderr)
    return 1 if problems or not records else 0


if __name__ == "__main__":
    sys.exit(main())
