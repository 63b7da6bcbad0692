#!/usr/bin/env python3
"""Write the composed opus/detail responses of tests/md.sh (tests/md/*.json).

Run from anywhere: python3 tests/md/make-cases.py.  Each case is a small
response an editor could have produced, built to break a Markdown writer:
every character Markdown, HTML, YAML or the tools that read them take as
syntax, in a title, a word, a list item, a heading, a quote, a link's text
and a code block; and every paragraph type with its nesting.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def word(text, **style):
    return {"type": "TEXT_NODE_TYPE_WORD", "word": {"words": text, "font_size": 17, "style": style}}


def rich(kind, text, url=None, **kw):
    r = {"type": kind, "text": text, "orig_text": text}
    if url is not None:
        r["jump_url"] = url
    r.update(kw)
    return {"type": "TEXT_NODE_TYPE_RICH", "rich": r}


def para(nodes):
    return {"para_type": 1, "text": {"nodes": nodes}}


def response(oid, title, paragraphs, tags=(), author="作者"):
    modules = [
        {"module_type": "MODULE_TYPE_TITLE", "module_title": {"text": title}},
        {"module_type": "MODULE_TYPE_AUTHOR", "module_author": {
            "name": author, "mid": 42, "jump_url": "//space.bilibili.com/42",
            "pub_ts": 1743566719, "pub_time": "2025年04月02日 12:05"}},
        {"module_type": "MODULE_TYPE_CONTENT", "module_content": {"paragraphs": paragraphs}},
    ]
    if tags:
        modules.append({"module_type": "MODULE_TYPE_EXTEND", "module_extend": {
            "items": [{"text": t, "jump_url": "//search.bilibili.com/all?keyword=x"} for t in tags]}})
    return {"code": 0, "message": "0", "ttl": 1, "data": {"item": {
        "id_str": oid, "basic": {"rid_str": oid, "title": title}, "modules": modules}}}


# Every metacharacter the issue names, and a few more that tools take as syntax.
META = ["*star*", "_under_", "# hash", "1. one", "2) two", "<b>tag</b>", "a > b", "AT&T",
        "&amp; &copy;", "`tick`", "[brackets]", "a | b", "back\\slash", "~~tilde~~",
        "$5 and $6", "==mark==", "%%hidden%%", "{{< shortcode >}}", "@cite", "^sup^",
        "- dash", "+ plus", "= equals", "---", "***", "___", ">quote", "    four spaces",
        "\ttab", "[x](javascript:alert(1))", "<script>alert(1)</script>",
        "![img](http://evil.example/x.png)", "<http://evil.example>", "\\*escaped\\*",
        "line\u2028sep", "para\u2029sep", "[link]: http://evil.example"]

HOSTILE_TITLE = "[x](javascript:alert(1)) <script>alert(1)</script> *t* _u_ `c` \\ \"q\" #h\n---\nmalicious: yaml \u2028 \u0085"


def hostile():
    ps = [para([word(m)]) for m in META]
    ps.append(para([word("bold " + m, bold=True) for m in META[:6]]))
    ps.append({"para_type": 8, "heading": {"level": 1, "nodes": [word("# heading *with* [meta] `x` | y")]}})
    ps.append({"para_type": 4, "text": {"nodes": [word("> quoted " + m) for m in META[:8]]}})
    ps.append({"para_type": 5, "list": {"style": 2, "items": [
        {"level": 1, "order": 1, "nodes": [word(m)]} for m in META[:12]]}})
    ps.append({"para_type": 5, "list": {"style": 1, "items": [
        {"level": 1, "order": i + 1, "nodes": [word(m)]} for i, m in enumerate(META[12:24])]}})
    ps.append({"para_type": 7, "code": {"lang": "c`x\n~~~", "content":
               "```\nint a = b * c; /* _x_ */\n````\n~~~\n    indented\n<script>&amp;&lt;\n---"}})
    ps.append(para([rich("RICH_TEXT_NODE_TYPE_WEB", "[t](javascript:x) *a* `b`",
                         "https://example.com/a(b)c d<e>&amp;f\\g")]))
    ps.append(para([rich("RICH_TEXT_NODE_TYPE_WEB", "not a web link", "javascript:alert(1)")]))
    ps.append(para([word("plain https://example.com/a_b_c*d~e#f?g=h&i=j. and www.example.org/x_y, done")]))
    return response("900000000000000001", HOSTILE_TITLE, ps, tags=["tag \"q\"", "#t*", "a\\b"])


def structure():
    ps = [
        {"para_type": 8, "heading": {"level": 1, "nodes": [word("一级标题")]}},
        para([word("普通"), word("粗体", bold=True), word("斜体", italic=True), word("删除", strikethrough=True),
              word("「标点」", bold=True), word("粗斜", bold=True, italic=True), word("紧接", bold=True),
              word("下划", underline=True), word("彩色", color="#ff0000")]),
        {"para_type": 8, "heading": {"level": 2, "nodes": [word("二级标题")]}},
        {"para_type": 5, "list": {"style": 1, "items": [
            {"level": 1, "order": 1, "nodes": [word("甲")]},
            {"level": 2, "order": 1, "nodes": [word("甲一")]},
            {"level": 3, "order": 1, "nodes": [word("甲一子")]},
            {"level": 2, "order": 2, "nodes": [word("甲二")]},
            {"level": 1, "order": 2, "nodes": [word("乙")]},
            {"level": 1, "order": 5, "nodes": [word("戊（跳号）")]},
            {"level": 3, "order": 1, "nodes": [word("跳级")]},
            {"level": 1, "order": 6, "nodes": [word("己")]},
        ]}},
        {"para_type": 5, "list": {"style": 2, "items": [
            {"level": 1, "order": 1, "nodes": [word("紧接的无序列表")]},
            {"level": 2, "order": 1, "nodes": [word("子项")]},
        ]}},
        {"para_type": 5, "list": {"style": 2, "items": [
            {"level": 1, "order": 1, "nodes": [word("又一个无序列表")]},
        ]}},
        {"para_type": 4, "text": {"nodes": [word("引用第一行\n引用第二行"), word("引用加重", bold=True)]}},
        {"para_type": 3, "line": {"pic": {"url": ""}}},
        {"para_type": 7, "code": {"lang": "python", "content": "def f():\n    return '```'\n"}},
        para([word("公式 "), {"type": "TEXT_NODE_TYPE_FORMULA", "formula": {"latex_content": "a<b>c $x$ [y](z)"}},
              word(" 之后")]),
        para([rich("RICH_TEXT_NODE_TYPE_AT", "@某人", "//space.bilibili.com/7", rid="7"),
              word(" 和 "), rich("RICH_TEXT_NODE_TYPE_TOPIC", "#话题#", "//search.bilibili.com/all?keyword=t")]),
        {"para_type": 99, "text": {"nodes": [word("未知段落类型的文字")]}},
    ]
    return response("900000000000000002", "结构", ps, tags=["标签"])


def line_starts():
    """What starts a block only at the start of a line, after a line break in a paragraph."""
    lines = ["-5度", "+1", "2.3万", "- x", "-", "--x", "1.", "=", "==", "1)x", "# x", "> x",
             "    code?", "***", "| a | b |", "|---|---|", "<div>", "```", "~~~", "[a]: http://x.example"]
    return response("900000000000000003", "行首", [
        para([word("\n".join(lines))]),
        {"para_type": 5, "list": {"style": 2, "items": [
            {"level": 1, "order": 1, "nodes": [word("\n".join(lines))]}]}},
        {"para_type": 4, "text": {"nodes": [word("\n".join(lines))]}},
    ])


def main():
    for name, resp in (("hostile", hostile()), ("structure", structure()),
                       ("line-starts", line_starts())):
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(resp, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
