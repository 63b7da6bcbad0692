#!/usr/bin/env python3
"""Seeded generator of Bilibili API responses for opus-archive (stdlib only).

usage: gen.py SEED [-o FILE.json] [--kind opus|html|delta] [--mutate P] [--size S]
       gen.py --corpus DIR KIND COUNT [MAX_BYTES [FIRST_SEED [MUTATE [prefix]]]]

Writes one response for SEED: an opus/detail envelope ({code, message,
data:{item:{modules:[...]}}}) or an x/article/view one with HTML (type 0) or
a Quill delta (type 3) as its content, built from the shapes of
../shared/spec/opus-format.md.  The same seed and options always give the same
bytes.  Beside FILE.json it writes FILE.tokens: what the book must show.

Every visible string the generator writes carries a marker token QZnnnnn.
FILE.tokens (JSON) says where each must end up:
  "body":    [[token, rank], ...]  in the article's body document exactly
             once, ranks non-decreasing in the order found (tokens of one
             link card, or of an unknown module, share a rank: their inner
             order is the program's choice)
  "meta":    [token, ...]          exactly once in the body document, anywhere
             (title, author, collection, topic, tags, categories)
  "hidden":  [token, ...]          never (inside <script>, <style>, ...)
  "excused": [token, ...]          at most once (inside a mutated object)
  "mutations": [{"path": "...", "kind": "null|missing|type", "may_refuse": bool}]
A response may be refused (exit 1) only when some mutation has may_refuse.

Mutations ("the mutate knob"): a fraction P of responses (default 0.3) get
one to three slots, anywhere in the document, set to null, removed or given a
value of the wrong type.
"""
import json
import os
import random
import sys
import urllib.parse

TOKEN_PREFIX = "QZ"

# --- text material ----------------------------------------------------------------

CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
LATIN = ["alpha", "beta", "gamma", "delta", "code", "text", "word", "line", "opus", "book",
         "Ünïcödé", "naïve", "façade", "Ελληνικά", "русский", "ქართული", "हिन्दी", "ภาษาไทย"]
PIECES = [
    "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1E8\U0001F1F3",  # emoji, ZWJ, flag
    "\U00010348", "\U0001D11E", "\U0001D400",                  # plane 1: Gothic, music, maths
    "\U00020000", "\U0002A6D6", "\U0002F800",                  # plane 2: CJK ext B, compat
    "\U00030000", "\U0003134A",                                # plane 3: CJK ext G
    "\U000E0041\U000E0042", "\U000E0100",                      # plane 14: tags, variation selector
    "\U000F0000", "\U0010FFFD",                                # planes 15, 16: private use
    "e\u0301\u0302\u0303", "a\u0308\u0323", "\u0915\u094D\u0937",  # combining marks, virama
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358",      # zalgo
    "\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627", "\u0627\u0644\u0639\u0631\u0628\u064A\u0629 123",
    "\u202Eabc\u202C", "\u202Bx\u202C", "\u2066y\u2069", "\u2067z\u2069", "\u200E", "\u200F", "\u061C",
    "\u200B", "\u200D", "\uFEFF", "\u00AD", "\u00A0", "\u3000", "\u2028", "\u2029",
    "\t", "  ", "\r\n", "\n",
    "<b>not markup</b>", "&amp;", "&lt;", "&#x41;", "a&b", "\"quoted\"", "'apos'", "]]>", "<!--", "-->",
    "\u0001", "\u0008", "\u000B", "\u000C", "\u001F", "\u007F", "\u0085", "\u009F",
    "\uFFFE", "\uFFFF", "\uFDD0", "\uFFFD", "\uD800", "\uDFFF",
    "%s%n%x", "\\", "/", "#", "@", "[表情]", "#话题#",
]


# Features to leave out while a known defect is being fixed, e.g. OA_GEN_AVOID=user-node
# (see README.md): a comma list of the names tested with "in AVOID" below.
AVOID = set(filter(None, os.environ.get("OA_GEN_AVOID", "").split(",")))


def big_int(r):
    return r.choice([0, -1, 1, 2, 7, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, -2**63,
                     2**64, 10**30, -10**30])


BODY_MODULES = ("MODULE_TYPE_CONTENT", "MODULE_TYPE_BLOCKED", "MODULE_TYPE_FUTURE")


