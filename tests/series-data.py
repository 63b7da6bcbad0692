"""Write the test server's data for tests/series.sh: 文集 lists and their
articles, made from the bundled 专栏 and opus samples.

    series-data.py SAMPLES DATA
"""
import json
import os
import sys

samples, out = sys.argv[1], sys.argv[2]
for d in ("article", "readlist", "opus"):
    os.makedirs(os.path.join(out, d), exist_ok=True)


def load(name):
    with open(os.path.join(samples, name), encoding="utf-8") as f:
        return json.load(f)


def write(path, obj):
    with open(os.path.join(out, path), "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False)


# chapters: the HTML and delta samples under new cv numbers and titles, in the 文集 70007
CHAPTERS = {
    91001: ("article-html.json", "第一章：开端", 1700000000),
    91002: ("article-delta.json", "第二章：经过", 1700100000),
    91003: ("article-html.json", "第三章：结局", 1700200000),
    91004: ("article-delta.json", "第四章：要登录才能看", 1700300000),
    91005: ("article-html.json", "第五章：后来加的", 1700400000),
}
for cv, (src, title, ts) in CHAPTERS.items():
    d = load(src)
    data = d["data"]
    data["id"] = cv
    data["title"] = title
    data["publish_time"] = ts
    data["list"] = {"id": 70007, "mid": 20002, "name": "示例文集 <&>", "image_url": "",
                    "summary": "", "articles_count": 3}
    data.pop("dyn_id_str", None)
    if cv == 91002:
        # its link and its article card go to the first chapter: a link inside the 文集
        data["content"] = data["content"].replace("cv10001", "cv91001")
    write("article/%d.json" % cv, d)


def item(cv, title, ts, dyn=None):
    it = {"id": cv, "title": title, "state": 0, "publish_time": ts, "words": 100,
          "image_urls": ["https://i0.hdslb.com/bfs/article/cover%d.jpg" % cv],
          "category": {"id": 26, "parent_id": 17, "name": "数码"}, "summary": "摘要",
          "stats": {"view": 1, "favorite": 0, "like": 0, "dislike": 0, "reply": 0,
                    "share": 0, "coin": 0, "dynamic": 0}}
    if dyn:
        it["dyn_id_str"] = dyn
    return it


def readlist(rl, name, cvs, summary="一个测试用的文集", image=True, extra=None):
    arts = [item(cv, CHAPTERS[cv][1] if cv in CHAPTERS else "已删除的一章", 1700000000 + k)
            for k, cv in enumerate(cvs)]
    d = {"code": 0, "message": "0", "ttl": 1, "data": {
        "list": {"id": rl, "mid": 20002, "name": name,
                 "image_url": "https://i0.hdslb.com/bfs/article/list%d.png" % rl if image else "",
                 "update_time": 1700500000, "ctime": 1690000000, "publish_time": 1700500000,
                 "summary": summary, "words": 3000, "read": 10, "articles_count": len(cvs),
                 "state": 1},
        "articles": arts + (extra or []),
        "author": {"mid": 20002, "name": "文集作者", "face": ""},
        "last": {"id": 0, "title": "", "image_urls": []},
        "attention": False}}
    write("readlist/%d.json" % rl, d)


readlist(70007, "示例文集 <&>", [91001, 91002, 91003])
# a gone chapter (99999 answers -404) between two good ones
readlist(70008, "缺了一章的文集", [91001, 99999, 91002], image=False)
readlist(70009, "空文集", [])
# a chapter that needs a login (the test makes cv91004 answer -403)
readlist(70011, "要登录的文集", [91001, 91004])
# every chapter gone
readlist(70012, "全没了", [99998, 99999])
# chapters named by their opus id too (newer answers): the opus falls back to the cv
readlist(70013, "新式文集", [], extra=[item(91001, "第一章：开端", 1700000000, "1056353752004491001"),
                                    item(91002, "第二章：经过", 1700100000)])
write("opus/1056353752004491001.json",
      {"code": 0, "message": "0", "ttl": 1, "data": {"fallback": {"id": "91001", "type": 2}}})

# an opus in the 文集 70007 (its MODULE_TYPE_COLLECTION), and one in none
o = load("opus-full.json")
for m in o["data"]["item"]["modules"]:
    if m["module_type"] == "MODULE_TYPE_COLLECTION":
        m["module_collection"]["id"] = 70007
        m["module_collection"]["name"] = "示例文集 <&>"
write("opus/1047362918573064199.json", o)
o["data"]["item"]["modules"] = [m for m in o["data"]["item"]["modules"]
                                if m["module_type"] != "MODULE_TYPE_COLLECTION"]
text = json.dumps(o, ensure_ascii=False).replace("1047362918573064199", "1047362918573064200")
with open(os.path.join(out, "opus/1047362918573064200.json"), "w", encoding="utf-8") as f:
    f.write(text)
