import Testing
import SpindleCards

/// The markdown subset, output for output: the blocks and inline marks it
/// knows, and everything it refuses left as escaped text.
@Suite("Markdown")
struct MarkdownTests {
    @Test("blocks", arguments: [
        ("# Title", "<h1>Title</h1>"),
        ("## A\n### B", "<h2>A</h2>\n<h3>B</h3>"),
        ("#### four", "<p>#### four</p>"),
        ("#nospace", "<p>#nospace</p>"),
        ("one\ntwo\n\nthree", "<p>one\ntwo</p>\n<p>three</p>"),
        ("crlf\r\nline", "<p>crlf\nline</p>"),
        ("- a\n- **b**", "<ul>\n<li>a</li>\n<li><strong>b</strong></li>\n</ul>"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
        ("text\n- item", "<p>text</p>\n<ul>\n<li>item</li>\n</ul>"),
        ("```swift\nlet x = \"<b>\" && y\n\n  z\n```", "<pre><code>let x = \"&lt;b&gt;\" &amp;&amp; y\n\n  z</code></pre>"),
        ("```\nnever closed *x*", "<pre><code>never closed *x*</code></pre>"),
        ("", ""),
    ])
    func blocks(source: String, html: String) {
        #expect(Markdown.html(source) == html)
    }

    @Test("inline marks", arguments: [
        ("**bold** and *it* and `c*o*de`", "<p><strong>bold</strong> and <em>it</em> and <code>c*o*de</code></p>"),
        ("**a *b* c**", "<p><strong>a <em>b</em> c</strong></p>"),
        ("*a **b** c*", "<p><em>a <strong>b</strong> c</em></p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("unclosed **bold", "<p>unclosed **bold</p>"),
        ("``a`b``", "<p><code>a`b</code></p>"),
        ("``a` b", "<p>``a` b</p>"),
        ("\\*not italic\\*", "<p>*not italic*</p>"),
        ("snake_case_name", "<p>snake_case_name</p>"),
    ])
    func inline(source: String, html: String) {
        #expect(Markdown.html(source) == html)
    }

    @Test("links to http and https only", arguments: [
        ("[docs](https://example.com/a?b=1&c=2)",
         "<p><a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer\" target=\"_blank\">docs</a></p>"),
        ("[w](http://en.wikipedia.org/wiki/Foo_(bar)) after",
         "<p><a href=\"http://en.wikipedia.org/wiki/Foo_(bar)\" rel=\"noopener noreferrer\" target=\"_blank\">w</a> after</p>"),
        ("[`code` **b**](HTTPS://X.ORG)",
         "<p><a href=\"HTTPS://X.ORG\" rel=\"noopener noreferrer\" target=\"_blank\"><code>code</code> <strong>b</strong></a></p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](JavaScript:alert(1))", "<p>[x](JavaScript:alert(1))</p>"),
        ("[x](data:text/html,<script>alert(1)</script>)", "<p>[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;)</p>"),
        ("[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>"),
        ("[x](/relative/path)", "<p>[x](/relative/path)</p>"),
        ("[x](//evil.example/x)", "<p>[x](//evil.example/x)</p>"),
        ("[x](https://e.com/\"onmouseover=alert(1))", "<p>[x](https://e.com/\"onmouseover=alert(1))</p>"),
        ("[x]( https://e.com)", "<p>[x]( https://e.com)</p>"),
        ("[x](https://)", "<p>[x](https://)</p>"),
        ("[](https://e.com)", "<p>[](https://e.com)</p>"),
        ("[x](https://e.com", "<p>[x](https://e.com</p>"),
    ])
    func links(source: String, html: String) {
        #expect(Markdown.html(source) == html)
    }

    @Test("raw HTML never passes through")
    func rawHTML() {
        #expect(Markdown.html("<b>raw</b> & <img src=x onerror=alert(1)>")
            == "<p>&lt;b&gt;raw&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>")
        #expect(Markdown.html("# <script>alert(1)</script>") == "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>")
        #expect(Markdown.html("- <!-- x -->") == "<ul>\n<li>&lt;!-- x --&gt;</li>\n</ul>")
    }
}
