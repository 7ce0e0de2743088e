/*
 * lint.c — a whitespace and layout linter, as a freestanding `grafos` tasklet.
 *
 * Input:  one source file (any text; UTF-8 is assumed for column counting).
 * Output: one line of JSON,
 *
 *   {"diagnostics":[{"line":3,"column":121,"rule":"line-length","message":"..."}, ...],"lines":N}
 *
 * followed by "\n". Diagnostics are ordered by line, then column. Rules:
 *
 *   line-length          a line longer than 120 columns (reported at column 121)
 *   trailing-whitespace  spaces or tabs before the end of a line (at the first of them)
 *   tab                  a tab character (at the first tab of the line)
 *   crlf                 a line that ends with "\r\n" instead of "\n" (at the "\r")
 *   final-newline        a non-empty file whose last line has no "\n" (after its last column)
 *
 * Columns are 1-based and count Unicode code points (UTF-8 continuation bytes do
 * not start a column); a tab counts as one column. `lines` counts "\n"s, plus one
 * for a last line without one. At most 500 diagnostics are listed; when there are
 * more, the object gains `"omitted":K` after `"lines"`, and the exit code still says
 * findings were made.
 *
 * Exit code (the result of `run`): 0 clean, 1 findings, 2 host error (reading the
 * input or writing the output failed; the reason goes to the log).
 *
 * The linter streams its input through a 64 KiB buffer and keeps O(1) state per
 * line, so memory use does not depend on the file's size, and it touches each byte
 * once, which keeps its fuel cost at a small constant per input byte.
 *
 * Build (see build.sh):
 *   clang --target=wasm32 -ffreestanding -nostdlib -O2 -Wl,--no-entry lint.c -o lint.wasm
 */
#include "grafos.h"

#define MAX_COLUMNS 120
#define MAX_DIAGNOSTICS 500
#define INPUT_CHUNK 65536
#define OUTPUT_CHUNK 8192

/* ---- Buffered output -------------------------------------------------------- */

static char out_buf[OUTPUT_CHUNK];
static int32_t out_len;
static int32_t out_error; /* first error returned by output_write, or 0 */

static void out_flush(void) {
    if (out_len > 0 && out_error == 0) {
        int32_t rc = grafos_output_write(out_buf, out_len);
        if (rc < 0) out_error = rc;
    }
    out_len = 0;
}

static void out_char(char c) {
    if (out_len == OUTPUT_CHUNK) out_flush();
    out_buf[out_len++] = c;
}

static void out_str(const char *s) {
    while (*s) out_char(*s++);
}

static void out_u32(uint32_t v) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) out_char(digits[--n]);
}

static void log_str(const char *s) {
    int32_t n = 0;
    while (s[n]) n++;
    grafos_log(s, n);
}

/* ---- Diagnostics ------------------------------------------------------------ */

/* The rules, in the order they are listed when two share a column. */
enum rule { RULE_TAB, RULE_TRAILING, RULE_LENGTH, RULE_CRLF, RULE_FINAL_NEWLINE };

static const char *const rule_names[] = {
    "tab", "trailing-whitespace", "line-length", "crlf", "final-newline",
};

struct diagnostic {
    uint32_t column;
    enum rule rule;
};

static uint32_t emitted;  /* diagnostics written to the output */
static uint32_t omitted;  /* diagnostics past MAX_DIAGNOSTICS */

static void emit(uint32_t line, struct diagnostic d, uint32_t line_length) {
    if (emitted == MAX_DIAGNOSTICS) {
        omitted++;
        return;
    }
    if (emitted > 0) out_char(',');
    emitted++;
    out_str("{\"line\":");
    out_u32(line);
    out_str(",\"column\":");
    out_u32(d.column);
    out_str(",\"rule\":\"");
    out_str(rule_names[d.rule]);
    out_str("\",\"message\":\"");
    switch (d.rule) {
    case RULE_TAB:
        out_str("tab character; use spaces");
        break;
    case RULE_TRAILING:
        out_str("trailing whitespace");
        break;
    case RULE_LENGTH:
        out_str("line is ");
        out_u32(line_length);
        out_str(" columns long; the limit is ");
        out_u32(MAX_COLUMNS);
        break;
    case RULE_CRLF:
        out_str("line ends with CRLF; use LF");
        break;
    case RULE_FINAL_NEWLINE:
        out_str("no newline at end of file");
        break;
    }
    out_str("\"}");
}

/* ---- The per-line state machine -------------------------------------------- */

