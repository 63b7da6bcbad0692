#!/usr/bin/python3
"""Make the inputs of the benchmarks (bench/run calls this; see bench/README.md).

  gen.py long OUT [--paragraphs N] [--pictures N]
      OUT/long.json           an opus detail response: N text paragraphs (with
                              headings and bold/italic words) and N pictures
      OUT/cache/pictures/...  the pictures, where opus-archive looks them up
                              (SHA-256 of the normalised URL, see samples/README.md),
                              plus the bundled sample's pictures
      OUT/html/long.html      the same article as one HTML file, for pandoc
      OUT/html/pics/*.jpg     the same pictures (hard links)
  gen.py batch OUT SAMPLE.json --articles N [--pictures N]
      OUT/opus/<id>.json      N small articles for tests/bili-server.py, each
                              with its own N pictures (the server makes them)
      OUT/ids.txt             their ids, one a line
  gen.py textlong OUT [--paragraphs N] [--chars N] [--pictures N]
      OUT/textlong.json       a text-heavy long article (issue 15): N short
                              paragraphs holding about --chars characters
                              in all, and small (640x400, 20-40 KB) JPEGs
      OUT/cache/, OUT/html/   as for "long"
  gen.py text OUT --size N
      OUT/spans-N.json        a 专栏 article/view: one paragraph of N <span>s of
                              the same style (runs the parser merges)
      OUT/entities-N.json     an opus detail: a code block of N "&amp;", then 4N
                              "&" that no ";" follows (character references)
      OUT/lists-N.json        a 专栏 article/view: N list items, nested 1 to 100
                              deep and back, as <ul> in <li>
      OUT/opuslists-N.json    an opus detail: N list items, levels 1 to 16 and back
  gen.py bigpic OUT SAMPLE.json
      OUT/opus/<id>.json      one article whose only picture the server sends
      OUT/ids.txt             as 50 MB (an "oversize" fault; see bench/run)

Everything is deterministic: the same arguments give the same bytes.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

SENTENCES = [
    "去年冬天搬了新家，书桌右上角一直空着。",
    "手机看时间要先解锁，买来的温湿度计又只能看室内。",
    "于是我花了两个周末，做了这个小东西。",
    "电子纸的显示原理是带电颗粒在微胶囊里移动，画面一旦形成就不需要持续供电。",
    "当然它也有缺点：刷新慢、怕冻、不能做动画。",
    "The ESP32-C3 wakes up every thirty minutes, fetches the forecast and sleeps again.",
    "下面是我用到的全部材料，价格是网购价，仅供参考，都可以换成同类产品。",
    "墨水屏走的是 SPI，一共 8 根线：VCC、GND、DIN、CLK、CS、DC、RST、BUSY。",
    "电池经过 TP4056 之后直接接到开发板的 5V 引脚，由板载 LDO 降到 3.3V。",
    "为了在屏幕上显示电量，我用两个 100kΩ 电阻分压接到 ADC。",
    "固件用 Arduino 框架写，核心逻辑只有一件事：醒来、联网、画图、睡觉。",
    "我用电流表记录了一整天的电流，导出成 CSV，再用一个小脚本算平均值。",
    "外壳是用 3D 打印机打的，PLA 材料，层高 0.2 毫米，一共打了四个小时。",
    "Average current came out at 0.21 mA, which means about two months per charge.",
    "如果你也想做一个，建议先买一块开发板和屏幕，在面包板上把程序跑通。",
]


def text_para(rng, i):
    nodes = []
    n = rng.randint(2, 5)
    for k in range(n):
        words = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
        style = {}
        if k % 3 == 1:
            style = {"bold": True}
        elif k % 5 == 4:
            style = {"italic": True}
        nodes.append({"type": "TEXT_NODE_TYPE_WORD",
                      "word": {"font_size": 17, "style": style, "words": words}})
    return {"align": 0, "para_type": 1, "text": {"nodes": nodes}}


def heading_para(i):
    return {"align": 0, "format": {"align": 0, "indent": None},
            "heading": {"level": 1, "nodes": [{"type": "TEXT_NODE_TYPE_WORD", "word": {
                "font_size": 24, "style": {"bold": True}, "words": "第 %d 节" % i}}]},
            "para_type": 8}


def pic_para(url, w, h, size):
    return {"align": 0, "para_type": 2, "pic": {"pics": [
        {"height": h, "live_url": None, "size": size / 1024.0, "url": url, "width": w}],
        "style": 2}}


def jpeg(idx, w, h):
    """A photo-like JPEG: a gradient with a little noise, different for every idx."""
    rng = random.Random(idx)
    # one row of a diagonal gradient, shifted per row with a translation table
    r0, g0, b0 = rng.randrange(256), rng.randrange(256), rng.randrange(256)
    row = bytearray()
    for x in range(w):
        row += bytes(((r0 + x // 4) & 255, (g0 + x // 6) & 255, (b0 + x // 8) & 255))
    row = bytes(row)
    shift = [bytes((v + s) & 255 for v in range(256)) for s in range(256)]
    pix = b"".join(row.translate(shift[(y // 3) & 255]) for y in range(h))
    # low-amplitude noise (the low 4 bits), like a photo's grain
    seed = hashlib.sha256(b"bench%d" % idx).digest()
    chunks, need = [], len(pix)
    block = hashlib.shake_256(seed).digest(min(need, 1 << 20))
    while need > 0:
        chunks.append(block[:need])
        need -= len(block)
    noise = b"".join(chunks).translate(bytes(v & 15 for v in range(256)))
    pix = (int.from_bytes(pix, "big") ^ int.from_bytes(noise, "big")).to_bytes(len(pix), "big")
    ppm = b"P6\n%d %d\n255\n" % (w, h) + pix
    out = subprocess.run(["cjpeg", "-quality", "80"], input=ppm, stdout=subprocess.PIPE,
                         check=True).stdout
    return out


def picture_key_path(cache, url):
    h = hashlib.sha256(url.encode()).hexdigest()
    return os.path.join(cache, "pictures", h[:2], h)


def add_picture(cache, html_dir, paras, html, n, name, w, h, seed):
    """Picture n of a long article: a w x h JPEG in the cache (under its URL's key),
    linked into html_dir/pics/, a picture paragraph, and its <figure> for pandoc."""
    url = "https://i0.hdslb.com/bfs/new_dyn/%s%04d.jpg" % (name, n)
    data = jpeg(seed, w, h)
    path = picture_key_path(cache, url)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.link(path, os.path.join(html_dir, "pics", "%04d.jpg" % n))
    paras.append(pic_para(url + "@1192w.webp", w, h, len(data)))
    html.append('<figure><img src="pics/%04d.jpg" alt="" width="%d" height="%d"/>'
                '</figure>\n' % (n, w, h))


def write_article(out, html_dir, name, base, item, paras, html):
    """Write OUT/NAME.json (the response, paragraphs in its content module) and
    html_dir/NAME.html (the same article for pandoc)."""
    html.append("</body></html>\n")
    for m in item["modules"]:
        if m["module_type"] == "MODULE_TYPE_CONTENT":
            m["module_content"]["paragraphs"] = paras
    with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(base, f, ensure_ascii=False)
    with open(os.path.join(html_dir, name + ".html"), "w", encoding="utf-8") as f:
        f.write("".join(html))


def cmd_long(a):
    out = a.out
    rng = random.Random(8)
    base = json.load(open(os.path.join(TOP, "samples", "opus-full.json"), encoding="utf-8"))
    item = base["data"]["item"]
    item["id_str"] = "9300000000000000001"
    keep = ("MODULE_TYPE_TITLE", "MODULE_TYPE_AUTHOR", "MODULE_TYPE_CONTENT", "MODULE_TYPE_STAT")
    item["modules"] = [m for m in item["modules"] if m["module_type"] in keep]
    title = "长文基准：%d 段文字和 %d 张图片" % (a.paragraphs, a.pictures)
    cache = os.path.join(out, "cache")
    html_dir = os.path.join(out, "html")
    os.makedirs(os.path.join(html_dir, "pics"), exist_ok=True)
    # the sample's pictures (the author's face) come along
    shutil.copytree(os.path.join(TOP, "samples", "cache"), cache, dirs_exist_ok=True)
    face = None
    for m in item["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = title
        if m["module_type"] == "MODULE_TYPE_AUTHOR":
            face = m["module_author"]["face"]
    paras = []
    html = ['<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"/>'
            '<title>%s</title></head><body>\n<h1>%s</h1>\n' % (title, title)]
    if face:
        fp = picture_key_path(cache, face)
        os.link(fp, os.path.join(html_dir, "pics", "face.jpg"))
        html.append('<p><img src="pics/face.jpg" alt=""/> 阿柚的电子工坊</p>\n')
    every = a.paragraphs // a.pictures if a.pictures else 0
    npic = 0
    for i in range(a.paragraphs):
        if i % 50 == 0:
            paras.append(heading_para(i // 50 + 1))
            html.append("<h2>第 %d 节</h2>\n" % (i // 50 + 1))
        p = text_para(rng, i)
        paras.append(p)
        parts = []
        for n in p["text"]["nodes"]:
            w, st = n["word"]["words"], n["word"]["style"]
            if st.get("bold"):
                w = "<strong>%s</strong>" % w
            elif st.get("italic"):
                w = "<em>%s</em>" % w
            parts.append(w)
        html.append("<p>%s</p>\n" % "".join(parts))
        if every and i % every == every - 1 and npic < a.pictures:
            add_picture(cache, html_dir, paras, html, npic, "bench", 1200, 800, npic)
            npic += 1
    write_article(out, html_dir, "long", base, item, paras, html)
    print("long article: %d paragraphs, %d pictures" % (a.paragraphs, npic))


def small_article(base, new_id, title, urls):
    d = json.loads(json.dumps(base))
    it = d["data"]["item"]
    it["id_str"] = new_id
    it["modules"] = [m for m in it["modules"]
                     if m["module_type"] in ("MODULE_TYPE_TITLE", "MODULE_TYPE_AUTHOR",
                                             "MODULE_TYPE_CONTENT")]
    for m in it["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = title
        if m["module_type"] == "MODULE_TYPE_CONTENT":
            rng = random.Random(new_id)
            paras = []
            for k, u in enumerate(urls):
                paras.append(text_para(rng, k))
                paras.append(pic_para(u, 8, 8, 100))
            m["module_content"]["paragraphs"] = paras
    return d


def write_articles(out, sample, ids_urls):
    base = json.load(open(sample, encoding="utf-8"))
    os.makedirs(os.path.join(out, "opus"), exist_ok=True)
    ids = []
    for new_id, urls in ids_urls:
        d = small_article(base, new_id, "批量 %s" % new_id, urls)
        with open(os.path.join(out, "opus", new_id + ".json"), "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)
        ids.append(new_id)
    with open(os.path.join(out, "ids.txt"), "w") as f:
        f.write("\n".join(ids) + "\n")


def cmd_batch(a):
    items = []
    for i in range(a.articles):
        new_id = "94%017d" % i
        urls = ["https://i0.hdslb.com/bfs/new_dyn/b%05d_%02d.png" % (i, k)
                for k in range(a.pictures)]
        items.append((new_id, urls))
    write_articles(a.out, a.sample, items)


def cmd_bigpic(a):
    write_articles(a.out, a.sample,
                   [("9500000000000000001", ["https://i0.hdslb.com/bfs/new_dyn/big50mb.jpg"])])


# --- textlong: the text-heavy long article (issue 15) ----------------------------

def text_para_sized(rng, budget):
    """A paragraph of about budget characters: 1-3 runs cut from SENTENCES."""
    nodes = []
    n = rng.randint(1, 3)
    left = budget
    for k in range(n):
        take = left if k == n - 1 else max(1, left // (n - k) + rng.randint(-5, 5))
        words = ""
        while len(words) < take:
            words += rng.choice(SENTENCES)
        words = words[:max(1, take)]
        left -= len(words)
        style = {}
        if k % 3 == 1:
            style = {"bold": True}
        elif k % 5 == 4:
            style = {"italic": True}
        nodes.append({"type": "TEXT_NODE_TYPE_WORD",
                      "word": {"font_size": 17, "style": style, "words": words}})
    return {"align": 0, "para_type": 1, "text": {"nodes": nodes}}


def cmd_textlong(a):
    """Like cmd_long, with short paragraphs (a.chars in all) and small pictures."""
    out = a.out
    rng = random.Random(15)
    base = json.load(open(os.path.join(TOP, "samples", "opus-full.json"), encoding="utf-8"))
    item = base["data"]["item"]
    item["id_str"] = "9300000000000000015"
    keep = ("MODULE_TYPE_TITLE", "MODULE_TYPE_AUTHOR", "MODULE_TYPE_CONTENT", "MODULE_TYPE_STAT")
    item["modules"] = [m for m in item["modules"] if m["module_type"] in keep]
    title = "文字长文基准：%d 段文字和 %d 张小图" % (a.paragraphs, a.pictures)
    cache = os.path.join(out, "cache")
    html_dir = os.path.join(out, "html")
    os.makedirs(os.path.join(html_dir, "pics"), exist_ok=True)
    shutil.copytree(os.path.join(TOP, "samples", "cache"), cache, dirs_exist_ok=True)
    for m in item["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = title
    paras = []
    html = ['<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"/>'
            '<title>%s</title></head><body>\n<h1>%s</h1>\n' % (title, title)]
    per = max(1, a.chars // a.paragraphs) if a.paragraphs else 0
    every = a.paragraphs // a.pictures if a.pictures else 0
    npic = nchars = 0
    for i in range(a.paragraphs):
        if i % 50 == 0:
            paras.append(heading_para(i // 50 + 1))
            html.append("<h2>第 %d 节</h2>\n" % (i // 50 + 1))
        p = text_para_sized(rng, rng.randint(per // 2, per * 3 // 2))
        paras.append(p)
        parts = []
        for n in p["text"]["nodes"]:
            w, st = n["word"]["words"], n["word"]["style"]
            nchars += len(w)
            if st.get("bold"):
                w = "<strong>%s</strong>" % w
            elif st.get("italic"):
                w = "<em>%s</em>" % w
            parts.append(w)
        html.append("<p>%s</p>\n" % "".join(parts))
        if every and i % every == every - 1 and npic < a.pictures:
            add_picture(cache, html_dir, paras, html, npic, "text", 640, 400, 100000 + npic)
            npic += 1
    write_article(out, html_dir, "textlong", base, item, paras, html)
    print("text-heavy article: %d paragraphs, %d characters, %d pictures"
          % (a.paragraphs, nchars, npic))
def cv_response(content):
    return {"code": 0, "message": "0", "ttl": 1, "data": {
        "id": 5005, "title": "text paths", "type": 0, "publish_time": 1700000000,
        "author": {"mid": 1, "name": "bench"}, "content": content}}


def opus_response(paragraphs):
    return {"code": 0, "message": "0", "ttl": 1, "data": {"item": {
        "id_str": "1000000000000000001", "type": 1, "modules": [
            {"module_type": "MODULE_TYPE_TITLE", "module_title": {"text": "text paths"}},
            {"module_type": "MODULE_TYPE_AUTHOR",
             "module_author": {"name": "bench", "mid": 1, "pub_ts": 1700000000}},
            {"module_type": "MODULE_TYPE_CONTENT",
             "module_content": {"paragraphs": paragraphs}}]}}}


def cmd_text(a):
    n = a.size
    os.makedirs(a.out, exist_ok=True)
    spans = "<p>" + "".join('<span class="font-size-16">%s </span>' % SENTENCES[i % len(SENTENCES)]
                            for i in range(n)) + "</p>"
    # the references first, then a run of "&" that no ";" ever ends
    code = "&amp;" * n + " if (a &lt; b) return;" * (n // 20) + "&" * (4 * n)
    ents = opus_response([{"para_type": 7, "code": {"lang": "c", "content": code}}])
    html, depth = [], 0
    for i in range(n):
        # down to 100 levels and back up, then again
        want = 1 + (i % 200 if i % 200 < 100 else 199 - i % 200)
        while depth < want:
            html.append("<ul><li>" if depth == 0 else "<ul><li>")
            depth += 1
        while depth > want:
            html.append("</li></ul>")
            depth -= 1
        html.append("%s</li><li>" % SENTENCES[i % len(SENTENCES)])
    html.append("</li></ul>" * depth)
    items = [{"level": 1 + (i % 30 if i % 30 < 16 else 30 - i % 30), "order": i + 1,
              "nodes": [{"type": "TEXT_NODE_TYPE_WORD",
                         "word": {"words": SENTENCES[i % len(SENTENCES)]}}]} for i in range(n)]
    opl = opus_response([{"para_type": 5, "list": {"style": 1, "items": items}}])
    for name, doc in (("spans", cv_response(spans)), ("entities", ents),
                      ("lists", cv_response("".join(html))), ("opuslists", opl)):
        with open(os.path.join(a.out, "%s-%d.json" % (name, n)), "w") as f:
            json.dump(doc, f, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("long")
    p.add_argument("out")
    p.add_argument("--paragraphs", type=int, default=2000)
    p.add_argument("--pictures", type=int, default=300)
    p = sub.add_parser("batch")
    p.add_argument("out")
    p.add_argument("sample")
    p.add_argument("--articles", type=int, default=200)
    p.add_argument("--pictures", type=int, default=10)
    p = sub.add_parser("text")
    p.add_argument("out")
    p.add_argument("--size", type=int, default=20000)
    p = sub.add_parser("bigpic")
    p.add_argument("out")
    p.add_argument("sample")
    p = sub.add_parser("textlong")
    p.add_argument("out")
    p.add_argument("--paragraphs", type=int, default=2000)
    p.add_argument("--chars", type=int, default=120000)
    p.add_argument("--pictures", type=int, default=240)
    a = ap.parse_args()
    if a.cmd == "textlong":
        return cmd_textlong(a)
    {"long": cmd_long, "batch": cmd_batch, "bigpic": cmd_bigpic, "text": cmd_text}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
