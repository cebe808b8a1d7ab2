/*
 * inbound_html.h: HTML bodies of inbound mail as plain text.
 */
#ifndef TB_INBOUND_HTML_H
#define TB_INBOUND_HTML_H

/*
 * Plain LF text of clean HTML (inbound_text.h): tags dropped; block
 * elements and <br> break lines, <hr> is a line of underscores (as
 * Outlook's rule over a quoted message); <blockquote> lines start with
 * "> "; head, style, script and comments dropped; character references
 * decoded, those naming a control character dropped.  Caller frees; the
 * result is clean text again.
 */
char *inbound_html_text(const char *html);

#endif