/* What the scanner knows about the line it is in. The hot loop in `run` keeps
 * these in locals; they are packed into this struct only when a line ends. */
struct line_facts {
    uint32_t number;          /* 1-based line number */
    uint32_t columns;         /* code points on the line, line ending excluded */
    uint32_t first_tab;       /* column of the first tab, or 0 */
    uint32_t trailing_start;  /* column where the final run of blanks began, or 0 */
    int crlf;                 /* the line ended with "\r\n" */
    int at_eof;               /* the line ended at the end of the file, without "\n" */
};

/* Lists one line's findings in column order. */
__attribute__((noinline)) static void report_line(struct line_facts f) {
    struct diagnostic found[5];
    int n = 0;
    if (f.first_tab) found[n++] = (struct diagnostic){f.first_tab, RULE_TAB};
    if (f.trailing_start) found[n++] = (struct diagnostic){f.trailing_start, RULE_TRAILING};
    if (f.columns > MAX_COLUMNS) found[n++] = (struct diagnostic){MAX_COLUMNS + 1, RULE_LENGTH};
    if (f.crlf) found[n++] = (struct diagnostic){f.columns + 1, RULE_CRLF};
    if (f.at_eof) found[n++] = (struct diagnostic){f.columns + 1, RULE_FINAL_NEWLINE};

    /* Insertion sort by column; equal columns keep the rule order above. */
    for (int i = 1; i < n; i++) {
        struct diagnostic d = found[i];
        int j = i - 1;
        while (j >= 0 && found[j].column > d.column) {
            found[j + 1] = found[j];
            j--;
        }
        found[j + 1] = d;
    }
    for (int i = 0; i < n; i++) emit(f.number, found[i], f.columns);
}

static uint8_t in_buf[INPUT_CHUNK];

GRAFOS_EXPORT("run")
int32_t run(void) {
    int32_t size = grafos_input_size();
    int32_t offset = 0;

    /* The current line's state (see struct line_facts). */
    uint32_t line = 1, columns = 0, first_tab = 0, trailing_start = 0;
    int pending_cr = 0;       /* the previous byte was a '\r' not yet known to end the line */
    uint8_t last_byte = '\n'; /* the input's last byte: a last line without '\n' is still open */

    out_str("{\"diagnostics\":[");
    while (offset < size) {
        int32_t n = grafos_input_read(in_buf, INPUT_CHUNK, offset);
        if (n <= 0) {
            log_str("lint: input_read failed");
            return 2;
        }
        offset += n;
        for (int32_t i = 0; i < n; i++) {
            uint8_t byte = in_buf[i];
            if (byte > ' ' && byte < 0x80) {
                /* The common case: a printable ASCII character. */
                if (pending_cr) {
                    columns++; /* a '\r' not followed by '\n' is an ordinary character */
                    pending_cr = 0;
                }
                columns++;
                trailing_start = 0;
                continue;
            }
            if (byte == '\n') {
                if (first_tab | trailing_start | pending_cr | (columns > MAX_COLUMNS)) {
                    report_line((struct line_facts){line, columns, first_tab, trailing_start, pending_cr, 0});
                }
                line++;
                columns = first_tab = trailing_start = 0;
                pending_cr = 0;
                continue;
            }
            if (pending_cr) {
                columns++;
                trailing_start = 0;
                pending_cr = 0;
            }
            if (byte == '\r') {
                pending_cr = 1;
            } else if (byte == ' ' || byte == '\t') {
                columns++;
                if (byte == '\t' && first_tab == 0) first_tab = columns;
                if (trailing_start == 0) trailing_start = columns;
            } else if ((byte & 0xC0) != 0x80) {
                /* Anything else that starts a code point; UTF-8 continuation bytes do not. */
                columns++;
                trailing_start = 0;
            }
        }
        last_byte = in_buf[n - 1];
    }
    if (last_byte != '\n') {
        if (pending_cr) {
            columns++;
            trailing_start = 0;
        }
        report_line((struct line_facts){line, columns, first_tab, trailing_start, 0, 1});
        line++;
    }

    out_str("],\"lines\":");
    out_u32(line - 1);
    if (omitted > 0) {
        out_str(",\"omitted\":");
        out_u32(omitted);
    }
    out_str("}\n");
    out_flush();
    if (out_error != 0) {
        log_str(out_error == GRAFOS_E_OUTPUT_LIMIT ? "lint: output limit exceeded" : "lint: output_write failed");
        return 2;
    }
    return (emitted + omitted) > 0 ? 1 : 0;
}
