#!/usr/bin/env python3
"""Make the hostile and broken books that --from-epub must refuse.

usage: hostile-epub.py GOOD.epub OUTDIR

GOOD.epub is a book opus-archive made (with pictures).  Writes OUTDIR/NAME.epub
for each case, and OUTDIR/cases.tsv: NAME<TAB>a regular expression that the
one line of the refusal must match (besides naming the file).
"""
import os
import struct
import sys
import zipfile

good, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
src = zipfile.ZipFile(good)
members = [(i, src.read(i.filename)) for i in src.infolist()]
cases = []


def write(name, items, expect):
    """items: (ZipInfo or name, bytes[, compress]) in order."""
    path = os.path.join(out, name + ".epub")
    with zipfile.ZipFile(path, "w") as z:
        for it in items:
            info, data = it[0], it[1]
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    cases.append((name, expect))
    return path


def copy(info):
    """A fresh ZipInfo like info (zipfile keeps state in the ones it read)."""
    n = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    n.compress_type = info.compress_type
    n.external_attr = info.external_attr
    return n


def book(change=None, drop=None, extra=()):
    """The good book's members, with change(name, data) -> data, minus drop(name)."""
    items = []
    for info, data in members:
        if drop and drop(info.filename):
            continue
        if change:
            data = change(info.filename, data)
        items.append((copy(info), data))
    return items + list(extra)


raw = [i.filename for i, _ in members if i.filename.startswith("META-INF/opus-archive/")
       and i.filename.endswith(".json")][0]
picture = [i.filename for i, _ in members if i.filename.startswith("OEBPS/images/")][0]

# not a zip at all
with open(os.path.join(out, "not-a-zip.epub"), "wb") as f:
    f.write(b"This is not a zip file, only some text.\n" * 20)
cases.append(("not-a-zip", "not a zip"))

# a zip, but no book: neither an EPUB nor ours
write("plain-zip", [("readme.txt", b"hello"), ("data/x.json", b"{}")], "not a book made by opus-archive")

# an EPUB, but not one of ours: no responses
write("other-epub", [("mimetype", b"application/epub+zip"),
                     ("META-INF/container.xml", dict((i.filename, d) for i, d in members)["META-INF/container.xml"]),
                     ("OEBPS/content.opf", dict((i.filename, d) for i, d in members)["OEBPS/content.opf"])],
      "not a book made by opus-archive")

# our book without its raw response
write("missing-response", book(drop=lambda n: n == raw), "no API response")

# our book whose response is not JSON
write("bad-json", book(change=lambda n, d: b'{"code": 0, "data": {"item": ' if n == raw else d),
      "opus-archive/.*json")

# a tampered picture: one byte changed, the name kept
def tamper(n, d):
    if n != picture:
        return d
    b = bytearray(d)
    b[-3] ^= 0xFF
    return bytes(b)
write("tampered-picture", book(change=tamper), "does not match its name")

# names that climb out, or start at the root
write("dotdot", book(extra=[("OEBPS/../../evil.txt", b"x")]), r"'\.\.'")
write("absolute", book(extra=[("/etc/evil.txt", b"x")]), "absolute name")
write("backslash", book(extra=[("OEBPS\\..\\evil.txt", b"x")]), "backslash")

# a name given twice (zipfile warns, and writes it anyway)
import warnings
warnings.simplefilter("ignore")
write("duplicate", book(extra=[(copy(dict((i.filename, i) for i, _ in members)[raw]), b"{}")]),
      "twice")

# a symbolic link
link = zipfile.ZipInfo("OEBPS/link.xhtml", date_time=(2020, 1, 1, 0, 0, 0))
link.create_system = 3
link.external_attr = (0o120777 << 16)
write("symlink", book(extra=[(link, b"/etc/passwd")]), "symbolic link")

# a zip bomb: 200 MB of zeros, deflated to about 200 KB
path = os.path.join(out, "bomb.epub")
with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
    for info, data in members:
        z.writestr(copy(info), data)
    zi = zipfile.ZipInfo("OEBPS/zeros.bin", date_time=(2020, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as f:
        chunk = bytes(1 << 20)
        for _ in range(200):
            f.write(chunk)
cases.append(("bomb", "would inflate to"))

# thousands of members: more than a book may have
path = os.path.join(out, "many-members.epub")
with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
    for info, data in members:
        z.writestr(copy(info), data)
    for k in range(100001):
        z.writestr("OEBPS/x/%d" % k, b"")
cases.append(("many-members", "members, more than"))

# an encrypted member: the good book with the raw response's "encrypted" flag set
path = write("encrypted", book(), "encrypted")
data = bytearray(open(path, "rb").read())
target = raw.encode()
for sig, flag_at, name_len_at, head in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
    at = 0
    while True:
        at = data.find(sig, at)
        if at < 0:
            break
        n = struct.unpack_from("<H", data, at + name_len_at)[0]
        if bytes(data[at + head:at + head + n]) == target:
            flags = struct.unpack_from("<H", data, at + flag_at)[0]
            struct.pack_into("<H", data, at + flag_at, flags | 1)
        at += 4
open(path, "wb").write(data)

# a zip bomb that lies: 100 MB of zeros whose headers claim 1,000 bytes
path = os.path.join(out, "lying-size.epub")
with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
    for info, data in members:
        z.writestr(copy(info), data)
    z.writestr("OEBPS/images/" + "0" * 32 + ".png", bytes(100 << 20))
data = bytearray(open(path, "rb").read())
target = ("OEBPS/images/" + "0" * 32 + ".png").encode()
for sig, size_at, name_len_at, head in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
    at = 0
    while True:
        at = data.find(sig, at)
        if at < 0:
            break
        n = struct.unpack_from("<H", data, at + name_len_at)[0]
        if bytes(data[at + head:at + head + n]) == target:
            struct.pack_into("<I", data, at + size_at, 1000)
        at += 4
open(path, "wb").write(data)
cases.append(("lying-size", "cannot read|inflates past|not the|CRC|inconsistent|does not match"))

# a response that is another article's than its name says
def other_id(n, d):
    if n != raw:
        return d
    return d.replace(b'"id_str":"', b'"id_str":"9', 1).replace(b'"id_str": "', b'"id_str": "9', 1)
write("wrong-id", book(change=other_id), "not of")

with open(os.path.join(out, "cases.tsv"), "w") as f:
    for name, expect in cases:
        f.write("%s\t%s\n" % (name, expect))
