#!/usr/bin/python3
"""Local HTTPS stand-in for api.bilibili.com and the Bilibili image CDN.

Used by the test suite so that nothing ever touches the internet.  Standard
library only, plus the `openssl` command for the throwaway certificates.
See tests/README-server.md for the interface; in short:

    python3 tests/bili-server.py --state-dir DIR [--data-dir DIR] [--port 0]

writes DIR/ca.pem (trust this), DIR/port (once listening), logs every request
to DIR/requests.log and reads fault-injection rules from DIR/faults.json.
"""

import argparse
import base64
import functools
import hashlib
import http.server
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import zlib

PROG = "bili-server"

API_HOSTS = {"api.bilibili.com"}
WWW_HOSTS = {"www.bilibili.com", "m.bilibili.com"}
SAN_DNS = [
    "api.bilibili.com", "www.bilibili.com", "m.bilibili.com",
    "t.bilibili.com", "space.bilibili.com", "b23.tv",
    "*.hdslb.com", "i0.hdslb.com", "i1.hdslb.com", "i2.hdslb.com",
    "static.hdslb.com", "*.biliimg.com", "album.biliimg.com", "localhost",
]
SAN_IP = ["127.0.0.1"]

# Default messages for the "api_code" fault and the envelopes (spec §1.6).
API_MESSAGES = {
    -101: "账号未登录",
    -352: "风控校验失败",
    -400: "请求错误",
    -403: "访问权限不足",
    -404: "啥都木有",
    -412: "请求被拦截",
    -500: "服务器错误",
    -503: "过载保护,服务暂不可用",
    -504: "服务调用超时",
    -509: "请求过于频繁，请稍后再试",
    -799: "请求过于频繁，请稍后再试",
}

FAULTS = {
    "status", "429", "api_code", "reset", "truncate", "slow", "hang",
    "webp", "avif", "oversize", "notimage", "empty", "redirect",
    "garbage_json", "latency",
}
DELAY_FAULTS = {"slow", "latency"}   # these add up and never end the search

CTYPES = {
    "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "avif": "image/avif",
}
EXT_FMT = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif",
           "webp": "webp", "avif": "avif"}
SUFFIX_FMT = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp",
              "avif": "avif", "avg_color": "avg_color"}
JSON_CT = "application/json; charset=utf-8"

STOP = threading.Event()
VERBOSE = False


def warn(msg):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.stderr.flush()


# --------------------------------------------------------------------------
# Pictures.  Every generator makes a valid 8x8 image of one colour; the
# colour comes from the URL so different URLs give different bytes.

SIZE = 8


def png_bytes(rgb, w=SIZE, h=SIZE):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def gif_bytes(rgb, w=SIZE, h=SIZE):
    # 4-colour global table, colour 0 = rgb.  The LZW stream sends literals
    # only and a clear code every two pixels, so the code size stays 3 bits.
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", w, h, 0xF1, 0, 0)
    out += bytes(rgb) + b"\x00\x00\x00" + b"\xff\xff\xff" + b"\x80\x80\x80"
    out += b"," + struct.pack("<HHHHB", 0, 0, w, h, 0)
    out += b"\x02"                      # LZW minimum code size
    codes = []
    for i in range(w * h):
        if i % 2 == 0:
            codes.append(4)             # clear
        codes.append(0)
    codes.append(5)                     # end of information
    acc = nbits = 0
    data = bytearray()
    for c in codes:
        acc |= c << nbits
        nbits += 3
        while nbits >= 8:
            data.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        data.append(acc & 0xFF)
    for i in range(0, len(data), 255):
        block = data[i:i + 255]
        out += bytes([len(block)]) + block
    out += b"\x00;"
    return bytes(out)


