#!/usr/bin/env python3
"""Container checks of an EPUB written by opus-archive (standard library only).

usage: check-epub.py BOOK.epub
Checks: mimetype is the first entry, stored, without extra fields, and says
application/epub+zip; container.xml names a package document that exists;
every manifest item exists and every file under the content directory is in
the manifest; the raw API response is kept under META-INF/; every XHTML
document parses as XML; pictures are JPEG, PNG, GIF or SVG by their bytes;
there is a cover image (properties="cover-image" and the EPUB 2 <meta
name="cover">) shown by a cover page; every document says its language
(lang and xml:lang); every <img> has an alt attribute; the package carries
the schema.org accessibility metadata.
Prints one line per problem and exits 1 if there was any.
"""
import sys
import zipfile
import posixpath
import xml.etree.ElementTree as ET

OPF = "{http://www.idpf.org/2007/opf}"
CONT = "{urn:oasis:names:tc:opendocument:xmlns:container}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def sniff(b):
    if b.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if b.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if b.lstrip().startswith(b"<?xml") and b"<svg" in b[:512]:
        return "image/svg+xml"
    return None


def main():
    problems = []
    z = zipfile.ZipFile(sys.argv[1])
    infos = z.infolist()
    first = infos[0]
    if first.filename != "mimetype":
        problems.append("first entry is %r, not mimetype" % first.filename)
    if first.compress_type != zipfile.ZIP_STORED:
        problems.append("mimetype is compressed")
    if first.extra:
        problems.append("mimetype has extra fields")
    if z.read("mimetype") != b"application/epub+zip":
        problems.append("mimetype content is %r" % z.read("mimetype"))
    names = set(z.namelist())
    root = ET.fromstring(z.read("META-INF/container.xml"))
    rf = root.find("%srootfiles/%srootfile" % (CONT, CONT))
    opf_path = rf.get("full-path")
    if opf_path not in names:
        problems.append("package document %s missing" % opf_path)
        print("\n".join(problems))
        return 1
    base = posixpath.dirname(opf_path)
    opf = ET.fromstring(z.read(opf_path))
    listed = set()
    cover_path = cover_id = None
    cover_shown = False
    for item in opf.iter(OPF + "item"):
        if "cover-image" in (item.get("properties") or "").split():
            cover_path = posixpath.normpath(posixpath.join(base, item.get("href")))
            cover_id = item.get("id")
    for item in opf.iter(OPF + "item"):
        path = posixpath.normpath(posixpath.join(base, item.get("href")))
        listed.add(path)
        if path not in names:
            problems.append("manifest item %s missing" % path)
            continue
        mt = item.get("media-type")
        data = z.read(path)
        if mt.startswith("image/"):
            if sniff(data) != mt:
                problems.append("%s is %s by its bytes, listed as %s" % (path, sniff(data), mt))
            if mt != "image/svg+xml" and z.getinfo(path).compress_type != zipfile.ZIP_STORED:
                problems.append("picture %s is deflated (should be stored)" % path)
        if mt == "application/xhtml+xml" or path.endswith(".ncx") or mt == "image/svg+xml":
            try:
                doc = ET.fromstring(data)
            except ET.ParseError as e:
                problems.append("%s is not well-formed: %s" % (path, e))
                continue
            if mt == "application/xhtml+xml":
                if not doc.get(XML_LANG) or doc.get("lang") != doc.get(XML_LANG):
                    problems.append("%s: no lang and xml:lang on <html>" % path)
                for img in doc.iter(XHTML + "img"):
                    if img.get("alt") is None:
                        problems.append("%s: <img src=%s> has no alt" % (path, img.get("src")))
                    if img.get("src") and posixpath.normpath(posixpath.join(base, img.get("src"))) == cover_path:
                        cover_shown = True
    if cover_path is None:
        problems.append("no manifest item has properties=\"cover-image\"")
    elif not cover_shown:
        problems.append("the cover image %s is on no page" % cover_path)
    metas = {m.get("name"): m.get("content") for m in opf.iter(OPF + "meta") if m.get("name")}
    if cover_id is None or metas.get("cover") != cover_id:
        problems.append("<meta name=\"cover\"> does not name the cover image's id %s" % cover_id)
    props = [m.get("property") for m in opf.iter(OPF + "meta")]
    for want in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                 "schema:accessibilityHazard", "schema:accessibilitySummary"):
        if want not in props:
            problems.append("the package has no %s" % want)
    for n in names:
        if n.startswith(base + "/") and n not in listed and n != opf_path:
            problems.append("%s is in the book but not in the manifest" % n)
    if not any(n.startswith("META-INF/opus-archive/") and n.endswith(".json") for n in names):
        problems.append("the raw API response is not kept under META-INF/opus-archive/")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