class Gen:
    def __init__(self, seed, kind=None, mutate=0.3, size=1.0):
        self.seed = seed
        self.r = random.Random(seed)
        r = self.r
        self.kind = kind or r.choice(["opus", "opus", "opus", "html", "delta"])
        self.mutate = mutate
        self.size = size
        self.n = 0
        self.rank = 0
        self.body = []          # [token, rank]
        self.meta = []
        self.hidden = []
        self.group = None       # a shared rank while inside a card
        self.pic_n = 0
        self.huge = 1 if r.random() < 0.03 else 0

    # --- tokens and strings ----------------------------------------------------------

    def token(self):
        self.n += 1
        return "%s%05d" % (TOKEN_PREFIX, self.n)

    def filler(self, lo=0, hi=3):
        r = self.r
        out = []
        for _ in range(r.randint(lo, hi)):
            c = r.random()
            if c < 0.4:
                k = r.randint(1, 12)
                out.append("".join(r.choice(CJK) for _ in range(k)))
            elif c < 0.6:
                out.append(r.choice(LATIN))
            else:
                out.append(r.choice(PIECES))
        return out

    def words(self, where="body", empty_ok=True, newline=True):
        """A visible string holding one new token; registered as expected in where."""
        r = self.r
        if empty_ok and r.random() < 0.04:
            return r.choice(["", " ", "\u3000\t ", "\n", "\u00A0"])   # no token: nothing to see
        t = self.token()
        pre = self.filler(0, 2)
        post = self.filler(0, 2)
        if self.huge and r.random() < 0.2:
            self.huge -= 1
            post.append("长" * r.randint(20000, 120000))     # a huge text
        if newline and r.random() < 0.1:
            post.append("\n" + "".join(self.filler(1, 2)))
        s = " ".join(pre + [t] + post)
        self.register(t, where)
        return s

    def register(self, t, where):
        if where == "body":
            if self.group is not None:
                self.body.append([t, self.group])
            else:
                self.rank += 1
                self.body.append([t, self.rank])
        elif where == "meta":
            self.meta.append(t)
        elif where == "hidden":
            self.hidden.append(t)

    def begin_group(self):
        self.rank += 1
        self.group = self.rank

    def end_group(self):
        self.group = None

    def pic_url(self, kind="new_dyn"):
        self.pic_n += 1
        h = "%040x" % random.Random(self.seed * 1000 + self.pic_n).getrandbits(160)
        ext = self.r.choice(["jpg", "png", "gif", "webp", "jpeg"])
        host = self.r.choice(["https://i0.hdslb.com", "http://i1.hdslb.com", "//i2.hdslb.com",
                              "https://album.biliimg.com"])
        return "%s/bfs/%s/%s.%s" % (host, kind, h, ext)

    def link(self):
        r = self.r
        return r.choice(["https://www.bilibili.com/video/BV1xx411c7mD", "//space.bilibili.com/2",
                         "https://search.bilibili.com/all?keyword=%E6%B5%8B&a=1",
                         "www.bilibili.com/read/cv1", "javascript:alert(1)", "", "https://b23.tv/x",
                         "https://example.com/a?b=<c>&d=\"e\"", "mailto:a@b.c", "//", "https://"])

    def num(self, normal):
        r = self.r
        x = r.random()
        if x < 0.75:
            return normal
        if x < 0.9:
            return big_int(r)
        # JSON numbers of every shape; a string of digits is a number too (the API sends both)
        return r.choice([1.5, -0.0, 1e300, -1e300, 3.0, -3, str(normal) if isinstance(normal, int) else 0.5])

    def ts(self):
        r = self.r
        x = r.random()
        if x < 0.6:
            return r.randint(1262304000, 1767225600)
        return r.choice([0, -1, -86400, -2**31, 2**31 - 1, 2**31, 2**32, 253402300799, 253402300800,
                         10**11, 10**17, 2**63 - 1, -2**63, 2**64, 1.7e9 + 0.5, 1e300,
                         "1700000000", -62135596800, -62135596801])

    # --- opus web schema -----------------------------------------------------------------

    def word_node(self, bold=None, fs=None, where="body"):
        r = self.r
        style = {}
        for k in ("bold", "italic", "strikethrough", "underline"):
            if r.random() < 0.2:
                style[k] = True
        if bold is not None:
            style["bold"] = bold
        w = {"words": self.words(where), "font_size": fs if fs is not None else self.num(17),
             "style": style}
        if r.random() < 0.3:
            w["color"] = r.choice(["#FB7299", "#abc", "red", "#12345g", None, "#ffffff00"])
        if r.random() < 0.2:
            w["font_level"] = r.choice(["regular", "xLarge", "xxLarge", "small", "huge"])
        if r.random() < 0.1:
            w["bg_style"] = {"color": {}}
        return {"type": "TEXT_NODE_TYPE_WORD", "word": w}

    RICH = ["TEXT", "AT", "TOPIC", "EMOJI", "WEB", "BV", "AV", "OGV_SEASON", "OGV_EP", "CV", "VOTE",
            "LOTTERY", "GOODS", "VIEW_PICTURE", "MAIL", "TAOBAO", "NONE", "USER", "SEARCH_WORD",
            "FUTURE_KIND"]

    def rich_node(self):
        r = self.r
        kind = r.choice(self.RICH)
        rich = {"type": "RICH_TEXT_NODE_TYPE_" + kind}
        text = self.words()
        if kind == "AT":
            rich.update(text="@" + text + " ", rid=r.choice(["518273640", 2, "12ab", ""]))
        elif kind == "TOPIC":
            rich.update(text="#" + text + "#", jump_url="//search.bilibili.com/all?keyword=x")
        elif kind == "EMOJI":
            rich.update(text="[" + text + "]",
                        emoji={"icon_url": self.pic_url("emote"), "size": self.num(1),
                               "text": "[" + text + "]", "type": r.choice([1, 2, 3])})
        elif kind == "WEB":
            if r.random() < 0.2:
                rich.update(text="", orig_text=text)
            else:
                rich.update(text=text, orig_text="https://example.com/x")
            rich["jump_url"] = self.link()
        elif kind in ("BV", "AV", "OGV_SEASON", "OGV_EP", "CV"):
            rich.update(text=text, rid=r.choice(["BV1xx411c7mD", "123", 456]),
                        jump_url=self.link())
        elif kind == "VOTE":
            rich.update(text=text, rid=r.choice(["4518237", 4518237, "x1"]))
        elif kind == "LOTTERY":
            rich.update(text=text, rid=r.choice(["1", 1]))
        elif kind == "GOODS":
            rich.update(text=text, goods={"jump_url": self.link(), "type": 1},
                        icon_name=r.choice(["shop", "taobao"]), rid="1")
        elif kind == "VIEW_PICTURE":
            rich.update(text=text, pics=[{"src": self.pic_url(), "width": self.num(100),
                                          "height": self.num(100), "size": self.num(12.5)}
                                         for _ in range(r.randint(0, 3))])
        else:
            rich.update(text=text, orig_text=text if r.random() < 0.5 else "")
            if r.random() < 0.5:
                rich["jump_url"] = self.link()
        if r.random() < 0.1:
            rich["style"] = r.choice([None, {"font_level": "regular", "font_size": 17}])
        return {"type": "TEXT_NODE_TYPE_RICH", "rich": rich}

    def formula_node(self):
        t = self.words(empty_ok=False, newline=False)
        return {"type": "TEXT_NODE_TYPE_FORMULA",
                "formula": {"latex_content": "\\frac{a}{b} + \\text{" + t + "} < x & y"}}

    def other_node(self):
        r = self.r
        if r.random() < 0.5 and "user-node" not in AVOID:
            return {"type": "TEXT_NODE_TYPE_USER", "user": {"name": self.words(empty_ok=False), "mid": 3}}
        # unknown node type: the program keeps its text
        return {"type": "TEXT_NODE_TYPE_FUTURE", "future": {"text": self.words(empty_ok=False)}}

    def nodes(self, lo=1, hi=5):
        r = self.r
        out = []
        for _ in range(r.randint(lo, hi)):
            x = r.random()
            if x < 0.55:
                out.append(self.word_node())
            elif x < 0.85:
                out.append(self.rich_node())
            elif x < 0.95:
                out.append(self.formula_node())
            else:
                out.append(self.other_node())
        return out

    def para_text(self):
        p = {"para_type": 1, "text": {"nodes": self.nodes()}}
        self.align(p)
        return p

    def align(self, p):
        r = self.r
        x = r.random()
        if x < 0.2:
            p["align"] = r.choice([0, 1, 2, 3, 9, -1])
        elif x < 0.3:
            p["format"] = {"align": r.choice([0, 1, 2]), "indent": None}

    def para_heading(self):
        r = self.r
        if r.random() < 0.4:
            # legacy: every word bold at a big font size
            fs = r.choice([22, 24, 24, 26, 30])
            nodes = [self.word_node(bold=True, fs=fs) for _ in range(r.randint(1, 2))]
            for n in nodes:
                n["word"]["words"] = n["word"]["words"].replace("\n", " ")
            p = {"para_type": 1, "text": {"nodes": nodes}}
        else:
            level = r.choice([1, 2, 3, 4, 5, 6, 1, 2, 2, 3]) if r.random() < 0.9 else self.num(9)
            p = {"para_type": 8, "heading": {"level": level, "nodes": self.nodes(1, 2)}}
        self.align(p)
        return p

    def para_pics(self):
        r = self.r
        pics = []
        for _ in range(r.randint(0 if r.random() < 0.05 else 1, 4)):
            pics.append({"url": self.pic_url(), "width": self.num(r.choice([None, 1080])),
                         "height": self.num(r.choice([None, 720])),
                         "size": self.num(r.choice([None, 312.5])), "live_url": None})
        return {"para_type": 2, "pic": {"pics": pics, "style": r.choice([0, 1, 2, None, 7])}}

    def para_line(self):
        r = self.r
        if r.random() < 0.2:
            return {"para_type": 3, "line": {}}
        return {"para_type": 3, "line": {"pic": {"url": self.pic_url("article"), "height": self.num(10)}}}

    def para_quote(self):
        r = self.r
        if r.random() < 0.2:
            p = {"para_type": 4, "blockquote": {"children": [{"text": {"nodes": self.nodes(1, 2)}}
                                                             for _ in range(r.randint(1, 3))]}}
        else:
            p = {"para_type": 4, "text": {"nodes": self.nodes()}}
        self.align(p)
        return p

    def para_list(self):
        r = self.r
        items = []
        level = 1
        for i in range(r.randint(1, 8)):
            x = r.random()
            if x < 0.3:
                level = level + r.randint(1, 4)          # jump down several levels
            elif x < 0.6:
                level = max(1, level - r.randint(1, 5))  # and back up
            lv = level if r.random() < 0.9 else self.num(level)
            items.append({"level": lv, "order": self.num(i + 1), "nodes": self.nodes(1, 3)})
        return {"para_type": 5, "list": {"style": r.choice([1, 2, 1, 2, 0, 3]), "items": items}}

    def para_code(self):
        r = self.r
        t = self.words(empty_ok=False)
        content = r.choice([
            "#include &lt;stdio.h&gt;\nint main() { puts(&quot;%s&quot;); return 0 &amp;&amp; 1; }",
            "print(&#34;%s&#34;) # &#x27;x&#x27; &amp;lt; stays &amp;lt;",
            "<b>%s</b> & raw ' \" < > &nbsp; &unknown; &#0; &#xD800; &#1114112;",
            "  \t%s\n\n    indented\r\n",
        ])
        content = content % t       # the token has no '&': decoding leaves it whole
        lang = r.choice(["language-python", "language-c", "language-clike", "language-html",
                         "language-bash", "", None, "language-", "language-a b", "lang-<x>"])
        return {"para_type": 7, "code": {"content": content, "lang": lang}}

    CARDS = ["UGC", "COMMON", "GOODS", "VOTE", "RESERVE", "LIVE", "MUSIC", "OPUS", "MATCH",
             "UPOWER_LOTTERY", "ITEM_NULL", "FUTURE"]

    def para_card(self):
        r = self.r
        kind = r.choice(self.CARDS)
        self.begin_group()
        w = lambda: self.words(empty_ok=False, newline=False)
        if kind == "UGC":
            sub = {"cover": self.pic_url("archive"), "desc_second": w(), "duration": w(),
                   "head_text": w(), "id_str": "170001", "jump_url": self.link(),
                   "multi_line": True, "title": w()}
        elif kind == "COMMON":
            sub = {"cover": self.pic_url("game"), "desc1": w(), "desc2": w(), "head_text": w(),
                   "id_str": "1", "jump_url": self.link(), "style": 1,
                   "sub_type": r.choice(["game", "decoration", "ogv"]), "title": w(),
                   "button": {"jump_style": {"text": "进入"}}}
        elif kind == "GOODS":
            sub = {"head_icon": "", "head_text": w(), "jump_url": self.link(),
                   "items": [{"brief": w(), "cover": self.pic_url("mall"), "id": i,
                              "jump_desc": "去看看", "jump_url": self.link(), "name": w(),
                              "price": w()} for i in range(r.randint(0, 3))]}
        elif kind == "VOTE":
            sub = {"choice_cnt": 2, "default_share": 1, "desc": w(), "end_time": self.ts(),
                   "join_num": self.num(1287), "status": 1, "type": 0, "uid": 1,
                   "vote_id": self.num(4518237)}
        elif kind == "RESERVE":
            sub = {"title": w(), "jump_url": self.link(), "desc1": {"style": 0, "text": w()},
                   "desc2": {"style": 0, "text": w(), "visible": True}, "reserve_total": 326,
                   "rid": 1, "state": 0, "stype": 1, "up_mid": 1}
            if r.random() < 0.5:
                sub["desc3"] = {"text": w()}
        elif kind == "LIVE":
            sub = {"badge": {"text": w()}, "cover": self.pic_url("live"), "desc_first": w(),
                   "desc_second": w(), "id": 1, "jump_url": self.link(), "live_state": 1,
                   "reserve_type": 0, "title": w()}
        elif kind == "MUSIC":
            sub = {"cover": self.pic_url("music"), "id": 1, "jump_url": self.link(),
                   "label": w(), "title": w()}
        elif kind == "OPUS":
            sub = {"author": {"name": w(), "mid": 1}, "cover": self.pic_url(),
                   "jump_url": self.link(), "stat": {"view": self.num("31482")}, "title": w()}
        elif kind == "MATCH":
            sub = {"id_str": "1", "jump_url": self.link(), "match_info": {
                "title": w(), "sub_title": w(), "center_top": [w() for _ in range(r.randint(0, 2))],
                "center_bottom": w(), "left_team": {"name": w(), "pic": self.pic_url()},
                "right_team": {"name": w(), "pic": self.pic_url()}, "status": 1}}
        elif kind == "UPOWER_LOTTERY":
            sub = {"title": w(), "jump_url": self.link(), "rid": 1, "state": 0, "up_mid": 1,
                   "upower_level": 1, "upower_action_state": 0, "button": {},
                   "desc": {"text": w(), "jump_url": "", "style": 0}, "hint": {"text": w(), "style": 0}}
        elif kind == "ITEM_NULL":
            sub = {"text": w(), "icon": ""}
        else:
            sub = {"title": w(), "desc": w()}
        self.end_group()
        key = {"UPOWER_LOTTERY": "upower_lottery", "ITEM_NULL": "item_null"}.get(kind, kind.lower())
        card = {"oid": r.choice(["1", "undefined"]), "type": "LINK_CARD_TYPE_" + kind, key: sub}
        if r.random() < 0.05 and "typeless-card" not in AVOID:
            del card["type"]            # no type: the program guesses from the sub-object
        return {"para_type": 6, "link_card": {"card": card}}

    def para_unknown(self):
        r = self.r
        if r.random() < 0.5:
            return {"para_type": r.choice([0, 9, 42, -1, 2**40]), "text": {"nodes": self.nodes(1, 2)}}
        self.begin_group()
        p = {"para_type": r.choice([10, 99]), "future": {"title": self.words(empty_ok=False)}}
        self.end_group()
        return p

    def paragraphs(self):
        r = self.r
        n = max(1, int(r.randint(1, 30) * self.size))
        if r.random() < 0.02:
            n = r.randint(200, 600)     # a long article
        makers = [(self.para_text, 30), (self.para_heading, 14), (self.para_pics, 6),
                  (self.para_line, 3), (self.para_quote, 6), (self.para_list, 10),
                  (self.para_card, 8), (self.para_code, 5), (self.para_unknown, 2)]
        total = sum(w for _, w in makers)
        out = []
        for _ in range(n):
            x = r.uniform(0, total)
            for f, w in makers:
                x -= w
                if x <= 0:
                    out.append(f())
                    break
        return out

    def opus(self):
        r = self.r
        oid = str(r.randint(10**17, 10**19 - 1))
        mods = []
        if r.random() < 0.3:
            mods.append({"module_type": "MODULE_TYPE_TOP", "module_top": {"display": {
                "type": 1, "album": {"pics": [{"url": self.pic_url("article"), "width": self.num(1280),
                                               "height": self.num(720)}]}, "video": None}}})
        if r.random() < 0.95:
            mods.append({"module_type": "MODULE_TYPE_TITLE", "module_title": {"text": self.words("meta", empty_ok=False)}})
        if r.random() < 0.95:
            mods.append({"module_type": "MODULE_TYPE_AUTHOR", "module_author": {
                "name": self.words("meta", empty_ok=False, newline=False),
                "face": self.pic_url("face"), "mid": r.choice([428736915, "428736915", "abc"]),
                "jump_url": "//space.bilibili.com/428736915", "pub_ts": self.ts(),
                "pub_time": r.choice(["2025年04月06日 20:18", "编辑于 2024年05月19日 12:18", ""]),
                "label": "", "following": None, "views_text": ""}})
        if r.random() < 0.3:
            mods.append({"module_type": "MODULE_TYPE_COLLECTION", "module_collection": {
                "count": r.choice(["4篇", 4]), "id": r.choice([207146, "207146"]),
                "name": self.words("meta", empty_ok=False, newline=False), "title": "收录于文集"}})
        content = [{"module_type": "MODULE_TYPE_CONTENT", "module_content": {"paragraphs": self.paragraphs()}}]
        if r.random() < 0.1:
            self.begin_group()
            content.append({"module_type": "MODULE_TYPE_BLOCKED", "module_blocked": {
                "blocked_type": 1, "title": self.words(empty_ok=False),
                "hint_message": self.words(empty_ok=False),
                "icon": {"img_day": self.pic_url(), "img_dark": ""},
                "button": {"icon": "", "jump_url": self.link(), "text": self.words(empty_ok=False)}}})
            self.end_group()
        if r.random() < 0.05:
            self.begin_group()
            content.append({"module_type": "MODULE_TYPE_FUTURE",
                            "module_future": {"title": self.words(empty_ok=False)}})
            self.end_group()
        if r.random() < 0.05:
            content.append({"module_type": "MODULE_TYPE_CONTENT",
                            "module_content": {"paragraphs": self.paragraphs()}})
        mods.extend(content)
        if r.random() < 0.3:
            mods.append({"module_type": "MODULE_TYPE_TOPIC", "module_topic": {
                "id": 1, "jump_url": self.link(), "name": self.words("meta", empty_ok=False, newline=False)}})
        if r.random() < 0.5:
            mods.append({"module_type": "MODULE_TYPE_EXTEND", "module_extend": {"items": [
                {"icon": None, "icon_svg": "", "jump_url": "//search.bilibili.com/all?keyword=x",
                 "text": self.words("meta", empty_ok=False, newline=False)} for _ in range(r.randint(0, 4))]}})
        if r.random() < 0.5:
            mods.append({"module_type": "MODULE_TYPE_BOTTOM", "module_bottom": {"share_info": {
                "pic": "https://static.hdslb.com/mobile/img/app_logo.png", "summary": "摘要[图片]",
                "title": "share"}}})
        if r.random() < 0.5:
            mods.append({"module_type": "MODULE_TYPE_STAT", "module_stat": {
                k: {"count": self.num(12), "forbidden": False} for k in
                ("coin", "comment", "favorite", "forward", "like")}})
        if r.random() < 0.1:
            mods.append({"module_type": "MODULE_TYPE_MORE", "module_more": {"three_point_items": []}})
        # metadata modules in any order around the content (the order is not a promise)
        if r.random() < 0.2:
            # the modules that hold body text keep their order (it is the reading order)
            body = [m for m in mods if m["module_type"] in BODY_MODULES]
            r.shuffle(mods)
            it = iter(body)
            mods = [next(it) if m["module_type"] in BODY_MODULES else m for m in mods]
        basic = {"comment_id_str": oid, "comment_type": r.choice([11, 12, 17]),
                 "rid_str": r.choice(["41285730", "x"]), "title": "标题 - 哔哩哔哩", "uid": 1,
                 "like_icon": {"action_url": "", "end_url": "", "id": 0, "start_url": ""}}
        return {"code": 0, "message": "0", "ttl": 1,
                "data": {"item": {"basic": basic, "id_str": oid, "modules": mods, "type": 1}}}

    # --- x/article/view ------------------------------------------------------------------

    def cv_envelope(self, type_, content):
        r = self.r
        cid = r.randint(1, 45000000)
        cats = []
        if r.random() < 0.7:
            cats = [{"id": 3, "name": self.words("meta", empty_ok=False, newline=False), "parent_id": 0}]
            if r.random() < 0.7:
                cats.append({"id": 15, "name": self.words("meta", empty_ok=False, newline=False), "parent_id": 3})
        data = {
            "id": cid, "title": self.words("meta", empty_ok=False, newline=False),
            "summary": "摘要", "banner_url": r.choice(["", self.pic_url("article")]),
            "author": {"mid": r.choice([20002, "20002"]), "name": self.words("meta", empty_ok=False, newline=False),
                       "face": self.pic_url("face")},
            "publish_time": self.ts(), "ctime": self.ts(), "mtime": self.ts(),
            "category": {"id": 15, "name": cats[-1]["name"] if cats else "日常", "parent_id": 3},
            "categories": cats,
            "tags": [{"tid": i, "name": self.words("meta", empty_ok=False, newline=False)}
                     for i in range(r.randint(0, 3))],
            "stats": {k: self.num(5) for k in ("view", "favorite", "like", "dislike", "reply",
                                                "share", "coin", "dynamic")},
            "words": self.num(888), "image_urls": [], "origin_image_urls": [], "original": 1,
            "reprint": 0, "dyn_id_str": r.choice(["", "1047362918573064199"]), "type": type_,
            "content": content, "keywords": "", "template_id": 4,
        }
        if not cats:
            # the category alone is shown when there is no path
            data["category"]["name"] = self.words("meta", empty_ok=False, newline=False)
        if r.random() < 0.4:
            data["list"] = {"id": 1, "name": self.words("meta", empty_ok=False, newline=False),
                            "summary": "", "image_url": ""}
        if type_ == 3:
            data["opus"] = {"opus_id": 1, "opus_source": 2, "title": "编辑器", "content": {"paragraphs": [
                {"para_type": 1, "text": {"nodes": [{"node_type": 1, "word": {"words": "编辑器格式"}}]}}]},
                "pub_info": {"uid": 1, "pub_time": 1}}
        return {"code": 0, "message": "0", "ttl": 1, "data": data}

    def esc(self, s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

    def html_inline(self, depth=0):
        r = self.r
        out = []
        for _ in range(r.randint(1, 4)):
            x = r.random()
            if depth > 2:
                x = 0
            if x < 0.75 or x >= 0.9:
                t = self.esc(self.words())
                if r.random() < 0.1:
                    t = t.replace("\n", "<br>")
            if x < 0.4:
                out.append(t)
            elif x < 0.5:
                out.append("<strong>%s</strong>" % t)
            elif x < 0.55:
                out.append('<span style="text-decoration: line-through;">%s</span>' % t)
            elif x < 0.6:
                out.append('<span class="font-size-%s">%s</span>' % (r.choice(["12", "16", "20", "24", "99999999999"]), t))
            elif x < 0.65:
                out.append('<span class="color-%s">%s</span>' % (r.choice(["blue-01", "pink-03", "nope-9", "default"]), t))
            elif x < 0.75:
                out.append('<a href="%s">%s</a>' % (self.esc(self.link()), t))
            elif x < 0.8:
                tok = self.words(empty_ok=False, newline=False)
                out.append('<img class="latex" alt="%s">' % urllib.parse.quote(("x^2 + " + tok).encode("utf-8", "surrogatepass")))
            elif x < 0.85:
                out.append("<em><u>%s</u></em>" % self.html_inline(depth + 1))
            elif x < 0.9:
                tok = self.token()
                self.register(tok, "hidden")
                out.append(r.choice(["<script>var a = '%s';</script>", "<style>.x{content:'%s'}</style>",
                                     "<iframe>%s</iframe>", "<textarea>%s</textarea>"]) % tok)
            else:
                out.append("%s &#x1F600; &lt;&gt; &amp;amp; &nbsp;&#0;&#xFFFE;&bogus;" % t)
        return "".join(out)

    def html_list(self, depth):
        r = self.r
        tag = r.choice(["ol", "ul"])
        items = []
        for _ in range(r.randint(1, 4)):
            it = self.html_inline()
            if depth < 6 and r.random() < 0.3:
                it += self.html_list(depth + 1)
            if r.random() < 0.1:
                it += "<p>%s</p>" % self.html_inline()
            items.append("<li>%s</li>" % it)
        return "<%s>%s</%s>" % (tag, "".join(items), tag)

    def html_code(self):
        r = self.r
        t = self.words(empty_ok=False)
        code = r.choice(["int main() { return \"%s\" < 1 && 2 > 0; }", "<div>%s</div>&amp;", "  %s\n\n\tx"]) % t
        enc = urllib.parse.quote(code.encode("utf-8", "surrogatepass"), safe="")
        lang = r.choice(["language-python@python", "language-c@c", "", "@", "language-@"])
        return ('<figure class="code-box" contenteditable="false"><pre class="language-x" data-lang="%s" '
                'codecontent="%s">%s</pre></figure>' % (lang, enc, self.esc(code)))

    def html_block(self, depth=0):
        r = self.r
        x = r.random()
        if x < 0.35:
            al = r.choice(["", "", ' style="text-align: center;"', ' style="text-align: right;"'])
            return "<p%s>%s</p>" % (al, self.html_inline())
        if x < 0.5:
            lv = r.choice([1, 1, 2, 3, 4, 5, 6])
            return "<h%d>%s</h%d>" % (lv, self.html_inline(2), lv)
        if x < 0.6:
            return self.html_list(1)
        if x < 0.7 and depth < 3:
            inner = "".join(r.choice([lambda: "<p>%s</p>" % self.html_inline(), lambda: self.html_list(1),
                                      self.html_code, lambda: self.html_block(depth + 1)])()
                            for _ in range(r.randint(1, 3)))
            return "<blockquote>%s</blockquote>" % inner
        if x < 0.77:
            cap = self.esc(self.words()) if r.random() < 0.7 else ""
            return ('<figure class="img-box" contenteditable="false"><img data-src="%s" width="%s" height="%s">'
                    '<figcaption class="caption">%s</figcaption></figure>'
                    % (self.pic_url("article"), self.num(800), self.num(600), cap))
        if x < 0.8:
            return '<figure class="img-box"><img class="cut-off-%d" data-src="%s"></figure>' % (
                r.randint(1, 6), self.pic_url("article"))
        if x < 0.85:
            cls = r.choice(["video-card nomal", "article-card", "fanju-card", "music-card", "shop-card",
                            "caricature-card", "live-card", "future-card"])
            return '<figure class="img-box"><img class="%s" aid="%s" data-src="%s"></figure>' % (
                cls, r.choice(["170001", "au3", "", "1,2", "<x>"]), self.pic_url("archive"))
        if x < 0.92:
            return self.html_code()
        if x < 0.95:
            return "<hr>"
        if x < 0.97:
            return "<div><section>%s</section></div>" % self.html_block(depth + 1)
        return "<table><tr><td>%s</td></tr></table>" % self.html_inline()

    def article_html(self):
        r = self.r
        n = max(1, int(r.randint(1, 30) * self.size))
        body = "".join(self.html_block() for _ in range(n))
        if r.random() < 0.05:
            body = body[: r.randint(0, len(body))]      # cut anywhere: unclosed markup
            # the tokens cut off may be missing or partly shown: excuse all
            self.excuse_all = True
        return self.cv_envelope(0, body)

    def article_delta(self):
        r = self.r
        ops = []
        n = max(1, int(r.randint(1, 30) * self.size))
        indent = 0
        for _ in range(n):
            x = r.random()
            if x < 0.85:
                for _ in range(r.randint(1, 3)):
                    attrs = {}
                    for k in ("bold", "italic", "strike", "underline"):
                        if r.random() < 0.15:
                            attrs[k] = True
                    if r.random() < 0.1:
                        attrs["color"] = r.choice(["#ee230d", "red", "#zzz"])
                    if r.random() < 0.1:
                        attrs["link"] = self.link()
                    if r.random() < 0.05:
                        op = {"insert": {"formula": "a+" + self.words(empty_ok=False, newline=False)}}
                    else:
                        op = {"insert": self.words()}
                    if attrs:
                        op["attributes"] = attrs
                    ops.append(op)
                y = r.random()
                battrs = {}
                if y < 0.15:
                    battrs["header"] = r.choice([1, 2, 3, 4, 5, 6, 2, 0, 99, -1])
                elif y < 0.35:
                    battrs["list"] = r.choice(["bullet", "ordered", "checked"])
                    if r.random() < 0.5:
                        indent = max(0, indent + r.choice([-3, -1, 0, 1, 2, 4]))
                        battrs["indent"] = indent if r.random() < 0.9 else self.num(indent)
                elif y < 0.45:
                    battrs["blockquote"] = True
                    if r.random() < 0.3:
                        battrs["list"] = "bullet"
                elif y < 0.5:
                    battrs["code-block"] = r.choice([True, "python", "plain"])
                if r.random() < 0.2:
                    battrs["align"] = r.choice(["center", "right", "justify", "middle"])
                ops.append({"attributes": battrs, "insert": "\n"} if battrs else {"insert": "\n"})
            else:
                emb = r.choice([
                    {"native-image": {"alt": "read-normal-img", "url": self.pic_url("new_dyn"),
                                      "width": self.num(1280), "height": self.num(853),
                                      "size": self.num(204800), "status": "loaded"}},
                    {"cut-off": {"type": "1", "url": self.pic_url("article")}},
                    {"video-card": {"id": "av170001", "url": self.pic_url("archive"), "tid": 4}},
                    {"article-card": {"id": "cv10001"}}, {"vote-card": {"id": "80008"}},
                    {"live-card": {"id": "lv60006"}}, {"goods-card": {"id": "1"}},
                    {"mall-card": {"id": "2"}}, {"future-card": {"id": "3"}},
                ])
                op = {"insert": emb}
                if "native-image" in emb:
                    op["attributes"] = {"class": "normal-img"}
                ops.append(op)
        content = {"ops": ops}
        return self.cv_envelope(3, json.dumps(content, ensure_ascii=False))

    # --- mutations ---------------------------------------------------------------------------

    ESSENTIAL = {("code",), ("data",), ("data", "item"), ("data", "item", "id_str"),
                 ("data", "item", "modules"), ("data", "content"), ("data", "id"), ("data", "type")}

    def mutate_doc(self, doc):
        r = self.r
        muts = []
        excused = set()
        if r.random() >= self.mutate:
            return doc, muts, excused
        slots = []

        def walk(v, path):
            if isinstance(v, dict):
                for k in list(v):
                    slots.append((path, k))
                    walk(v[k], path + [k])
            elif isinstance(v, list):
                for i in range(len(v)):
                    slots.append((path, i))
                    walk(v[i], path + [i])
        walk(doc, [])
        for _ in range(r.randint(1, 3)):
            if not slots:
                break
            path, key = r.choice(slots)
            parent = doc
            try:
                for k in path:
                    parent = parent[k]
                old = parent[key]
            except (KeyError, IndexError, TypeError):
                continue
            kind = r.choice(["null", "null", "missing", "type", "type"])
            if isinstance(parent, list) and kind == "missing":
                kind = "null"
            full = tuple(path) + (key,)
            if kind == "null":
                parent[key] = None
            elif kind == "missing":
                del parent[key]
            else:
                parent[key] = self.wrong(old)
            pstr = "".join("[%d]" % k if isinstance(k, int) else ("." if i else "") + k
                           for i, k in enumerate(full))
            may = kind == "type" or full in self.ESSENTIAL
            # a module's type or body gone: may leave nothing to archive
            if len(full) >= 4 and full[:3] == ("data", "item", "modules"):
                mod = doc["data"]["item"]["modules"]
                m = mod[full[3]] if isinstance(mod, list) and isinstance(full[3], int) and full[3] < len(mod) else None
                if len(full) == 4 or (len(full) == 5 and full[4] in ("module_type", "module_content")):
                    may = may or not isinstance(m, dict) or m.get("module_type") in (None, "MODULE_TYPE_CONTENT") \
                        or isinstance(old, dict) and old.get("module_type") == "MODULE_TYPE_CONTENT" \
                        or old == "MODULE_TYPE_CONTENT"
            muts.append({"path": pstr, "kind": kind, "may_refuse": bool(may)})
            # every token under the changed object (or array element) is excused
            holder = old if isinstance(parent, list) else parent
            excused |= set(self.tokens_in(holder if kind != "missing" else parent))
            excused |= set(self.tokens_in(old))
            if full[:2] == ("data", "content"):
                excused |= set(self.tokens_in(doc))
        return doc, muts, excused

    def wrong(self, v):
        r = self.r
        if isinstance(v, bool):
            return r.choice(["yes", 1.5, []])
        if isinstance(v, (int, float)):
            return r.choice(["12x", True, {}, [1]])
        if isinstance(v, str):
            return r.choice([12, True, {"a": v}, [v]])
        if isinstance(v, list):
            return r.choice([{"0": 1}, "[]", 0])
        if isinstance(v, dict):
            return r.choice([[1], "{}", 3, True])
        return r.choice([{"x": []}, "null", 0])

    def tokens_in(self, v):
        out = []

        def walk(x):
            if isinstance(x, str):
                i = x.find(TOKEN_PREFIX)
                while i >= 0:
                    out.append(x[i:i + 7])
                    i = x.find(TOKEN_PREFIX, i + 1)
            elif isinstance(x, dict):
                for y in x.values():
                    walk(y)
            elif isinstance(x, list):
                for y in x:
                    walk(y)
        walk(v)
        if isinstance(v, str) and v.startswith("{\"ops\""):
            pass
        return out

    # --- the whole response ----------------------------------------------------------------

    def build(self):
        self.excuse_all = False
        if self.kind == "opus":
            doc = self.opus()
        elif self.kind == "html":
            doc = self.article_html()
        else:
            doc = self.article_delta()
        present = set(self.tokens_in(doc))
        lost = [t for t, _ in self.body if t not in present] + [t for t in self.meta if t not in present]
        assert not lost or self.excuse_all, "generator bug: tokens registered but not written: %s" % lost[:5]
        doc, muts, excused = self.mutate_doc(doc)
        if self.excuse_all:
            excused |= {t for t, _ in self.body} | set(self.hidden)
        text = json.dumps(doc, ensure_ascii=self.r.random() < 0.3)
        body = [[t, k] for t, k in self.body if t not in excused]
        meta = [t for t in self.meta if t not in excused]
        exp = {"seed": self.seed, "kind": self.kind, "body": body, "meta": meta,
               "hidden": [t for t in self.hidden if t not in excused],
               "excused": sorted(excused), "mutations": muts}
        return text.encode("utf-8", "surrogatepass"), exp


def generate(seed, kind=None, mutate=0.3, size=1.0):
    return Gen(seed, kind, mutate, size).build()


def corpus(out, kind, count, max_bytes, seed, mutate, prefix=False):
    """Write count small responses of kind into out, named by their SHA-1 (as libFuzzer does).
    With prefix, the cv harness's short form: 'H' + the HTML body or 'D' + the delta."""
    import hashlib
    os.makedirs(out, exist_ok=True)
    n = 0
    while n < count:
        data, _ = generate(seed, kind, mutate, 0.25)
        seed += 1
        if prefix:
            doc = json.loads(data.decode("utf-8", "surrogatepass"))
            content = doc["data"].get("content") if isinstance(doc.get("data"), dict) else None
            if not isinstance(content, str):
                continue
            data = (b"H" if kind == "html" else b"D") + content.encode("utf-8", "surrogatepass")
        if len(data) > max_bytes:
            continue
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
        n += 1
    return seed


def main(argv):
    import argparse
    if argv and argv[0] == "--corpus":
        # gen.py --corpus DIR KIND COUNT [MAX_BYTES [FIRST_SEED [MUTATE [prefix]]]]
        a = argv[1:] + [None] * 6
        corpus(a[0], a[1], int(a[2]), int(a[3] or 6000), int(a[4] or 1), float(a[5] or 0.3),
               a[6] == "prefix")
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seed", type=int)
    ap.add_argument("-o", "--output")
    ap.add_argument("--kind", choices=["opus", "html", "delta"])
    ap.add_argument("--mutate", type=float, default=0.3)
    ap.add_argument("--size", type=float, default=1.0)
    a = ap.parse_args(argv)
    data, exp = generate(a.seed, a.kind, a.mutate, a.size)
    if a.output:
        with open(a.output, "wb") as f:
            f.write(data)
        base = a.output[:-5] if a.output.endswith(".json") else a.output
        with open(base + ".tokens", "w") as f:
            json.dump(exp, f, indent=0)
            f.write("\n")
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