def _huff_codes(counts, symbols):
    """Canonical JPEG Huffman codes: {symbol: (code, length)}."""
    codes = {}
    code = 0
    k = 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            codes[symbols[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


def jpeg_bytes(rgb, w=SIZE, h=SIZE):
    """Baseline JFIF, 4:4:4, one flat colour: only DC coefficients."""
    r, g, b = rgb
    comps = [0.299 * r + 0.587 * g + 0.114 * b,
             -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
             0.5 * r - 0.418688 * g - 0.081312 * b + 128]
    # With all quantisers 8, the quantised DC of a flat block is value-128.
    dcs = [max(-128, min(127, int(round(v - 128)))) for v in comps]
    dc_counts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    dc_syms = list(range(12))
    ac_counts = [1] + [0] * 15
    ac_syms = [0x00]                    # only EOB is ever needed
    dc_codes = _huff_codes(dc_counts, dc_syms)
    eob = _huff_codes(ac_counts, ac_syms)[0]

    bits = []

    def put(code, length):
        for i in range(length - 1, -1, -1):
            bits.append((code >> i) & 1)

    prev = [0, 0, 0]
    mcus = ((w + 7) // 8) * ((h + 7) // 8)
    for _ in range(mcus):
        for ci in range(3):
            diff = dcs[ci] - prev[ci]
            prev[ci] = dcs[ci]
            s = abs(diff).bit_length()
            put(*dc_codes[s])
            if s:
                put(diff if diff > 0 else diff + (1 << s) - 1, s)
            put(*eob)
    while len(bits) % 8:
        bits.append(1)
    scan = bytearray()
    for i in range(0, len(bits), 8):
        byte = 0
        for bit in bits[i:i + 8]:
            byte = (byte << 1) | bit
        scan.append(byte)
        if byte == 0xFF:
            scan.append(0x00)

    def seg(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    out = b"\xff\xd8"
    out += seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += seg(0xDB, b"\x00" + b"\x08" * 64)
    out += seg(0xC0, struct.pack(">BHHB", 8, h, w, 3)
               + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    out += seg(0xC4, b"\x00" + bytes(dc_counts) + bytes(dc_syms)
               + b"\x10" + bytes(ac_counts) + bytes(ac_syms))
    out += seg(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    out += bytes(scan) + b"\xff\xd9"
    return out


def webp_bytes(rgb, w=SIZE, h=SIZE):
    """Lossless (VP8L) WebP of one colour: five one-symbol prefix codes, so
    the pixels themselves take zero bits."""
    acc = 0
    nbits = 0

    def put(value, n):
        nonlocal acc, nbits
        acc |= (value & ((1 << n) - 1)) << nbits
        nbits += n

    put(0x2F, 8)
    put(w - 1, 14)
    put(h - 1, 14)
    put(0, 1)           # alpha_is_used
    put(0, 3)           # version
    put(0, 1)           # no transform
    put(0, 1)           # no colour cache
    put(0, 1)           # no meta prefix codes
    r, g, b = rgb
    for sym in (g, r, b, 255, 0):       # green, red, blue, alpha, distance
        put(1, 1)       # simple code
        put(0, 1)       # one symbol
        if sym < 2:
            put(0, 1)
            put(sym, 1)
        else:
            put(1, 1)
            put(sym, 8)
    data = acc.to_bytes((nbits + 7) // 8, "little")
    chunk = b"VP8L" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        chunk += b"\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


# An 8x8 AVIF made once with ImageMagick (`convert -size 8x8 xc:#3366cc
# t.avif`); AV1 is far too much to encode here.
AVIF_HEX = (
    "0000001c667479706176696600000000617669666d6966316d696166000000ea6d657461"
    "000000000000002168646c72000000000000000070696374000000000000000000000000"
    "000000000e7069746d00000000000100000022696c6f6300000000444000010001000000"
    "00010e0001000000000000001b0000002369696e6600000000000100000015696e666502"
    "0000000001000061763031000000006a697072700000004b6970636f00000013636f6c72"
    "6e636c78000200020006800000000c6176314381000c0000000014697370650000000000"
    "00000800000008000000107069786900000000030808080000001769706d610000000000"
    "00000100010481820384000000236d64617412000a051808bf6042321018000a28a28400"
    "00b01253b444e26380")
AVIF = bytes.fromhex(AVIF_HEX)


@functools.lru_cache(maxsize=512)
def picture(fmt, rgb):
    if fmt == "png":
        return png_bytes(rgb)
    if fmt == "gif":
        return gif_bytes(rgb)
    if fmt == "jpeg":
        return jpeg_bytes(rgb)
    if fmt == "webp":
        return webp_bytes(rgb)
    if fmt == "avif":
        return AVIF
    raise ValueError(fmt)


def colour_for(key):
    d = hashlib.sha1(key.encode("utf-8", "surrogateescape")).digest()
    return (d[0], d[1], d[2])


def sniff(data):
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    s = data.lstrip()[:1]
    if s in (b"{", b"["):
        return JSON_CT
    if s == b"<":
        return "text/html; charset=utf-8"
    return "application/octet-stream"


def fmt_of_ctype(ctype):
    for fmt, ct in CTYPES.items():
        if ctype and ctype.startswith(ct):
            return fmt
    return None


def ext_fmt(path):
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    return EXT_FMT.get(name.rsplit(".", 1)[1].lower())


def suffix_fmt(params):
    if "." not in params:
        return None
    return SUFFIX_FMT.get(params.rsplit(".", 1)[1].lower())


# --------------------------------------------------------------------------
# Responses

class Resp:
    def __init__(self, status=200, ctype=None, body=b"", headers=None,
                 stream_len=None, stream=None):
        self.status = status
        self.headers = list(headers or [])
        if ctype:
            self.headers.insert(0, ("Content-Type", ctype))
        self.body = body
        self.stream_len = stream_len    # with stream: an iterator factory
        self.stream = stream
        self.close = False

    def ctype(self):
        for k, v in self.headers:
            if k.lower() == "content-type":
                return v
        return None

    def set_ctype(self, ctype):
        self.headers = [(k, v) for k, v in self.headers
                        if k.lower() != "content-type"]
        self.headers.insert(0, ("Content-Type", ctype))


def jresp(obj, status=200, headers=None):
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Resp(status, JSON_CT, body, headers)


def envelope(code, message=None, data=None):
    if message is None:
        message = API_MESSAGES.get(code, "错误")
    return jresp({"code": code, "message": message, "ttl": 1, "data": data})


def text_resp(status, text, ctype="text/plain; charset=utf-8", headers=None):
    return Resp(status, ctype, text.encode(), headers)


def not_found():
    return text_resp(404, "404 Not Found\n")


def status_page(code):
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    return ("<html><head><title>%d %s</title></head><body><h1>%d %s</h1>"
            "</body></html>\n" % (code, phrase, code, phrase))


# --------------------------------------------------------------------------
# Fault rules

class Faults:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.ident = None
        self.seen = {}       # rule index -> matching requests so far
        self.applied = {}    # rule index -> times applied

    def load(self):
        """Returns (rules, error).  Counters restart whenever the file is
        replaced or rewritten."""
        last_err = None
        for attempt in range(5):
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                return [], None
            except OSError as e:
                return [], str(e)
            ident = (st.st_ino, st.st_mtime_ns, st.st_size)
            try:
                with open(self.path, "rb") as f:
                    text = f.read()
                rules = json.loads(text.decode("utf-8")) if text.strip() else []
                if isinstance(rules, dict):
                    rules = rules.get("rules", [rules] if "fault" in rules else [])
                if not isinstance(rules, list):
                    raise ValueError("faults.json must hold a list of rules")
                with self.lock:
                    if ident != self.ident:
                        self.ident = ident
                        self.seen = {}
                        self.applied = {}
                return rules, None
            except FileNotFoundError:
                return [], None
            except (ValueError, UnicodeDecodeError, OSError) as e:
                last_err = "faults.json: %s" % e
                time.sleep(0.02)    # maybe caught in the middle of a write
        return [], last_err

    @staticmethod
    def matches(rule, method, host, target):
        if not isinstance(rule, dict) or rule.get("fault") not in FAULTS:
            return False
        if "host" in rule and str(rule["host"]).lower() != host:
            return False
        if "method" in rule and str(rule["method"]).upper() != method:
            return False
        pat = rule.get("path")
        if pat is not None:
            pat = str(pat)
            if pat.startswith("re:"):
                try:
                    if not re.search(pat[3:], target):
                        return False
                except re.error:
                    return False
            elif pat not in target:
                return False
        return True

    def decide(self, method, host, target):
        """Returns (delay seconds, terminal rule or None, names, error)."""
        rules, err = self.load()
        delay = 0.0
        terminal = None
        names = []
        with self.lock:
            for i, rule in enumerate(rules):
                if not self.matches(rule, method, host, target):
                    if isinstance(rule, dict) and rule.get("fault") not in FAULTS:
                        err = err or "faults.json: unknown fault %r" % rule.get("fault")
                    continue
                is_delay = rule["fault"] in DELAY_FAULTS
                if terminal is not None and not is_delay:
                    continue
                self.seen[i] = self.seen.get(i, 0) + 1
                if self.seen[i] <= int(rule.get("after", 0) or 0):
                    continue
                times = rule.get("times")
                if times is not None and self.applied.get(i, 0) >= int(times):
                    continue
                self.applied[i] = self.applied.get(i, 0) + 1
                names.append(rule["fault"])
                if is_delay:
                    delay += float(rule.get("delay", 1.0))
                else:
                    terminal = rule
        return delay, terminal, names, err


# --------------------------------------------------------------------------
# The server

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr, handler, ctx, opts):
        self.ctx = ctx
        self.opts = opts
        self.data_dir = os.path.realpath(opts.data_dir)
        self.faults = Faults(os.path.join(opts.state_dir, "faults.json"))
        self.log_lock = threading.Lock()
        self.log = open(os.path.join(opts.state_dir, "requests.log"), "a",
                        encoding="utf-8")
        super().__init__(addr, handler)

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread, so
        # a stuck client cannot stop the accept loop.
        request.settimeout(10)
        # Headers and body go out in separate writes; without this, Nagle's
        # algorithm holds the body until the client's delayed ACK (up to 40 ms),
        # which would add itself to every answer's --latency.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            conn = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            if VERBOSE:
                warn("TLS handshake failed: %s" % e)
            try:
                request.close()
            except OSError:
                pass
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if isinstance(e, (ConnectionError, ssl.SSLError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)

    def write_log(self, entry):
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self.log_lock:
            self.log.write(line + "\n")
            self.log.flush()

    def wbi_keys(self):
        """(img_key, sub_key) as /x/web-interface/nav gives them out."""
        img = "https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png"
        sub = "https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png"
        f = self.data_file("nav.json")
        if f:
            try:
                w = json.loads(read_file(f))["data"]["wbi_img"]
                img, sub = w["img_url"], w["sub_url"]
            except (ValueError, KeyError, TypeError):
                return None
        return (wbi_stem(img), wbi_stem(sub))

    def data_file(self, *parts):
        p = os.path.realpath(os.path.join(self.data_dir, *parts))
        if not p.startswith(self.data_dir + os.sep) or not os.path.isfile(p):
            return None
        return p


def read_file(p):
    with open(p, "rb") as f:
        return f.read()


def strip_port(host):
    host = host.strip().lower()
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    h, sep, port = host.rpartition(":")
    if sep and port.isdigit():
        host = h
    return host.rstrip(".")


def is_image_host(host):
    return (host.endswith(".hdslb.com") or host == "hdslb.com"
            or host.endswith(".biliimg.com") or host == "biliimg.com")


SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BiliTest/1.0"
    timeout = 30            # idle keep-alive connections

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if VERBOSE:
            warn("%s %s" % (self.address_string(), fmt % args))

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, TimeoutError, OSError):
            self.close_connection = True

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_OPTIONS(self):
        self.dispatch()

    # ---------------------------------------------------------------- main

    def dispatch(self):
        t = time.time()
        srv = self.server
        target = self.path
        if target.startswith(("http://", "https://")):
            u = urllib.parse.urlsplit(target)
            target = (u.path or "/") + ("?" + u.query if u.query else "")
        target = target.split("#", 1)[0]
        path, _, query = target.partition("?")
        host = strip_port(self.headers.get("Host", ""))
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            if k in headers:
                headers[k] += ("; " if k == "cookie" else ", ") + v
            else:
                headers[k] = v
        self.req_body = b""
        n = self.headers.get("Content-Length")
        if n and n.strip().isdigit() and int(n) > 0:
            self.req_body = self.rfile.read(int(n))

        delay, rule, names, err = srv.faults.decide(self.command, host, target)
        if err:
            warn(err)
        entry = {"t": t, "method": self.command, "host": host, "path": path,
                 "query": query, "headers": headers,
                 "fault": rule["fault"] if rule else (names[0] if names else None)}
        if err:
            entry["fault_error"] = err
        srv.write_log(entry)

        delay += srv.opts.latency
        if delay > 0:
            time.sleep(delay)
        name = rule["fault"] if rule else None
        if name == "hang":
            return self.hang(rule)
        if name == "reset":
            return self.reset()
        resp = self.route(host, path, query, headers)
        truncate = None
        if rule:
            resp, truncate = self.apply_fault(rule, resp, host, path)
            for k, v in (rule.get("headers") or {}).items():
                resp.headers.append((str(k), str(v)))
        self.send(resp, truncate)

    def send(self, resp, truncate=None):
        length = resp.stream_len if resp.stream else len(resp.body)
        self.send_response(resp.status)
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        if resp.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        if truncate is not None:
            self.wfile.write(resp.body[:truncate])
            self.wfile.flush()
            self.close_connection = True
            try:        # a clean TLS close, so the client sees a short body
                self.connection.settimeout(1)
                self.connection.unwrap()
            except (OSError, ValueError):
                pass
            return
        if resp.stream:
            for chunk in resp.stream():
                self.wfile.write(chunk)
        else:
            self.wfile.write(resp.body)

    # -------------------------------------------------------------- faults

    def hang(self, rule):
        self.close_connection = True
        conn = self.connection
        deadline = time.monotonic() + min(float(rule.get("seconds", 60)), 60)
        conn.settimeout(0.25)
        while time.monotonic() < deadline and not STOP.is_set():
            try:
                if not conn.recv(4096):
                    break
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except (OSError, ValueError):
                break

    def reset(self):
        self.close_connection = True
        conn = self.connection
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            self.rfile.close()      # drop the makefile reference first
            conn.close()            # now the fd really closes: RST
        except OSError:
            pass

    def apply_fault(self, rule, resp, host, path):
        name = rule["fault"]
        ctype = rule.get("content_type")
        if name == "status":
            code = int(rule.get("code", 500))
            body = rule.get("body", status_page(code))
            r = text_resp(code, body, ctype or "text/html; charset=utf-8")
            return r, None
        if name == "429":
            return text_resp(429, rule.get("body", status_page(429)),
                             ctype or "text/html; charset=utf-8",
                             [("Retry-After", str(rule.get("retry_after", 1)))]), None
        if name == "api_code":
            code = int(rule.get("code", -352))
            return envelope(code, rule.get("message"), rule.get("data")), None
        if name == "truncate":
            n = rule.get("bytes")
            n = len(resp.body) // 2 if n is None else int(n)
            return resp, max(0, min(n, len(resp.body)))
        if name in ("webp", "avif"):
            key = path.split("@", 1)[0]
            body = picture(name, colour_for(key))
            return Resp(200, ctype or "image/png", body), None
        if name == "oversize":
            size = int(rule.get("size", 50 * 1024 * 1024))
            fmt = (fmt_of_ctype(resp.ctype()) or suffix_fmt(path.split("@", 1)[1] if "@" in path else "")
                   or ext_fmt(path.split("@", 1)[0]) or "png")
            if fmt not in CTYPES:
                fmt = "png"
            head = picture(fmt, colour_for(path.split("@", 1)[0]))[:size]

            def stream():
                yield head
                left = size - len(head)
                zeros = bytes(65536)
                while left > 0:
                    n = min(left, len(zeros))
                    yield zeros[:n] if n < len(zeros) else zeros
                    left -= n
            return Resp(200, ctype or CTYPES[fmt], stream_len=size, stream=stream), None
        if name == "notimage":
            return text_resp(200, rule.get("body", "<html>not an image</html>"),
                             ctype or "text/html; charset=utf-8"), None
        if name == "empty":
            r = Resp(200, ctype or resp.ctype() or "application/octet-stream", b"")
            return r, None
        if name == "redirect":
            code = int(rule.get("code", 302))
            return Resp(code, "text/html; charset=utf-8", b"",
                        [("Location", str(rule.get("location", "/")))]), None
        if name == "garbage_json":
            if "body" in rule:
                body = str(rule["body"]).encode()
            else:
                body = resp.body.strip() if isinstance(resp.body, bytes) else b""
                if "json" in (resp.ctype() or "") and len(body) >= 2:
                    body = body[:len(body) // 2]
                else:
                    body = '{"code":0,"message":"0","ttl":1,"data":{"item":{"basic":{"title":"'.encode()
            return Resp(200, ctype or JSON_CT, body), None
        return resp, None

    # ------------------------------------------------------------- routing

    def route(self, host, path, query, headers):
        srv = self.server
        q = {k: v[0] for k, v in
             urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        upath = urllib.parse.unquote(path)
        # Free-form override for anything not modelled below.
        if host and "/" not in host and ".." not in host:
            f = srv.data_file("static", host, upath.lstrip("/"))
            if f:
                body = read_file(f)
                return Resp(200, sniff(body), body)
        if host in API_HOSTS:
            if path.rstrip("/") == "/x/space/wbi/article":
                return self.route_wbi_articles(query)
            return self.route_api(path, q, headers)
        if host in WWW_HOSTS:
            if path == "/":
                b3 = str(uuid.uuid4()).upper() + "%05dinfoc" % random.randrange(100000)
                return Resp(200, "text/html; charset=utf-8",
                            b"<!DOCTYPE html><html><body>bilibili</body></html>\n",
                            [("Set-Cookie", "buvid3=%s; path=/; domain=.bilibili.com" % b3),
                             ("Set-Cookie", "b_nut=%d; path=/; domain=.bilibili.com" % int(time.time()))])
            m = re.match(r"^/read/cv(\d+)/?$", path)
            if m:
                f = srv.data_file("cv-redirect", m.group(1))
                if f:
                    oid = read_file(f).decode("utf-8", "replace").strip()
                    return Resp(302, "text/html; charset=utf-8", b"",
                                [("Location", "//www.bilibili.com/opus/" + oid)])
            return not_found()
        if host == "b23.tv":
            code = path.strip("/")
            if SAFE_ID.match(code):
                f = srv.data_file("b23", code)
                if f:
                    loc = read_file(f).decode("utf-8", "replace").strip()
                    return Resp(302, "text/html; charset=utf-8", b"",
                                [("Location", loc)])
            return not_found()
        if is_image_host(host):
            return self.route_image(upath)
        return not_found()

    def route_wbi_articles(self, query):
        """A writer's old 专栏 list: only with a valid WBI signature (spec §1.5)
        made from the keys /x/web-interface/nav hands out; otherwise, as the real
        service does, code 0 with nothing but a v_voucher."""
        srv = self.server
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        q = dict(pairs)
        if wbi_rid(pairs, srv.wbi_keys()) != q.get("w_rid") or not q.get("wts", "").isdigit():
            return envelope(0, "0", {"v_voucher": "voucher_bad_signature"})
        mid, pn, ps = q.get("mid", ""), q.get("pn", "1"), q.get("ps", "30")
        if not SAFE_ID.match(mid) or not pn.isdigit() or not ps.isdigit():
            return envelope(-400)
        f = srv.data_file("articles", mid, pn + ".json")
        if f:
            return Resp(200, JSON_CT, read_file(f))
        return envelope(0, "0", {"articles": [], "pn": int(pn), "ps": int(ps), "count": 0})

    def route_api(self, path, q, headers):
        srv = self.server
        path = path.rstrip("/") or "/"
        if path == "/x/polymer/web-dynamic/v1/opus/detail":
            cookies = {}
            for part in headers.get("cookie", "").split(";"):
                k, _, v = part.strip().partition("=")
                cookies.setdefault(k.strip(), v.strip())
            if not cookies.get("buvid3"):
                return envelope(-352)
            oid = q.get("id", "")
            if not SAFE_ID.match(oid):
                return envelope(-400)
            f = srv.data_file("opus", oid + ".json")
            return Resp(200, JSON_CT, read_file(f)) if f else envelope(-404)
        if path == "/x/article/view":
            cid = q.get("id", "")
            if cid.lower().startswith("cv"):
                cid = cid[2:]
            if not SAFE_ID.match(cid):
                return envelope(-400)
            f = srv.data_file("article", cid + ".json")
            return Resp(200, JSON_CT, read_file(f)) if f else envelope(-404)
        if path == "/x/article/list/web/articles":
            # a 文集: DATA/readlist/N.json, read again on every request, so a
            # test grows a list between two runs by rewriting the file
            rid = q.get("id", "")
            if rid.lower().startswith("rl"):
                rid = rid[2:]
            if not SAFE_ID.match(rid):
                return envelope(-400)
            f = srv.data_file("readlist", rid + ".json")
            return Resp(200, JSON_CT, read_file(f)) if f else envelope(-404)
        if path == "/x/polymer/web-dynamic/v1/opus/feed/space":
            mid = q.get("host_mid", "")
            off = q.get("offset", "") or "first"
            if not SAFE_ID.match(mid) or not SAFE_ID.match(off):
                return envelope(-400)
            f = srv.data_file("feed", mid, off + ".json")
            if f:
                return Resp(200, JSON_CT, read_file(f))
            return envelope(0, "0", {"has_more": False, "items": [],
                                     "offset": "", "update_num": 0})
        if path == "/x/frontend/finger/spi":
            b3 = str(uuid.uuid4()).upper() + "%05dinfoc" % random.randrange(100000)
            b4 = "%s-%09d-%s" % (
                str(uuid.uuid4()).upper(), random.randrange(10 ** 9),
                base64.b64encode(os.urandom(18)).decode())
            return jresp({"code": 0, "message": "ok",
                          "data": {"b_3": b3, "b_4": b4}})
        if path == "/x/web-frontend/getbuvid":
            b3 = str(uuid.uuid4()).upper() + "%05dinfoc" % random.randrange(100000)
            return envelope(0, "0", {"buvid": b3})
        if path == "/x/web-interface/nav":
            f = srv.data_file("nav.json")
            if f:
                return Resp(200, JSON_CT, read_file(f))
            return envelope(-101, None, {
                "isLogin": False,
                "wbi_img": {
                    "img_url": "https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png",
                    "sub_url": "https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png"}})
        if path == "/x/internal/gaia-gateway/ExClimbWuzhi":
            return envelope(0, "0", {})
        if path == "/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket":
            return envelope(0, "OK", {
                "ticket": "test." + base64.urlsafe_b64encode(os.urandom(24)).decode(),
                "created_at": int(time.time()), "ttl": 259200, "context": {},
                "nav": {"img": "https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png",
                        "sub": "https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png"}})
        return not_found()

    def route_image(self, upath):
        srv = self.server
        rel = upath.lstrip("/")
        if not rel:
            return not_found()
        f = srv.data_file("images", rel)
        if f:
            body = read_file(f)
            return Resp(200, sniff(body), body)
        base, at, params = rel.partition("@")
        want = suffix_fmt(params) if at else None
        have = ext_fmt(base)
        key = "/" + base
        if want == "avg_color":
            return jresp({"RGB": "#%02x%02x%02x" % colour_for(key)})
        if at and (want is None or want == have):
            f = srv.data_file("images", base)
            if f:
                body = read_file(f)
                return Resp(200, sniff(body), body)
        fmt = want or have
        if fmt is None:
            return not_found()
        return Resp(200, CTYPES[fmt], picture(fmt, colour_for(key)))


# --------------------------------------------------------------------------
# WBI signatures (spec §1.5)

WBI_TAB = [46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49,
           33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40, 61,
           26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36,
           20, 34, 44, 52]


def wbi_rid(pairs, keys):
    """The w_rid the query's other parameters call for, or None without keys."""
    if not keys:
        return None
    raw = keys[0] + keys[1]
    mixin = "".join(raw[i] for i in WBI_TAB)[:32]
    params = sorted((k, "".join(c for c in v if c not in "!'()*"))
                    for k, v in pairs if k != "w_rid")
    text = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                               urllib.parse.quote(v, safe="-_.~")) for k, v in params)
    return hashlib.md5((text + mixin).encode("utf-8")).hexdigest()


def wbi_stem(url):
    return url.rsplit("/", 1)[-1].split(".", 1)[0]


# --------------------------------------------------------------------------
# Certificates

def run_openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (
            " ".join(args), r.stderr.decode("utf-8", "replace").strip()))


def make_certs(state):
    """A throwaway CA (ca.pem, ca.key) and a server certificate signed by it
    (server.pem, server.key).  Kept when all four files already exist and
    the server certificate is valid for another day."""
    names = ["ca.pem", "ca.key", "server.pem", "server.key"]
    paths = [os.path.join(state, n) for n in names]
    if all(os.path.isfile(p) for p in paths):
        r = subprocess.run(["openssl", "x509", "-checkend", "86400", "-noout",
                            "-in", paths[2]], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            return
    tmp = os.path.join(state, "certs.tmp.%d" % os.getpid())
    os.makedirs(tmp, exist_ok=True)
    try:
        with open(os.path.join(tmp, "ca.cnf"), "w") as f:
            f.write("[req]\ndistinguished_name=dn\nprompt=no\n"
                    "[dn]\nCN=opus-archive test CA (throwaway)\n"
                    "[v3_ca]\nbasicConstraints=critical,CA:TRUE\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n"
                    "subjectKeyIdentifier=hash\n")
        san = ",".join(["DNS:" + d for d in SAN_DNS] + ["IP:" + i for i in SAN_IP])
        with open(os.path.join(tmp, "srv.ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectKeyIdentifier=hash\n"
                    "authorityKeyIdentifier=keyid,issuer\n"
                    "subjectAltName=%s\n" % san)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        run_openssl(["req", "-x509", "-new", "-nodes"] + ec + [
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-sha256",
            "-config", "ca.cnf", "-extensions", "v3_ca"], tmp)
        run_openssl(["req", "-new", "-nodes"] + ec + [
            "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=api.bilibili.com"], tmp)
        run_openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem",
                     "-CAkey", "ca.key", "-set_serial",
                     str(random.randrange(1, 2 ** 62)), "-days", "29",
                     "-sha256", "-out", "server.pem", "-extfile", "srv.ext"], tmp)
        for n, p in zip(names, paths):
            os.replace(os.path.join(tmp, n), p)
    finally:
        for n in os.listdir(tmp):
            os.unlink(os.path.join(tmp, n))
        os.rmdir(tmp)


# --------------------------------------------------------------------------

def main():
    global VERBOSE
    ap = argparse.ArgumentParser(
        description="Local HTTPS stand-in for api.bilibili.com and the "
                    "Bilibili image CDN, for tests.")
    ap.add_argument("--state-dir", required=True,
                    help="certificates, port, pid, requests.log, faults.json")
    ap.add_argument("--data-dir", help="canned answers (default STATE/data)")
    ap.add_argument("--port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--latency", type=float, default=0.0,
                    help="seconds added before every answer")
    ap.add_argument("--max-seconds", type=float, default=600,
                    help="exit after this long (default 600)")
    ap.add_argument("--parent", type=int,
                    help="exit as soon as this process id is gone")
    ap.add_argument("--verbose", action="store_true",
                    help="log requests and TLS errors to stderr")
    ap.add_argument("--http2-not-needed", action="store_true",
                    help="accepted and ignored: only HTTP/1.1 is served")
    opts = ap.parse_args()
    VERBOSE = opts.verbose
    state = opts.state_dir
    os.makedirs(state, exist_ok=True)
    if opts.data_dir is None:
        opts.data_dir = os.path.join(state, "data")
    port_file = os.path.join(state, "port")
    try:
        os.unlink(port_file)
    except FileNotFoundError:
        pass

    make_certs(state)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(state, "server.pem"),
                        os.path.join(state, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])

    srv = Server(("127.0.0.1", opts.port), Handler, ctx, opts)
    port = srv.server_address[1]

    def stop(signum, frame):
        STOP.set()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                          daemon=True)
    th.start()
    for name, value in (("pid", os.getpid()), ("port", port)):
        p = os.path.join(state, name)
        tmp = "%s.tmp.%d" % (p, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % value)
        os.replace(tmp, p)
    if VERBOSE:
        warn("listening on 127.0.0.1:%d" % port)

    deadline = time.monotonic() + opts.max_seconds
    while not STOP.wait(0.25):
        if time.monotonic() >= deadline:
            warn("--max-seconds reached, exiting")
            break
        if opts.parent:
            try:
                os.kill(opts.parent, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
    STOP.set()
    srv.shutdown()
    srv.server_close()
    for name in ("port", "pid"):
        try:
            os.unlink(os.path.join(state, name))
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
