#!/usr/bin/env python3
"""Make the stand-in pictures for the sample opus responses.

Walks opus-full.json, opus-legacy.json and opus-blocked.json (next to this
script), picks out every picture URL by its key, normalises it the way the
tool does (url_picture_key() in src/url.c) and writes a made-up picture of the
right format and size into the picture cache:

    cache/pictures/<first two hex digits of H>/<H>

where H is the lowercase hex SHA-256 of the normalised URL.  Several URLs that
normalise to the same string share one file.  The pictures are soft colour
gradients with a simple shape on top; colours, shapes and (when the JSON gives
no width/height) sizes are derived from H, so a rerun gives the same files.

Usage:
    samples/make-pictures.py           (re)write the cache, drop stale files
    samples/make-pictures.py --check   only check that every file is there
                                       and has the right format
    samples/make-pictures.py --list    print "H  normalised-URL  role  WxH"

Needs python3 and ImageMagick's convert (/usr/bin/convert is preferred).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_FILES = ["opus-full.json", "opus-legacy.json", "opus-blocked.json"]
CACHE = os.path.join(HERE, "cache", "pictures")

# Keys whose string value is a picture URL (empty strings are skipped).
PICTURE_KEYS = {
    "url",                              # pic.pics[], line.pic, module_top album, avatar layers
    "face",                             # module_author
    "icon_url", "gif_url", "webp_url",  # rich.emoji (and button icons)
    "cover",                            # link cards, goods items
    "src",                              # VIEW_PICTURE pics[]
    "pic",                              # share_info, match teams
    "image", "image_enhance", "image_enhance_frame",   # pendant
    "img_label_uri_hans", "img_label_uri_hans_static",
    "img_label_uri_hant", "img_label_uri_hant_static", # vip label
    "img_day", "img_dark",              # module_blocked icon / bg_img
    "icon", "head_icon",                # module_blocked button, goods card head
}

# Anything that looks like a picture on a Bilibili image host; used only to
# make sure PICTURE_KEYS missed nothing.
LOOKS_LIKE_PICTURE = re.compile(
    r"^(https?:)?//[^/]*(hdslb\.com|biliimg\.com)/.*\.(jpe?g|png|gif|webp|avif)(@[^/?#]*)?([?#].*)?$",
    re.IGNORECASE)

MAX_SIDE = 1280
NULL_SIZES = [(1200, 800), (1080, 720), (1200, 675), (960, 640), (800, 600), (1000, 750), (900, 1200)]


def normalise(url):
    """The picture key: https, lower-case host, no #fragment, no @suffix."""
    if re.search(r"[\s\x00-\x1f\x7f-\U0010ffff]", url):
        raise ValueError(f"picture URL with spaces or non-ASCII: {url!r}")
    low = url.lower()
    if url.startswith("//"):
        rest = url[2:]
    elif low.startswith("http://"):
        rest = url[7:]
    elif low.startswith("https://"):
        rest = url[8:]
    else:
        raise ValueError(f"not a web address: {url!r}")
    rest = rest.split("#", 1)[0]
    cut = len(rest)
    for ch in "/?":
        i = rest.find(ch)
        if i >= 0:
            cut = min(cut, i)
    host, tail = rest[:cut].lower(), rest[cut:]
    if not host:
        raise ValueError(f"no host: {url!r}")
    if "?" in tail:
        path, query = tail.split("?", 1)
        query = "?" + query
    else:
        path, query = tail, ""
    slash = path.rfind("/")
    if slash >= 0:
        at = path.find("@", slash)
        if at >= 0:
            path = path[:at]
    return "https://" + host + path + query


def picture_format(key):
    path = key[8:].split("?", 1)[0]
    ext = path.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if ext in ("jpg", "jpeg"):
        return "jpeg"
    if ext in ("png", "gif"):
        return ext
    raise ValueError(f"no stand-in format for '.{ext}' in {key}")


def num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 else None


def role_of(path, key, url):
    """A rough role for a picture from where it sits in the JSON."""
    if key == "face" or "avatar" in path:
        return "avatar"
    if "emoji" in path:
        return "emoji"
    if "line" in path:
        return "divider"
    if "left_team" in path or "right_team" in path:
        return "logo"
    if "pendant" in path or "label" in path:
        return "badge"
    if "module_blocked" in path:
        return "banner" if "bg_img" in path else "icon"
    if "share_info" in path and "/mobile/img/" in url:
        return "logo"           # the app-logo placeholder share picture
    if key == "cover":
        if "items" in path:
            return "square"
        if "music" in path:
            return "square"
        return "cover"
    return "photo"


