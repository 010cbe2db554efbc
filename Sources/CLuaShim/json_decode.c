/*
 * JSON text -> Lua values, straight onto the Lua stack (no intermediate tree), because API pages
 * of 500 groups are converted on every call and this is the hot path (docs/benchmarks.md).
 * It runs inside lua_pcall, so it may raise with luaL_error.
 */
#include "shim_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

typedef struct {
    lua_State *L;
    const unsigned char *p;
    const unsigned char *start;
    const unsigned char *end;
    int null_index;
    int array_mt_index;
    int depth;
    int max_depth;
} decoder;

static int fail(decoder *d, const char *what) {
    return luaL_error(d->L, "invalid JSON at byte %d: %s", (int)(d->p - d->start) + 1, what);
}

static void skip_ws(decoder *d) {
    while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t')) d->p++;
}

static void decode_value(decoder *d);

static unsigned hex4(decoder *d) {
    if (d->end - d->p < 4) fail(d, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = d->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else fail(d, "bad \\u escape");
    }
    d->p += 4;
    return v;
}

static void add_utf8(luaL_Buffer *b, unsigned cp) {
    char out[4];
    int n;
    if (cp < 0x80) { out[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    luaL_addlstring(b, out, n);
}

/* d->p is just past the opening quote. */
static void decode_string(decoder *d) {
    const unsigned char *s = d->p;
    while (d->p < d->end && *d->p != '"' && *d->p != '\\') {
        if (*d->p < 0x20) fail(d, "control character in string");
        d->p++;
    }
    if (d->p >= d->end) fail(d, "unterminated string");
    if (*d->p == '"') { /* fast path: no escapes */
        lua_pushlstring(d->L, (const char *)s, (size_t)(d->p - s));
        d->p++;
        return;
    }
    luaL_Buffer b;
    luaL_buffinit(d->L, &b);
    luaL_addlstring(&b, (const char *)s, (size_t)(d->p - s));
    while (1) {
        if (d->p >= d->end) fail(d, "unterminated string");
        unsigned char c = *d->p++;
        if (c == '"') break;
        if (c < 0x20) { d->p--; fail(d, "control character in string"); }
        if (c != '\\') { luaL_addchar(&b, (char)c); continue; }
        if (d->p >= d->end) fail(d, "unterminated escape");
        c = *d->p++;
        switch (c) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            /* A pair of surrogates is one character; a lone one (or one followed by anything but
             * its partner) becomes U+FFFD, so the string is valid UTF-8 and encodes again. */
            unsigned cp = hex4(d);
            while (cp >= 0xD800 && cp <= 0xDBFF) {
                if (d->end - d->p < 6 || d->p[0] != '\\' || d->p[1] != 'u') { cp = 0xFFFD; break; }
                d->p += 2;
                unsigned next = hex4(d);
                if (next >= 0xDC00 && next <= 0xDFFF) { cp = 0x10000 + ((cp - 0xD800) << 10) + (next - 0xDC00); break; }
                add_utf8(&b, 0xFFFD);
                cp = next; /* itself the start of a pair, perhaps */
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) cp = 0xFFFD;
            add_utf8(&b, cp);
            break;
        }
        default: d->p--; fail(d, "bad escape");
        }
    }
    luaL_pushresult(&b);
}

static void decode_number(decoder *d) {
    const unsigned char *s = d->p;
    if (d->p < d->end && *d->p == '-') d->p++;
    if (d->p >= d->end || *d->p < '0' || *d->p > '9') fail(d, "bad number");
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    if (d->p < d->end && *d->p == '.') {
        d->p++;
        if (d->p >= d->end || *d->p < '0' || *d->p > '9') fail(d, "bad number");
        while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    }
    if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
        d->p++;
        if (d->p < d->end && (*d->p == '+' || *d->p == '-')) d->p++;
        if (d->p >= d->end || *d->p < '0' || *d->p > '9') fail(d, "bad number");
        while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
    }
    /* Lua's own conversion (an integer when it fits, else a float), at any length. */
    size_t n = (size_t)(d->p - s);
    char buf[64];
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = 0;
        if (lua_stringtonumber(d->L, buf) == 0) fail(d, "bad number");
        return;
    }
    lua_pushlstring(d->L, (const char *)s, n); /* NUL-terminated by Lua */
    if (lua_stringtonumber(d->L, lua_tostring(d->L, -1)) == 0) fail(d, "bad number");
    lua_remove(d->L, -2);
}

static void expect_word(decoder *d, const char *word, size_t n) {
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0) fail(d, "unexpected character");
    d->p += n;
}

