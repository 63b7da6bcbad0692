/*
 * url: the few URL rules the model needs, on strings.  Nothing is fetched
 * here; the fetch layer checks every URL again with libcurl's parser before it
 * asks for it.
 */
#ifndef OA_URL_H
#define OA_URL_H

/*
 * Return s as an absolute https URL fit for an href, or NULL when it is not a
 * web address: "//host/p" and "http://host/p" become "https://host/p", a bare
 * "host.tld/p" gets "https://"; any other scheme (javascript:, file:, data:,
 * bilibili:) gives NULL, as does an empty or malformed host.  The host is
 * lower-cased; spaces, non-ASCII bytes and characters URLs may not hold are
 * percent-encoded.  The caller frees the result.
 */
char *url_link(const char *s);

/*
 * Return the identity of a picture: url_link(s) without a "#fragment" and
 * without Bilibili's "@..." processing suffix on the last path segment, so
 * "http://i0.hdslb.com/a/b.jpg@1192w.webp" gives "https://i0.hdslb.com/a/b.jpg".
 * This string keys the asset table and the picture cache.  NULL as url_link().
 */
char *url_picture_key(const char *s);

/* Return the host part of an absolute URL (lower case) or NULL; the caller frees it. */
char *url_host(const char *url);

/*
 * Return s percent-encoded for a URL's query value: every byte but ASCII
 * letters, digits and "-._~" (RFC 3986's unreserved set) becomes %XX.  The
 * caller frees the result.
 */
char *url_escape(const char *s);

#endif
