/* Unit tests for input.c: the id and URL table. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "tap.h"

static void
good(const char *arg, enum input_kind kind, const char *want)
{
	struct input in;
	struct err e;

	err_init(&e);
	if (input_parse(arg, &in, &e) < 0) {
		ok(0, "'%s': %s", arg, e.msg);
		return;
	}
	ok(in.kind == kind && strcmp(kind == INPUT_SHORT ? in.url : in.id, want) == 0,
	    "'%s' -> %s %s", arg, kind == INPUT_OPUS ? "opus" : kind == INPUT_CV ? "cv" :
	    kind == INPUT_READLIST ? "rl" : "short",
	    kind == INPUT_SHORT ? in.url : in.id);
	input_release(&in);
}

static void
bad(const char *arg)
{
	struct input in;
	struct err e;

	err_init(&e);
	ok(input_parse(arg, &in, &e) < 0 && strstr(e.msg, arg) != NULL, "'%s' refused: %s", arg, e.msg);
}

int
main(void)
{
	good("933099353259638816", INPUT_OPUS, "933099353259638816");
	good("1047362918573064199", INPUT_OPUS, "1047362918573064199");
	good("https://www.bilibili.com/opus/933099353259638816", INPUT_OPUS, "933099353259638816");
	good("https://www.bilibili.com/opus/933099353259638816?spm_id_from=333.999.0.0#reply", INPUT_OPUS, "933099353259638816");
	good("https://www.bilibili.com/opus/933099353259638816/", INPUT_OPUS, "933099353259638816");
	good("http://m.bilibili.com/opus/933099353259638816", INPUT_OPUS, "933099353259638816");
	good("www.bilibili.com/opus/1", INPUT_OPUS, "1");
	good("//www.bilibili.com/opus/2", INPUT_OPUS, "2");
	good("https://t.bilibili.com/933099353259638816?tab=2", INPUT_OPUS, "933099353259638816");
	good("cv34646640", INPUT_CV, "34646640");
	good("CV1", INPUT_CV, "1");
	good("https://www.bilibili.com/read/cv34646640", INPUT_CV, "34646640");
	good("https://www.bilibili.com/read/cv34646640/?from=search", INPUT_CV, "34646640");
	good("https://m.bilibili.com/read/mobile/34646640", INPUT_CV, "34646640");
	good("rl723612", INPUT_READLIST, "723612");
	good("RL1", INPUT_READLIST, "1");
	good("https://www.bilibili.com/read/readlist/rl207146", INPUT_READLIST, "207146");
	good("https://www.bilibili.com/read/readlist/rl207146?from=articleDetail#x", INPUT_READLIST, "207146");
	good("https://m.bilibili.com/read/readlist/rl207146/", INPUT_READLIST, "207146");
	good("https://b23.tv/AbC12x", INPUT_SHORT, "https://b23.tv/AbC12x");
	good("b23.tv/AbC12x?share_source=copy", INPUT_SHORT, "https://b23.tv/AbC12x");
	bad("");
	bad("hello");
	bad("rl");
	bad("rl12x");
	bad("rl123456789012345678901");
	bad("https://www.bilibili.com/read/readlist/rl");
	bad("https://www.bilibili.com/read/readlist/207146");
	bad("12a");
	bad("1234567890123456789012345678901");
	bad("https://www.bilibili.com/video/BV1xx411c7mD");
	bad("https://www.bilibili.com/opus/abc");
	bad("https://www.bilibili.com/opus/12abc");
	bad("https://evil.example/opus/123");
	bad("https://www.bilibili.com.evil.example/opus/123");
	bad("javascript:alert(1)");
	bad("file:///etc/passwd");
	bad("https://b23.tv/");
	bad("cv");
	bad("cv12x");
	return done_testing();
}
