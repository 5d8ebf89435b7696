"""One module per format; each registers a versioned Reader on import.

Error codes raised while reading and fetching (message = code + one-line reason):

E101 empty file / no text          E111 HTML has no main text        E118 not a feed
E102 unsupported format            E112 HTML nested too deeply       E119 feed has no entries with text
E103 text too long                 E113 encrypted PDF                E120 not an e-mail message
E104 binary content, not text      E114 PDF has no text layer        E121 fetch timed out
E105 unsupported URL scheme        E115 corrupt or truncated PDF     E122 HTTP error status
E108 input/download too large      E116 corrupt DOCX                 E123 too many redirects
                                   E117 archive unpacks too large    E124 connection failed / invalid URL
(E106, E107, E109, E110: listing and reading files, in ``ingest.sources``.)
"""
