#!/usr/bin/env python3
"""check-zip.py BOOK...: exit 0 when every BOOK is a complete EPUB container:
a zip whose members all pass their CRC check, with an uncompressed
"mimetype" member first.  Prints what is wrong with the first bad one."""
import sys
import zipfile

for path in sys.argv[1:]:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            first = z.infolist()[0]
            if bad is not None:
                sys.exit("%s: member %s is damaged" % (path, bad))
            if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
                sys.exit("%s: mimetype is not the first, stored member" % path)
            if z.read("mimetype") != b"application/epub+zip":
                sys.exit("%s: wrong mimetype" % path)
            if "OEBPS/content.opf" not in z.namelist():
                sys.exit("%s: no package document" % path)
    except (zipfile.BadZipFile, OSError, IndexError) as e:
        sys.exit("%s: %s" % (path, e))