DEFAULT_SIZES = {
    "avatar": (128, 128),
    "emoji": (96, 96),
    "divider": (1200, 24),
    "logo": (160, 160),
    "badge": (180, 72),
    "icon": (96, 96),
    "banner": (750, 280),
    "square": (400, 400),
    "cover": (640, 400),
}


def collect():
    """Return {normalised: info} for every picture URL in the JSON files."""
    found = {}
    seen_strings = []

    def visit(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str):
                    seen_strings.append((path + [k], v))
                    if k in PICTURE_KEYS and v and (v.startswith("//") or v.lower().startswith("http")):
                        add(v, path, k, node)
                else:
                    visit(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    seen_strings.append((path + [str(i)], v))
                else:
                    visit(v, path + [str(i)])

    def add(url, path, k, parent):
        key = normalise(url)
        role = role_of(path, k, url)
        w, h = num(parent.get("width")), num(parent.get("height"))
        if role == "divider" and h:
            w = w or 1200
        info = found.setdefault(key, {"urls": set(), "role": role, "size": None, "files": set()})
        info["urls"].add(url)
        info["files"].add(fname)
        if w and h and info["size"] is None:
            info["size"] = (int(w), int(h))

    for fname in JSON_FILES:
        with open(os.path.join(HERE, fname), encoding="utf-8") as f:
            visit(json.load(f), [])

    collected = {u for info in found.values() for u in info["urls"]}
    missed = sorted({v for _, v in seen_strings if LOOKS_LIKE_PICTURE.match(v) and v not in collected})
    if missed:
        raise SystemExit("picture URLs under keys make-pictures.py does not know:\n  " + "\n  ".join(missed))
    return found


def final_size(key, info, h):
    if info["size"]:
        w, ht = info["size"]
    elif info["role"] in DEFAULT_SIZES:
        w, ht = DEFAULT_SIZES[info["role"]]
    else:
        w, ht = NULL_SIZES[h[0] % len(NULL_SIZES)]
    if max(w, ht) > MAX_SIDE:
        scale = MAX_SIDE / max(w, ht)
        w, ht = max(1, round(w * scale)), max(1, round(ht * scale))
    return w, ht


def hsl(hue, sat, light):
    """An ImageMagick colour from hue 0-359, saturation and lightness 0-100."""
    c = (1 - abs(2 * light / 100 - 1)) * sat / 100
    x = c * (1 - abs((hue / 60) % 2 - 1))
    m = light / 100 - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(hue // 60) % 6]
    return "#%02x%02x%02x" % tuple(round((v + m) * 255) for v in (r, g, b))


def convert_bin():
    if os.path.exists("/usr/bin/convert"):
        return "/usr/bin/convert"
    found = shutil.which("convert")
    if not found:
        raise SystemExit("make-pictures.py: ImageMagick's convert is needed (apt-get install imagemagick)")
    return found


def draw_args(role, w, h, hb, fmt, frame=0):
    """ImageMagick arguments that draw the picture (before the output options)."""
    hue = hb[1] * 360 // 256
    hue2 = (hue + 30 + hb[2] % 60) % 360
    c1, c2 = hsl(hue, 45 + hb[3] % 25, 78), hsl(hue2, 50 + hb[4] % 25, 58)
    fg = hsl((hue + 180) % 360, 55, 42)
    light = hsl(hue, 30, 95)
    angle = [135, 160, 110, 180][hb[5] % 4]
    grad = ["-size", f"{w}x{h}", "-define", f"gradient:angle={angle}", f"gradient:{c1}-{c2}"]
    if role == "emoji":
        r = w * 0.40
        cx = w / 2
        cy = h / 2 - [0, h * 0.04, 0, -h * 0.04][frame % 4]
        dy = cy - h / 2
        return ["-size", f"{w}x{h}", "xc:none",
                "-fill", hsl(40 + hb[1] % 30, 90, 62), "-stroke", hsl(30, 70, 40), "-strokewidth", "3",
                "-draw", f"circle {cx},{cy} {cx + r},{cy}",
                "-stroke", "none", "-fill", "#3a2a1a",
                "-draw", f"ellipse {w * 0.36},{h * 0.40 + dy} {w * 0.05},{h * 0.08} 0,360",
                "-draw", f"ellipse {w * 0.64},{h * 0.40 + dy} {w * 0.05},{h * 0.08} 0,360",
                "-fill", "none", "-stroke", "#3a2a1a", "-strokewidth", "4",
                "-draw", f"arc {w * 0.30},{h * 0.42 + dy} {w * 0.70},{h * 0.74 + dy} 20,160"]
    if role == "avatar":
        return grad + ["-fill", light,
                       "-draw", f"circle {w / 2},{h * 0.40} {w / 2 + w * 0.18},{h * 0.40}",
                       "-draw", f"ellipse {w / 2},{h * 1.02} {w * 0.34},{h * 0.36} 180,360"]
    if role == "divider":
        mid = h / 2
        d = max(3, h * 0.35)
        return ["-size", f"{w}x{h}", "xc:white",
                "-stroke", c2, "-strokewidth", str(max(1, h // 12)),
                "-draw", f"line {w * 0.08},{mid} {w * 0.46},{mid}",
                "-draw", f"line {w * 0.54},{mid} {w * 0.92},{mid}",
                "-stroke", "none", "-fill", fg,
                "-draw", f"polygon {w / 2},{mid - d} {w / 2 + d},{mid} {w / 2},{mid + d} {w / 2 - d},{mid}"]
    if role in ("logo", "icon", "badge") or (role == "banner" and fmt == "png"):
        rad = min(w, h) * 0.2
        s = min(w, h)
        return ["-size", f"{w}x{h}", "xc:none", "-fill", c2,
                "-draw", f"roundrectangle 0,0 {w - 1},{h - 1} {rad},{rad}",
                "-fill", light,
                "-draw", f"circle {w / 2},{h / 2} {w / 2 + s * 0.28},{h / 2}",
                "-fill", fg,
                "-draw", f"circle {w / 2},{h / 2} {w / 2 + s * 0.12},{h / 2}"]
    if fmt == "png":
        # PNG content pictures are usually screenshots or diagrams: flat
        # colours (which also keeps the files small), a window with a title
        # bar, a few "text" lines and a box
        bar = max(8, h // 14)
        pad = w * 0.06
        args = ["-size", f"{w}x{h}", f"xc:{hsl(hue, 25, 96)}",
                "-fill", c2, "-draw", f"rectangle 0,0 {w},{bar}",
                "-fill", light, "-draw", f"circle {bar * 0.7},{bar / 2} {bar * 0.7 + bar * 0.22},{bar / 2}"]
        y = bar * 2.2
        line = max(4, h // 40)
        for i in range(5 + hb[11] % 4):
            if y + line > h * 0.55:
                break
            length = w * (0.35 + (hb[12 + i] % 50) / 100)
            args += ["-fill", hsl(hue, 10, 72),
                     "-draw", f"roundrectangle {pad},{y} {min(w - pad, pad + length)},{y + line} {line / 2},{line / 2}"]
            y += line * 2.4
        args += ["-fill", hsl(hue2, 45, 80), "-stroke", fg, "-strokewidth", str(max(1, w // 400)),
                 "-draw", f"roundrectangle {pad},{h * 0.62} {w * 0.55},{h - pad * 0.6} {w * 0.02},{w * 0.02}",
                 "-stroke", "none", "-fill", fg,
                 "-draw", f"circle {w * 0.75},{h * 0.78} {w * 0.75 + min(w, h) * 0.1},{h * 0.78}"]
        return args
    # photo, cover, square, banner: a landscape-ish picture icon
    sun_r = min(w, h) * (0.08 + (hb[6] % 6) / 100)
    sx, sy = w * (0.65 + (hb[7] % 20) / 100), h * (0.22 + (hb[8] % 12) / 100)
    peak1 = w * (0.25 + (hb[9] % 15) / 100)
    peak2 = w * (0.55 + (hb[10] % 15) / 100)
    return grad + [
        "-fill", light, "-draw", f"circle {sx},{sy} {sx + sun_r},{sy}",
        "-fill", hsl(hue2, 35, 45),
        "-draw", f"polygon 0,{h} {peak1},{h * 0.45} {w * 0.5},{h * 0.78} {peak2},{h * 0.55} {w},{h * 0.82} {w},{h}",
        "-fill", hsl(hue2, 40, 32),
        "-draw", f"polygon 0,{h} 0,{h * 0.80} {w * 0.35},{h * 0.68} {w * 0.7},{h * 0.9} {w},{h * 0.86} {w},{h}"]


def render(conv, key, info, hexname, out):
    hb = bytes.fromhex(hexname)
    fmt = picture_format(key)
    w, h = final_size(key, info, hb)
    common = ["-strip", "-define", "png:exclude-chunks=date,time", "+set", "date:create", "+set", "date:modify"]
    if fmt == "gif":
        frames = []
        for i in range(4):
            if info["role"] == "emoji":
                # a bouncing face on a transparent ground
                frames += ["("] + draw_args("emoji", w, h, hb, fmt, i) + [")"]
            else:
                # an e-ink style refresh: a black bar sweeping down a flat picture
                y = h * (i + 1) / 5
                frames += ["(", "-size", f"{w}x{h}", f"xc:{hsl(hb[1] * 360 // 256, 20, 92)}",
                           "-fill", "#202020", "-draw", f"rectangle {w * 0.1},{h * 0.2} {w * 0.6},{h * 0.35}",
                           "-fill", "#c03030", "-draw", f"rectangle {w * 0.1},{h * 0.5} {w * 0.4},{h * 0.6}",
                           "-fill", "#000000", "-draw", f"rectangle 0,{y - h * 0.04} {w},{y}", ")"]
        args = [conv, "-delay", "40", "-loop", "0", "-dispose", "Background"] + frames + \
            ["-colors", "16"] + common + ["gif:" + out]
    else:
        args = [conv] + draw_args(info["role"], w, h, hb, fmt) + common
        if fmt == "jpeg":
            args += ["-background", "white", "-alpha", "remove", "-quality", "60",
                     "-sampling-factor", "2x2", "jpeg:" + out]
        else:
            if info["role"] in ("photo", "cover", "square", "divider", "avatar"):
                args += ["-alpha", "off"]      # opaque: an RGB PNG
            args += ["-depth", "8", "png:" + out]
    subprocess.run(args, check=True)
    return w, h


def sniff(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return "?"


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode not in ("", "--check", "--list"):
        print(__doc__, file=sys.stderr)
        return 2
    pics = collect()
    names = {key: hashlib.sha256(key.encode()).hexdigest() for key in pics}

    if mode == "--list":
        for key in sorted(pics, key=lambda k: names[k]):
            w, h = final_size(key, pics[key], bytes.fromhex(names[key]))
            print(f"{names[key]}  {key}  {pics[key]['role']}  {w}x{h}")
        return 0

    if mode == "--check":
        bad = 0
        for key, hexname in names.items():
            path = os.path.join(CACHE, hexname[:2], hexname)
            if not os.path.isfile(path):
                print(f"missing: {key} ({path})")
                bad += 1
            elif sniff(path) != picture_format(key):
                print(f"wrong format: {key} is {sniff(path)}")
                bad += 1
        nurls = sum(len(i["urls"]) for i in pics.values())
        print(f"{len(pics)} pictures for {nurls} URLs; {bad} problem(s)")
        return 1 if bad else 0

    conv = convert_bin()
    os.makedirs(CACHE, exist_ok=True)
    want = set()
    total = 0
    for key in sorted(pics, key=lambda k: names[k]):
        hexname = names[key]
        d = os.path.join(CACHE, hexname[:2])
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        os.close(fd)
        try:
            w, h = render(conv, key, pics[key], hexname, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, os.path.join(d, hexname))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        want.add(os.path.join(hexname[:2], hexname))
        size = os.path.getsize(os.path.join(d, hexname))
        total += size
        print(f"{hexname[:12]}  {picture_format(key):4}  {w:4}x{h:<4}  {size:6}  {key}")
    # drop pictures no sample refers to any more
    for sub in sorted(os.listdir(CACHE)):
        sd = os.path.join(CACHE, sub)
        if not (os.path.isdir(sd) and re.fullmatch(r"[0-9a-f]{2}", sub)):
            continue
        for name in os.listdir(sd):
            if os.path.join(sub, name) not in want and re.fullmatch(r"[0-9a-f]{64}", name):
                os.unlink(os.path.join(sd, name))
        if not os.listdir(sd):
            os.rmdir(sd)
    print(f"{len(pics)} pictures, {total} bytes in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
