/*
 * text_int: what the text module's files share and nobody else needs —
 * the strict UTF-8 decoder and the character classes that decide where a
 * mention, a hashtag or a link starts and ends.
 */
#ifndef MOKA_TEXT_INT_H
#define MOKA_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point from the n > 0 bytes at s into *cp. Returns its
 * length (1-4), or 0 if the bytes there are not strict UTF-8.
 */
size_t text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Returns 1 if cp is a word character: an ASCII letter or digit, '_', or a
 * non-ASCII code point outside the punctuation, symbol, space and control
 * ranges listed in text_utf8.c (so any letter of any script counts).
 */
int text_is_word_cp(uint32_t cp);

/* Returns 1 for non-ASCII code points that are spaces or punctuation. */
int text_is_nonascii_break(uint32_t cp);

#endif