static void decode_array(decoder *d) {
    lua_State *L = d->L;
    lua_createtable(L, 0, 0);
    lua_pushvalue(L, d->array_mt_index);
    lua_setmetatable(L, -2);
    skip_ws(d);
    if (d->p < d->end && *d->p == ']') { d->p++; return; }
    lua_Integer i = 1;
    while (1) {
        decode_value(d);
        lua_rawseti(L, -2, i++);
        skip_ws(d);
        if (d->p >= d->end) fail(d, "unterminated array");
        if (*d->p == ',') { d->p++; continue; }
        if (*d->p == ']') { d->p++; return; }
        fail(d, "expected ',' or ']'");
    }
}

static void decode_object(decoder *d) {
    lua_State *L = d->L;
    lua_createtable(L, 0, 8);
    skip_ws(d);
    if (d->p < d->end && *d->p == '}') { d->p++; return; }
    while (1) {
        skip_ws(d);
        if (d->p >= d->end || *d->p != '"') fail(d, "expected a string key");
        d->p++;
        decode_string(d);
        skip_ws(d);
        if (d->p >= d->end || *d->p != ':') fail(d, "expected ':'");
        d->p++;
        decode_value(d);
        lua_rawset(L, -3);
        skip_ws(d);
        if (d->p >= d->end) fail(d, "unterminated object");
        if (*d->p == ',') { d->p++; continue; }
        if (*d->p == '}') { d->p++; return; }
        fail(d, "expected ',' or '}'");
    }
}

static void decode_value(decoder *d) {
    skip_ws(d);
    if (d->p >= d->end) fail(d, "unexpected end of input");
    luaL_checkstack(d->L, 4, "JSON nested too deeply");
    /* Depth counts objects and arrays only, as the encoder counts tables. */
    switch (*d->p) {
    case '{':
        if (++d->depth > d->max_depth) fail(d, "nested too deeply");
        d->p++; decode_object(d); d->depth--; break;
    case '[':
        if (++d->depth > d->max_depth) fail(d, "nested too deeply");
        d->p++; decode_array(d); d->depth--; break;
    case '"': d->p++; decode_string(d); break;
    case 't': expect_word(d, "true", 4); lua_pushboolean(d->L, 1); break;
    case 'f': expect_word(d, "false", 5); lua_pushboolean(d->L, 0); break;
    case 'n': expect_word(d, "null", 4); lua_pushvalue(d->L, d->null_index); break;
    default:
        if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) decode_number(d);
        else fail(d, "unexpected character");
    }
}

/* The array metatable is a value a script can reach (debug.setupvalue, debug.getregistry):
 * lua_setmetatable would take anything else for a table. */
static void check_array_mt(lua_State *L, int index) {
    if (!lua_istable(L, index) && !lua_isnil(L, index))
        luaL_error(L, "JSON decode: the array metatable (purecloud.array_mt) was replaced by a %s", luaL_typename(L, index));
}

/* Arguments: 1 lightuserdata text, 2 integer length, 3 null, 4 array metatable, 5 max depth. */
static int decode_protected(lua_State *L) {
    decoder d;
    d.L = L;
    d.start = d.p = (const unsigned char *)lua_touserdata(L, 1);
    d.end = d.p + lua_tointeger(L, 2);
    d.null_index = 3;
    d.array_mt_index = 4;
    d.depth = 0;
    d.max_depth = (int)lua_tointeger(L, 5);
    check_array_mt(L, 4);
    decode_value(&d);
    skip_ws(&d);
    if (d.p != d.end) fail(&d, "trailing characters after the value");
    return 1;
}

int pclua_json_decode(lua_State *L, const char *text, size_t length, int null_index, int array_mt_index, int max_depth) {
    null_index = lua_absindex(L, null_index);
    array_mt_index = lua_absindex(L, array_mt_index);
    if (!lua_checkstack(L, 8)) return LUA_ERRMEM;
    lua_pushcfunction(L, decode_protected);
    lua_pushlightuserdata(L, (void *)text);
    lua_pushinteger(L, (lua_Integer)length);
    lua_pushvalue(L, null_index);
    lua_pushvalue(L, array_mt_index);
    lua_pushinteger(L, max_depth);
    return pclua_protected(L, 5, 1, 0);
}

/* purecloud.json.decode(text): upvalue 1 = null, 2 = array metatable. */
int pclua_json_decode_lua(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    decoder d;
    d.L = L;
    d.start = d.p = (const unsigned char *)s;
    d.end = d.p + n;
    d.null_index = lua_upvalueindex(1);
    d.array_mt_index = lua_upvalueindex(2);
    d.depth = 0;
    d.max_depth = PCLUA_JSON_MAX_DEPTH;
    check_array_mt(L, lua_upvalueindex(2));
    decode_value(&d);
    skip_ws(&d);
    if (d.p != d.end) fail(&d, "trailing characters after the value");
    return 1;
}
